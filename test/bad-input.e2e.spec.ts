import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import {
  buildClientSchema,
  getIntrospectionQuery,
  getNamedType,
  isEnumType,
  isInputObjectType,
  isLeafType,
  isListType,
  isNonNullType,
  isScalarType,
  type GraphQLField,
  type GraphQLInputType,
  type IntrospectionQuery,
} from 'graphql';
import { e2eBackends, SuiviApp } from './support/suivi-app.js';
import { SuiviClient, writeTestCatalogue, type Json, type MutationName, type MutationResult } from './support/suivi-client.js';

const UNKNOWN_ID = '00000000-0000-4000-8000-00000000beef';
const AUDIT_COUNT = 'query { auditJournal(first: 1) { totalCount } }';

describe.each(e2eBackends())('bad input is refused, naming the field, and nothing is written (%s)', (_label, mongodbUrl) => {
  let suivi: SuiviApp;
  let client: SuiviClient;
  let catalogueDir: string;
  let thirdPartyId: string;
  let otherThirdPartyId: string;
  let contactId: string;
  let otherContactId: string;
  let exchangeId: string;

  /** The log's head and the journal's size, which a refused command must leave alone. */
  const written = async (): Promise<[bigint | null, number]> => {
    const { auditJournal } = await client.read<{ auditJournal: { totalCount: number } }>(AUDIT_COUNT);
    return [await suivi.headPosition(), auditJournal.totalCount];
  };

  const refused = async <N extends MutationName>(name: N, input: Json, code: string, field?: string): Promise<MutationResult<N>> => {
    const before = await written();
    const result = await client.mutate(name, input);
    expect(result.payload).toBeUndefined();
    const error = result.errors?.[0];
    expect(error?.extensions?.['code']).toBe(code);
    if (field) {
      expect(error?.extensions?.['field']).toBe(field);
      expect(error?.message).toContain(field.replace(/^input\./, '').split(/[.[]/)[0]);
    }
    expect(await written()).toEqual(before);
    return result;
  };

  const validExchange = (): Json => ({
    thirdPartyId,
    contactIds: [contactId],
    occurredAt: '2025-03-14T09:30:00+01:00',
    mode: 'phone',
    subject: 'quote',
  });

  beforeAll(async () => {
    catalogueDir = mkdtempSync(path.join(os.tmpdir(), 'suivi-catalogue-'));
    suivi = await SuiviApp.start({ catalogueFile: writeTestCatalogue(catalogueDir), ...(mongodbUrl ? { mongodbUrl } : {}) });
    client = new SuiviClient(suivi);
    const register = async (name: string) =>
      (await client.must('registerThirdParty', { name, kind: 'COMPANY', roles: ['PROSPECT'] }))
        .thirdParty.id;
    thirdPartyId = await register('Garage Petit');
    otherThirdPartyId = await register('Cave Rousseau');
    const add = async (thirdParty: string, lastName: string) =>
      (await client.must('addContact', { thirdPartyId: thirdParty, lastName })).contact.id;
    contactId = await add(thirdPartyId, 'Petit');
    otherContactId = await add(otherThirdPartyId, 'Rousseau');
    exchangeId = (await client.must('logExchange', validExchange())).exchange.id;
  });
  afterAll(async () => {
    await suivi.stop();
    rmSync(catalogueDir, { recursive: true, force: true });
  });

  it('an exchange without a third party', async () => {
    const { thirdPartyId: _omitted, ...input } = validExchange();
    const result = await refused('logExchange', input, 'BAD_USER_INPUT', 'input.thirdPartyId');
    expect(result.errors?.[0]?.message).toMatch(/required/);
    await refused('logExchange', { ...validExchange(), thirdPartyId: null }, 'BAD_USER_INPUT', 'input.thirdPartyId');
  });

  it('an exchange with an unknown or malformed third party', async () => {
    await refused('logExchange', { ...validExchange(), thirdPartyId: UNKNOWN_ID, contactIds: [] }, 'BAD_USER_INPUT', 'input.thirdPartyId');
    await refused('logExchange', { ...validExchange(), thirdPartyId: 'garage-petit' }, 'BAD_USER_INPUT', 'input.thirdPartyId');
  });

  it('an exchange with a contact of another third party, or an unknown contact', async () => {
    await refused('logExchange', { ...validExchange(), contactIds: [contactId, otherContactId] }, 'BAD_USER_INPUT', 'input.contactIds[1]');
    await refused('logExchange', { ...validExchange(), contactIds: [UNKNOWN_ID] }, 'BAD_USER_INPUT', 'input.contactIds[0]');
    await refused('logExchange', { ...validExchange(), contactIds: [contactId, 'nope'] }, 'BAD_USER_INPUT', 'input.contactIds[1]');
  });

  it('an exchange with a mode or subject outside the catalogue', async () => {
    await refused('logExchange', { ...validExchange(), mode: 'carrier_pigeon' }, 'BAD_USER_INPUT', 'input.mode');
    // video_call is a default mode, but this deployment's catalogue does not list it.
    await refused('logExchange', { ...validExchange(), mode: 'video_call' }, 'BAD_USER_INPUT', 'input.mode');
    await refused('logExchange', { ...validExchange(), subject: 'gossip' }, 'BAD_USER_INPUT', 'input.subject');
  });

  it('a custom field the catalogue does not declare, or a value of the wrong type', async () => {
    const base = { name: 'Atelier Bois', kind: 'COMPANY', roles: ['PROSPECT'] };
    await refused('registerThirdParty', { ...base, customFields: [{ key: 'colour', value: '"red"' }] }, 'BAD_USER_INPUT', 'input.customFields.colour');
    await refused('registerThirdParty', { ...base, customFields: [{ key: 'employees', value: 'many' }] }, 'BAD_USER_INPUT', 'input.customFields.employees');
    await refused('registerThirdParty', { ...base, customFields: [{ key: 'sector', value: 'bank' }] }, 'BAD_USER_INPUT', 'input.customFields.sector');
    await refused('updateThirdParty', { thirdPartyId, customFields: [{ key: 'colour', value: '"red"' }] }, 'BAD_USER_INPUT', 'input.customFields.colour');
  });

  it('a malformed or impossible date, in variables and inline', async () => {
    const malformed = await refused('logExchange', { ...validExchange(), occurredAt: 'yesterday' }, 'BAD_USER_INPUT', 'input.occurredAt');
    expect(malformed.errors?.[0]?.message).toContain('occurredAt');
    await refused('logExchange', { ...validExchange(), occurredAt: '2025-02-30T10:00:00Z' }, 'BAD_USER_INPUT', 'input.occurredAt');
    await refused('logExchange', { ...validExchange(), occurredAt: '2025-03-14T10:00:00' }, 'BAD_USER_INPUT', 'input.occurredAt');

    const before = await written();
    const inline = await suivi.graphql(
      `mutation { logExchange(input: { thirdPartyId: "${thirdPartyId}", contactIds: ["${contactId}"], occurredAt: "14/03/2025", mode: "phone", subject: "quote" }) { position } }`,
    );
    expect(inline.body.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.occurredAt' });
    expect(inline.body.errors?.[0]?.message).toMatch(/^input\.occurredAt: /);
    expect(await written()).toEqual(before);

    const badFilter = await client.query('query { exchanges(filter: { from: "last week" }) { totalCount } }');
    expect(badFilter.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'filter.from' });
  });

  it('GraphQL-level input errors name the field too', async () => {
    await refused('registerThirdParty', { name: 'Robot', kind: 'ROBOT' }, 'BAD_USER_INPUT', 'input.kind');
    await refused('addContact', { thirdPartyId, firstName: 'Anne' }, 'BAD_USER_INPUT', 'input.lastName');
    await refused('logExchange', { ...validExchange(), status: 'MAYBE' }, 'BAD_USER_INPUT', 'input.status');
  });

  it('contacts and notes on a missing, unknown or other third party', async () => {
    await refused('addContact', { lastName: 'Orphan' }, 'BAD_USER_INPUT', 'input.thirdPartyId');
    await refused('addContact', { thirdPartyId: UNKNOWN_ID, lastName: 'Orphan' }, 'BAD_USER_INPUT', 'input.thirdPartyId');
    await refused('addNote', { thirdPartyId: UNKNOWN_ID, text: 'Call back in May' }, 'BAD_USER_INPUT', 'input.thirdPartyId');
    await refused('addNote', { thirdPartyId, contactId: otherContactId, text: 'Call back in May' }, 'BAD_USER_INPUT', 'input.contactId');
  });

  it('changes to something that does not exist are NOT_FOUND; business rules are CONFLICT', async () => {
    await refused('updateThirdParty', { thirdPartyId: UNKNOWN_ID, phone: '0102030405' }, 'NOT_FOUND');
    await refused('changeExchangeStatus', { exchangeId: UNKNOWN_ID, status: 'TO_DO' }, 'NOT_FOUND');
    await refused('updateContact', { contactId: UNKNOWN_ID, jobTitle: 'CEO' }, 'NOT_FOUND');
    await refused('updateThirdParty', { thirdPartyId: 'not-an-id', phone: '0102030405' }, 'BAD_USER_INPUT', 'input.thirdPartyId');
    await refused('updateThirdParty', { thirdPartyId, name: null }, 'BAD_USER_INPUT', 'input.name');
    await refused('updateExchange', { exchangeId, contactIds: [otherContactId] }, 'BAD_USER_INPUT', 'input.contactIds[0]');
    await refused('updateExchange', { exchangeId, occurredAt: null }, 'BAD_USER_INPUT', 'input.occurredAt');
    await refused('registerThirdParty', { name: 'x', kind: 'COMPANY', idempotencyKey: '' }, 'BAD_USER_INPUT', 'input.idempotencyKey');

    await client.must('archiveContact', { contactId, reason: 'left the company' });
    await refused('logExchange', validExchange(), 'BAD_USER_INPUT', 'input.contactIds[0]');
    await client.must('deleteExchange', { exchangeId, reason: 'logged twice' });
    await refused('changeExchangeStatus', { exchangeId, status: 'TO_DO' }, 'CONFLICT');
  });

  it('queries name their bad arguments', async () => {
    const badId = await client.query('query { thirdParty(id: "42") { id } }');
    expect(badId.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'id' });
    const tooMany = await client.query('query { exchanges(first: 500) { totalCount } }');
    expect(tooMany.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'first' });
    const badHeader = await suivi.graphql('query { auditJournal { totalCount } }', {}, { 'x-suivi-consistent-with': 'soon' });
    expect(badHeader.body.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'x-suivi-consistent-with' });
  });
});

/**
 * Every mutation the running server offers, with inputs generated from its
 * schema (introspection): oversized strings, lone surrogates, control
 * characters and NUL, huge lists, dates out of range, ids of the wrong kind,
 * unknown enum values, numbers at their limits — next to plausible values, so
 * that the generated inputs also get past the first check. Whatever the input,
 * the answer is a success or a client error (BAD_USER_INPUT naming a field of
 * the input; NOT_FOUND or CONFLICT for a well-formed reference to something
 * missing or in the wrong state), never INTERNAL_SERVER_ERROR or a 5xx, and a
 * refusal leaves the log's head where it was.
 *
 * SUIVI_FUZZ_RUNS inputs per mutation (default 25), SUIVI_FUZZ_SEED to replay.
 */

const FUZZ_RUNS = Number(process.env['SUIVI_FUZZ_RUNS'] ?? 25);
const FUZZ_SEED = Number(process.env['SUIVI_FUZZ_SEED'] ?? 8_2026);
/** Under the 1 MiB body limit: the input's own checks are what is tested, not the transport's. */
const MAX_BODY = 900_000;
const CLIENT_ERRORS = new Set(['BAD_USER_INPUT', 'NOT_FOUND', 'CONFLICT']);

const awkwardStrings = fc.oneof(
  fc.constantFrom('\uD800', 'a\uDC00b', '\uDFFF\uD800', '\u0000', 'a\u0000b', '\u001B[31m', '\r\n', '\u202Eevil', '\u200B', '👩‍👩‍👧', 'é'.normalize('NFD'), ' ', ''),
  fc.string({ unit: fc.integer({ min: 0, max: 31 }).map((code) => String.fromCharCode(code)), minLength: 1, maxLength: 8 }),
  fc.string({ unit: 'binary', maxLength: 12 }),
  fc.integer({ min: 1_000, max: 200_000 }).map((length) => 'é'.repeat(length)),
);

/** Values the catalogue, the groups and the formats know, so that some inputs are valid. */
const plausibleStrings = fc.constantFrom(
  'Dupont',
  'x',
  'phone',
  'email',
  'quote',
  'support',
  'sales',
  'bakery',
  'EUR',
  '120.50',
  'fr',
  'FR',
  'P3D',
  'contact@example.fr',
  'https://example.fr',
  '+33 1 02 03 04 05',
  'FR40303265045',
  'employees',
  'sector',
);

const dateTimes = fc.oneof(
  fc.date({ min: new Date('2020-01-01T00:00:00Z'), max: new Date('2027-12-31T00:00:00Z'), noInvalidDate: true }).map((date) => date.toISOString()),
  fc.date({ min: new Date(-8.64e15), max: new Date(8.64e15), noInvalidDate: true }).map((date) => date.toISOString()),
  fc.constantFrom(
    '+275760-09-13T00:00:00.000Z',
    '-271821-04-20T00:00:00.000Z',
    '0000-01-01T00:00:00Z',
    '9999-12-31T23:59:59.999Z',
    '1970-01-01T00:00:00Z',
    '2025-02-29T10:00:00Z',
    '2025-13-01T00:00:00Z',
    '2025-03-14T10:00:00',
    '2025-03-14T25:00:00+01:00',
    'yesterday',
    '',
  ),
);

const ints = fc.oneof(fc.integer({ min: -3, max: 120 }), fc.constantFrom(0, -1, 2_147_483_647, -2_147_483_648, 2_147_483_648, 1.5));
const floats = fc.oneof(fc.double({ noNaN: true, noDefaultInfinity: true }), fc.constantFrom(0, -0, 1e308, -1e308, 5e-324));

/** Which record an ID field refers to, by its name. */
const ID_KINDS: [RegExp, string][] = [
  [/thirdParty|merged|survivor|absorbed/i, 'thirdParty'],
  [/contact/i, 'contact'],
  [/exchange/i, 'exchange'],
  [/note/i, 'note'],
  [/document/i, 'document'],
  [/activity/i, 'activity'],
  [/user|assignee|owner|collaborator|member/i, 'user'],
];

/** Well-formed values for string fields whose name says what they hold. */
const PLAUSIBLE_BY_NAME: [RegExp, fc.Arbitrary<string>][] = [
  [/idempotencyKey/, fc.uuid()],
  [/expectedVersion/, fc.constantFrom('0', '1', '2')],
  [/email/i, fc.constantFrom('contact@example.fr', 'anne.fuzz@example.com')],
  [/phone|mobile/i, fc.constantFrom('+33 1 02 03 04 05', '01 02 03 04 05')],
  [/website|url/i, fc.constant('https://example.fr')],
  [/currency/i, fc.constant('EUR')],
  [/amount/i, fc.constantFrom('120.50', '1000')],
  [/vat/i, fc.constant('FR40303265045')],
  [/^mode$/, fc.constantFrom('phone', 'email', 'meeting')],
  [/^subject$/, fc.constantFrom('quote', 'support')],
  [/language/i, fc.constant('fr')],
  [/country/i, fc.constant('FR')],
  [/login/i, fc.stringMatching(/^[a-z]{4,10}$/)],
  [/^code$|groupCode/i, fc.constantFrom('sales', 'support', 'accounting')],
  [/^key$/, fc.constantFrom('sector', 'employees')],
];

/** A counterexample as far as a report line needs: long strings and lists cut. */
const preview = (value: unknown): string =>
  JSON.stringify(value, (_key, entry: unknown) =>
    typeof entry === 'string' && entry.length > 60
      ? `${entry.slice(0, 60)}…(${entry.length} chars)`
      : Array.isArray(entry) && entry.length > 5
        ? [...entry.slice(0, 3), `…(${entry.length} items)`]
        : entry,
  ).slice(0, 800);

describe('any input to any mutation: success or a client error naming the field, never a 5xx, never a partial write', () => {
  let suivi: SuiviApp;
  let catalogueDir: string;
  const ids: string[] = [];
  const idsByKind = new Map<string, string>();
  const outcomes = new Map<string, number>();

  const must = async <T>(document: string, variables: Record<string, unknown>): Promise<T> => {
    const { body } = await suivi.graphql<T>(document, variables);
    if (!body.data || body.errors?.length) throw new Error(`setup failed: ${JSON.stringify(body.errors)}`);
    return body.data;
  };

  beforeAll(async () => {
    catalogueDir = mkdtempSync(path.join(os.tmpdir(), 'suivi-fuzz-'));
    suivi = await SuiviApp.start({ catalogueFile: writeTestCatalogue(catalogueDir), env: { SUIVI_RATE_LIMIT_PER_MINUTE: '0' } });
    const client = new SuiviClient(suivi);
    // One record of each kind, whose ids the generator hands to every ID field: the right kind or the wrong one.
    const { thirdParty } = await client.must('registerThirdParty', { name: 'Fuzz SARL', kind: 'COMPANY', roles: ['PROSPECT'] });
    const { contact } = await client.must('addContact', { thirdPartyId: thirdParty.id, firstName: 'Anne', lastName: 'Fuzz' });
    const { exchange } = await client.must('logExchange', { thirdPartyId: thirdParty.id, contactIds: [contact.id], occurredAt: '2026-01-05T09:00:00.000Z', mode: 'phone', subject: 'quote' });
    const { note } = await client.must('addNote', { thirdPartyId: thirdParty.id, text: 'fuzz' });
    const document = await must<{ recordCommercialDocument: { commercialDocument: { id: string } } }>(
      'mutation($input: RecordCommercialDocumentInput!) { recordCommercialDocument(input: $input) { commercialDocument { id } } }',
      { input: { thirdPartyId: thirdParty.id, type: 'QUOTE', ref: 'FUZZ-1', amount: '100', currency: 'EUR', issuedAt: '2026-01-05T09:00:00.000Z' } },
    );
    const activity = await must<{ scheduleActivity: { activity: { id: string } } }>(
      'mutation($input: ScheduleActivityInput!) { scheduleActivity(input: $input) { activity { id } } }',
      { input: { thirdPartyId: thirdParty.id, kind: 'TASK', title: 'Call back', dueAt: '2026-06-01T09:00:00.000Z' } },
    );
    // A user the generator may disable, scope or ungroup; the administrator's own id is never generated.
    const user = await must<{ createUser: { user: { id: string } } }>('mutation($input: CreateUserInput!) { createUser(input: $input) { user { id } } }', {
      input: { login: 'fuzz-user', email: 'fuzz@example.fr' },
    });
    const kinds = {
      thirdParty: thirdParty.id,
      contact: contact.id,
      exchange: exchange.id,
      note: note.id,
      document: document.recordCommercialDocument.commercialDocument.id,
      activity: activity.scheduleActivity.activity.id,
      user: user.createUser.user.id,
    };
    for (const [kind, id] of Object.entries(kinds)) idsByKind.set(kind, id);
    ids.push(...Object.values(kinds));
  });
  afterAll(async () => {
    await suivi.stop();
    rmSync(catalogueDir, { recursive: true, force: true });
  });

  /** A short value of a leaf type (or null where allowed): what a huge list is made of. */
  const smallFor = (type: GraphQLInputType): fc.Arbitrary<unknown> => {
    const named = getNamedType(type);
    const orNull = (arbitrary: fc.Arbitrary<unknown>) => (isNonNullType(type) ? arbitrary : fc.oneof(arbitrary, fc.constant(null)));
    if (isEnumType(named)) return orNull(fc.constantFrom(...named.getValues().map((value) => value.value as string), 'MAYBE'));
    switch (named.name) {
      case 'ID':
        return orNull(fc.constantFrom(...ids, 'not-an-id'));
      case 'DateTime':
        return orNull(fc.constantFrom('2026-01-05T09:00:00.000Z', '+275760-09-13T00:00:00.000Z'));
      case 'Int':
        return orNull(ints);
      case 'Float':
        return orNull(floats);
      case 'Boolean':
        return orNull(fc.boolean());
      default:
        return orNull(fc.oneof(plausibleStrings, fc.constantFrom('\uD800', '\u0000')));
    }
  };

  /** An arbitrary for a GraphQL input type, as a client could send it in variables. */
  const arbitraryFor = (type: GraphQLInputType, depth = 0): fc.Arbitrary<unknown> => {
    if (isNonNullType(type)) return arbitraryFor(type.ofType, depth);
    const nullable = (arbitrary: fc.Arbitrary<unknown>) => fc.oneof({ weight: 9, arbitrary }, { weight: 1, arbitrary: fc.constant(null) });
    if (isListType(type)) {
      const item = arbitraryFor(type.ofType, depth + 1);
      // Huge lists of values, not of objects holding huge lists: the body must stay under the limit.
      if (!isLeafType(getNamedType(type.ofType))) return nullable(fc.array(item, { maxLength: 3 }));
      return nullable(
        fc.oneof(
          { weight: 8, arbitrary: fc.array(item, { maxLength: 3 }) },
          { weight: 1, arbitrary: smallFor(type.ofType).map((value) => Array.from({ length: 5_000 }, () => value)) },
        ),
      );
    }
    if (isEnumType(type)) {
      const values = type.getValues().map((value) => value.value as string);
      return nullable(fc.oneof({ weight: 4, arbitrary: fc.constantFrom(...values) }, { weight: 1, arbitrary: fc.constantFrom('MAYBE', values[0]!.toLowerCase(), '', 7) }));
    }
    if (isInputObjectType(type)) {
      const fields = Object.values(type.getFields());
      // Deep nesting adds nothing a shallower input does not already try.
      if (depth > 3) return fc.constant({});
      const required = fields.filter((field) => isNonNullType(field.type) && field.defaultValue === undefined).map((field) => field.name);
      return nullable(fc.record(Object.fromEntries(fields.map((field) => [field.name, arbitraryFor(field.type, depth + 1)])), { requiredKeys: required }));
    }
    if (isScalarType(type)) {
      switch (type.name) {
        case 'ID':
          return nullable(fc.oneof({ weight: 4, arbitrary: fc.constantFrom(...ids) }, fc.uuid(), fc.constantFrom('', 'not-an-id', '42', '00000000-0000-0000-0000-000000000000', `${ids[0]} `), awkwardStrings));
        case 'String':
          return nullable(fc.oneof({ weight: 2, arbitrary: plausibleStrings }, { weight: 2, arbitrary: awkwardStrings }, fc.string({ maxLength: 40 })));
        case 'DateTime':
          return nullable(dateTimes);
        case 'Int':
          return nullable(ints);
        case 'Float':
          return nullable(floats);
        case 'Boolean':
          return nullable(fc.oneof({ weight: 4, arbitrary: fc.boolean() }, { weight: 1, arbitrary: fc.constantFrom('true', 0) }));
        default:
          return nullable(fc.oneof(plausibleStrings, awkwardStrings));
      }
    }
    throw new Error(`no arbitrary for input type ${String(type)}`);
  };

  /** The id a field's name asks for (thirdPartyId, contactIds, assigneeId…); any when the name does not say. */
  const idFor = (name: string): fc.Arbitrary<string> => {
    const kind = ID_KINDS.find(([pattern]) => pattern.test(name))?.[1];
    const id = kind ? idsByKind.get(kind) : undefined;
    return id ? fc.constant(id) : fc.constantFrom(...ids);
  };

  /** A value of the type that is likely valid: the right kind of id, catalogue codes, recent dates; optional fields sometimes left out. */
  const plausibleFor = (type: GraphQLInputType, name: string, depth = 0): fc.Arbitrary<unknown> => {
    if (isNonNullType(type)) return plausibleFor(type.ofType, name, depth);
    if (isListType(type)) return fc.array(plausibleFor(type.ofType, name, depth + 1), { maxLength: 2 });
    if (isEnumType(type)) return fc.constantFrom(...type.getValues().map((value) => value.value as string));
    if (isInputObjectType(type)) {
      const fields = Object.values(type.getFields());
      const required = fields.filter((field) => isNonNullType(field.type) && field.defaultValue === undefined).map((field) => field.name);
      if (depth > 3) return fc.constant({});
      return fc.record(Object.fromEntries(fields.map((field) => [field.name, plausibleFor(field.type, field.name, depth + 1)])), { requiredKeys: required });
    }
    switch ((type as { name: string }).name) {
      case 'ID':
        return idFor(name);
      case 'DateTime':
        return fc.date({ min: new Date('2024-01-01T00:00:00Z'), max: new Date('2026-12-31T00:00:00Z'), noInvalidDate: true }).map((date) => date.toISOString());
      case 'Int':
        return fc.integer({ min: 1, max: 30 });
      case 'Float':
        return fc.double({ min: 0, max: 1000, noNaN: true });
      case 'Boolean':
        return fc.boolean();
      default: {
        const known = PLAUSIBLE_BY_NAME.find(([pattern]) => pattern.test(name))?.[1];
        return known ?? fc.oneof(plausibleStrings, fc.stringMatching(/^[A-Za-z][A-Za-z0-9 ]{0,15}$/));
      }
    }
  };

  /**
   * The inputs a mutation is tried with: plausible ones (some succeed, and
   * reach the domain's own checks), plausible ones with one field made
   * hostile (so that field's check is what answers), and hostile throughout.
   */
  const inputsFor = (type: GraphQLInputType): fc.Arbitrary<unknown> => {
    const named = getNamedType(type);
    if (!isInputObjectType(named)) return arbitraryFor(type);
    const fields = Object.values(named.getFields());
    const oneHostile = fc
      .tuple(plausibleFor(type, ''), fc.constantFrom(...fields))
      .chain(([input, field]) => arbitraryFor(field.type).map((value) => ({ ...(input as object), [field.name]: value })));
    return fc.oneof({ weight: 2, arbitrary: plausibleFor(type, '') }, { weight: 4, arbitrary: oneHostile }, { weight: 1, arbitrary: arbitraryFor(type) });
  };

  /** What is wrong with the answer to one generated input; null when it is acceptable. */
  const judge = async (field: GraphQLField<unknown, unknown>, variables: Record<string, unknown>): Promise<string | null> => {
    const declarations = field.args.map((arg) => `$${arg.name}: ${String(arg.type)}`).join(', ');
    const argumentList = field.args.map((arg) => `${arg.name}: $${arg.name}`).join(', ');
    const selection = isLeafType(getNamedType(field.type)) ? '' : ' { __typename }';
    const query = `mutation${declarations ? `(${declarations})` : ''} { ${field.name}${argumentList ? `(${argumentList})` : ''}${selection} }`;
    const body = JSON.stringify({ query, variables });
    fc.pre(Buffer.byteLength(body) <= MAX_BODY);
    const head = await suivi.headPosition();
    const { status, body: answer } = await suivi.post(body);
    if (status >= 500) return `HTTP ${status}: ${JSON.stringify(answer).slice(0, 400)}`;
    if (!answer.errors?.length) outcomes.set(`${field.name} OK`, 1 + (outcomes.get(`${field.name} OK`) ?? 0));
    if (!answer.errors?.length) return answer.data?.[field.name] ? null : `no data and no error: ${JSON.stringify(answer).slice(0, 400)}`;
    for (const error of answer.errors) {
      const code = String(error.extensions?.['code'] ?? '(none)');
      if (!CLIENT_ERRORS.has(code)) return `${code}: ${error.message.slice(0, 300)}`;
      const named = error.extensions?.['field'];
      if (code === 'BAD_USER_INPUT' && (typeof named !== 'string' || !Object.keys(variables).includes(named.split(/[.[]/)[0]!))) {
        return `BAD_USER_INPUT without the field it is about: ${error.message.slice(0, 300)}`;
      }
    }
    outcomes.set(`${field.name} ${answer.errors[0]!.extensions?.['code']} ${String(answer.errors[0]!.extensions?.['field'] ?? '')}`, 1 + (outcomes.get(`${field.name} ${answer.errors[0]!.extensions?.['code']} ${String(answer.errors[0]!.extensions?.['field'] ?? '')}`) ?? 0));
    const after = await suivi.headPosition();
    return after === head ? null : `refused (${answer.errors[0]!.message.slice(0, 200)}) but the log moved from ${head} to ${after}`;
  };

  it('a list with more bad values than graphql-js reports is still BAD_USER_INPUT naming the argument', async () => {
    const head = await suivi.headPosition();
    const { status, body } = await suivi.graphql('mutation($input: LogExchangeInput!) { logExchange(input: $input) { position } }', {
      input: { thirdPartyId: ids[0], occurredAt: '2026-01-05T09:00:00.000Z', mode: 'phone', subject: 'quote', contactIds: Array.from({ length: 60 }, () => null) },
    });
    expect(status).toBeLessThan(500);
    expect(body.errors!.length).toBeGreaterThan(50);
    for (const error of body.errors!) expect(error.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: expect.stringMatching(/^input/) });
    expect(body.errors!.at(-1)!.message).toMatch(/^input: too many invalid values/);
    expect(await suivi.headPosition()).toBe(head);
  });

  it('holds for every mutation of the schema', async () => {
    const { body } = await suivi.graphql<IntrospectionQuery>(getIntrospectionQuery());
    const schema = buildClientSchema(body.data!);
    const mutations = Object.values(schema.getMutationType()!.getFields());
    expect(mutations.length).toBeGreaterThan(40);
    const failures: string[] = [];
    for (const field of mutations) {
      const variables = fc.record(Object.fromEntries(field.args.map((arg) => [arg.name, inputsFor(arg.type)])));
      const result = await fc.check(
        fc.asyncProperty(variables, async (values) => {
          const problem = await judge(field, values);
          if (problem) throw new Error(problem);
        }),
        { numRuns: FUZZ_RUNS, seed: FUZZ_SEED, endOnFailure: true },
      );
      if (result.failed) {
        const error = result.errorInstance instanceof Error ? result.errorInstance.message : String(result.errorInstance);
        failures.push(`${field.name}: ${error}\n    input: ${preview(result.counterexample?.[0])}`);
      }
    }
    if (process.env['SUIVI_FUZZ_STATS']) process.stdout.write([...outcomes].sort().map(([k, v]) => `${k}: ${v}`).join('\n') + '\n');
    expect(failures).toEqual([]);
  }, 120_000);
});
