import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
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
