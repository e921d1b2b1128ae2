import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { categoryOf, permissions, streams } from '#domain';
import type { EventStore } from '#event-store';
import { EVENT_STORE } from '../apps/api/src/infrastructure/tokens.js';
import { ADMIN_USER_ID, e2eBackends, SuiviApp } from './support/suivi-app.js';
import { SuiviClient, type Connection, type Json } from './support/suivi-client.js';

const DOCUMENT_FIELDS = `id thirdPartyId type ref label amount currency issuedAt dueAt status statusAt paidAmount
  statusHistory { status at paidAmount recordedBy { id } } recordedBy { id } version`;
const RECORD = `mutation($input: RecordCommercialDocumentInput!) {
  recordCommercialDocument(input: $input) { position commercialDocument { ${DOCUMENT_FIELDS} } }
}`;
const CHANGE = `mutation($input: ChangeCommercialDocumentStatusInput!) {
  changeCommercialDocumentStatus(input: $input) { position commercialDocument { ${DOCUMENT_FIELDS} } }
}`;
const DOCUMENT = `query($id: ID!) { commercialDocument(id: $id) { ${DOCUMENT_FIELDS} } }`;
const DOCUMENTS = `query($filter: CommercialDocumentFilter, $first: Int, $after: String) {
  commercialDocuments(first: $first, after: $after, filter: $filter) { totalCount edges { node { ref status } } pageInfo { hasNextPage endCursor } }
}`;
const DOCUMENTS_BY_REF = `query($filter: CommercialDocumentFilter) { commercialDocuments(first: 1, filter: $filter) { edges { node { id statusAt } } } }`;
const TIMELINE = `query($id: ID!, $kinds: [TimelineKind!]) {
  thirdParty(id: $id) { timeline(first: 50, filter: { kinds: $kinds }) { totalCount edges { node { kind occurredAt summary changes { field from to } documentId contactIds } } } }
}`;
const OF_THIRD_PARTY = `query($id: ID!, $filter: ThirdPartyCommercialDocumentFilter) {
  thirdParty(id: $id) { commercialDocuments(first: 10, filter: $filter) { totalCount edges { node { ref type status } } } }
}`;

type Document = Json & { id: string; status: string; version: string; statusHistory: Json[] };
type Written = { position: string; commercialDocument: Document };
type Answer<T> = { data: T | null | undefined; errors: { message: string; extensions?: Record<string, unknown> }[] | undefined };

/** A mutation through a client, which then reads its own write. */
async function mutate<T>(client: SuiviClient, document: string, input: Json): Promise<Answer<T>> {
  const answer = (await client.query<Record<string, T>>(document, { input })) as Answer<Record<string, T>>;
  const payload = Object.values(answer.data ?? {})[0] as { position?: string } | undefined;
  if (payload?.position && BigInt(payload.position) > BigInt(client.lastPosition)) client.lastPosition = payload.position;
  return { data: payload as T | undefined, errors: answer.errors };
}

async function must<T>(client: SuiviClient, document: string, input: Json): Promise<T> {
  const { data, errors } = await mutate<T>(client, document, input);
  if (!data || errors?.length) throw new Error(`mutation failed: ${JSON.stringify(errors)}`);
  return data;
}

const refs = (connection: Connection) => connection.edges.map((edge) => edge.node['ref']);

describe.each(e2eBackends())('commercial documents (%s)', (_label, mongodbUrl) => {
  let suivi: SuiviApp;
  let admin: SuiviClient;
  let bakery: string;
  let garage: string;

  const invoice = (over: Json = {}): Json => ({
    thirdPartyId: bakery,
    type: 'INVOICE',
    ref: 'FA2603-0042',
    label: 'Ovens, March',
    amount: '1200.5',
    currency: 'eur',
    issuedAt: '2026-03-01T10:00:00+01:00',
    dueAt: '2026-03-31T00:00:00+02:00',
    ...over,
  });

  const eventsOf = async (documentId: string) => (await suivi.app.get<EventStore>(EVENT_STORE).readStream(streams.commercialDocument(documentId))).length;

  beforeAll(async () => {
    suivi = await SuiviApp.start(mongodbUrl ? { mongodbUrl } : {});
    admin = new SuiviClient(suivi);
    const register = async (name: string, territory: string) =>
      (await admin.must('registerThirdParty', { name, kind: 'COMPANY', roles: ['CUSTOMER'], territory })).thirdParty.id;
    bakery = await register('Boulangerie du Nord', 'Nord');
    garage = await register('Garage du Sud', 'Sud');
  });
  afterAll(async () => {
    await suivi.stop();
  });

  it('records an invoice, normalised, in its first status reached when it was issued; recording it again changes nothing', async () => {
    const first = await must<Written>(admin, RECORD, invoice());
    expect(first.commercialDocument).toMatchObject({
      thirdPartyId: bakery,
      type: 'INVOICE',
      ref: 'FA2603-0042',
      label: 'Ovens, March',
      amount: '1200.50',
      currency: 'EUR',
      issuedAt: '2026-03-01T09:00:00.000Z',
      dueAt: '2026-03-30T22:00:00.000Z',
      status: 'ISSUED',
      statusAt: '2026-03-01T09:00:00.000Z',
      paidAmount: null,
      statusHistory: [{ status: 'ISSUED', at: '2026-03-01T09:00:00.000Z', paidAmount: null, recordedBy: { id: ADMIN_USER_ID } }],
      recordedBy: { id: ADMIN_USER_ID },
      version: '0',
    });
    const again = await must<Written>(admin, RECORD, invoice({ amount: '1200.50', currency: 'EUR' }));
    expect(again).toEqual(first);
    expect(await eventsOf(first.commercialDocument.id)).toBe(1);
    expect((await admin.read<{ commercialDocument: Document }>(DOCUMENT, { id: first.commercialDocument.id })).commercialDocument).toEqual(first.commercialDocument);
  });

  it('refuses the same ref with other facts as a CONFLICT, and writes nothing', async () => {
    const head = await suivi.headPosition();
    const { errors } = await mutate(admin, RECORD, invoice({ amount: '1300.00' }));
    expect(errors?.[0]).toMatchObject({
      message: 'INVOICE FA2603-0042 of this third party is already recorded with other details: record it once, then change its status',
      extensions: { code: 'CONFLICT' },
    });
    expect(await suivi.headPosition()).toBe(head);
  });

  it('changes the status at the instant it happened, keeping every status in the history', async () => {
    const { commercialDocument: recorded } = await must<Written>(admin, RECORD, invoice({ ref: 'FA2603-0050', issuedAt: '2026-03-02T10:00:00+01:00', statusAt: '2026-03-02T12:00:00Z' }));
    const partly = await must<Written>(admin, CHANGE, {
      documentId: recorded.id,
      status: 'PARTIALLY_PAID',
      at: '2026-03-10T15:00:00+01:00',
      paidAmount: '500',
      expectedVersion: recorded.version,
    });
    expect(partly.commercialDocument).toMatchObject({ status: 'PARTIALLY_PAID', statusAt: '2026-03-10T14:00:00.000Z', paidAmount: '500.00', version: '1' });
    const paid = await must<Written>(admin, CHANGE, { documentId: recorded.id, status: 'PAID' });
    const before = Date.now();
    expect(Math.abs(Date.parse(paid.commercialDocument['statusAt'] as string) - before)).toBeLessThan(60_000);
    expect(paid.commercialDocument.statusHistory.map(({ status, at, paidAmount }) => ({ status, at, paidAmount }))).toEqual([
      { status: 'ISSUED', at: '2026-03-02T12:00:00.000Z', paidAmount: null },
      { status: 'PARTIALLY_PAID', at: '2026-03-10T14:00:00.000Z', paidAmount: '500.00' },
      { status: 'PAID', at: paid.commercialDocument['statusAt'], paidAmount: '1200.50' },
    ]);
    const read = await admin.read<{ commercialDocument: Document }>(DOCUMENT, { id: recorded.id });
    expect(read.commercialDocument).toEqual(paid.commercialDocument);

    const back = await mutate(admin, CHANGE, { documentId: recorded.id, status: 'ISSUED' });
    expect(back.errors?.[0]).toMatchObject({
      message: 'INVOICE FA2603-0050 is PAID and cannot become ISSUED: PAID is final',
      extensions: { code: 'CONFLICT' },
    });
    const stale = await mutate(admin, CHANGE, { documentId: recorded.id, status: 'CANCELLED', expectedVersion: '0' });
    expect(stale.errors?.[0]?.extensions).toMatchObject({ code: 'CONFLICT', expectedVersion: '0', actualVersion: '2' });
    const unknown = randomUUID();
    const missing = await mutate(admin, CHANGE, { documentId: unknown, status: 'PAID' });
    expect(missing.errors?.[0]).toMatchObject({ message: `commercialDocument ${unknown} does not exist`, extensions: { code: 'NOT_FOUND' } });
  });

  it("shows each status on the third party's timeline at the instant it happened, by type, ref and amount, never by label", async () => {
    const byRef = await admin.read<{ commercialDocuments: Connection }>(DOCUMENTS_BY_REF, { filter: { ref: 'FA2603-0050' } });
    const paid = byRef.commercialDocuments.edges[0]!.node as { id: string; statusAt: string };
    const { thirdParty } = await admin.read<{ thirdParty: { timeline: Connection } }>(TIMELINE, {
      id: bakery,
      kinds: ['COMMERCIAL_DOCUMENT_RECORDED', 'COMMERCIAL_DOCUMENT_STATUS_CHANGED'],
    });
    const entries = thirdParty.timeline.edges.map((edge) => edge.node).filter((node) => node['documentId'] === paid.id);
    expect(entries).toEqual([
      {
        kind: 'COMMERCIAL_DOCUMENT_STATUS_CHANGED',
        occurredAt: paid.statusAt,
        summary: 'Invoice FA2603-0050: partially paid → paid, 1200.50 paid',
        changes: [
          { field: 'status', from: '"PARTIALLY_PAID"', to: '"PAID"' },
          { field: 'paidAmount', from: null, to: '"1200.50"' },
        ],
        documentId: paid.id,
        contactIds: [],
      },
      {
        kind: 'COMMERCIAL_DOCUMENT_STATUS_CHANGED',
        occurredAt: '2026-03-10T14:00:00.000Z',
        summary: 'Invoice FA2603-0050: issued → partially paid, 500.00 paid',
        changes: [
          { field: 'status', from: '"ISSUED"', to: '"PARTIALLY_PAID"' },
          { field: 'paidAmount', from: null, to: '"500.00"' },
        ],
        documentId: paid.id,
        contactIds: [],
      },
      {
        kind: 'COMMERCIAL_DOCUMENT_RECORDED',
        occurredAt: '2026-03-02T12:00:00.000Z',
        summary: 'Invoice FA2603-0050 recorded: 1200.50 EUR, issued',
        changes: [{ field: 'status', from: null, to: '"ISSUED"' }],
        documentId: paid.id,
        contactIds: [],
      },
    ]);
    expect(JSON.stringify(thirdParty.timeline)).not.toContain('Ovens, March');
  });

  it('lists and filters, newest issue first, with the total count, also under the third party', async () => {
    await must(admin, RECORD, { thirdPartyId: bakery, type: 'QUOTE', ref: 'PR2602-0007', amount: '950', currency: 'EUR', issuedAt: '2026-02-01T09:00:00Z', dueAt: '2026-03-01T09:00:00Z' });
    await must(admin, RECORD, { thirdPartyId: garage, type: 'ORDER', ref: 'CO-77', amount: '80', currency: 'EUR', issuedAt: '2026-03-05T09:00:00Z', status: 'SHIPPED', statusAt: '2026-03-06T09:00:00Z' });
    const list = async (filter: Json | null, first = 10) => (await admin.read<{ commercialDocuments: Connection }>(DOCUMENTS, { filter, first })).commercialDocuments;

    const all = await list(null);
    expect(refs(all)).toEqual(['CO-77', 'FA2603-0050', 'FA2603-0042', 'PR2602-0007']);
    expect(all.totalCount).toBe(4);
    const page = await list(null, 3);
    expect(page).toMatchObject({ totalCount: 4, pageInfo: { hasNextPage: true } });
    const rest = (await admin.read<{ commercialDocuments: Connection }>(DOCUMENTS, { first: 3, after: page.pageInfo.endCursor })).commercialDocuments;
    expect([...refs(page), ...refs(rest)]).toEqual(refs(all));

    expect(refs(await list({ thirdPartyId: garage }))).toEqual(['CO-77']);
    expect(refs(await list({ type: 'INVOICE' }))).toEqual(['FA2603-0050', 'FA2603-0042']);
    expect(refs(await list({ status: 'ISSUED' }))).toEqual(['FA2603-0042']);
    expect(refs(await list({ dueBefore: '2026-03-30T22:00:00Z' }))).toEqual(['PR2602-0007']);
    expect(refs(await list({ dueAfter: '2026-03-30T22:00:00Z' }))).toEqual(['FA2603-0050', 'FA2603-0042']);
    expect(refs(await list({ thirdPartyId: bakery, type: 'QUOTE', ref: 'PR2602-0007' }))).toEqual(['PR2602-0007']);

    const nested = await admin.read<{ thirdParty: { commercialDocuments: Connection } }>(OF_THIRD_PARTY, { id: bakery, filter: { type: 'INVOICE' } });
    expect(nested.thirdParty.commercialDocuments).toMatchObject({ totalCount: 2 });
    expect(refs(nested.thirdParty.commercialDocuments)).toEqual(['FA2603-0050', 'FA2603-0042']);
  });

  it.each<[string, Json, string, RegExp]>([
    ['a missing third party', { thirdPartyId: null }, 'input.thirdPartyId', /is required/],
    ['an amount with three decimals', { amount: '12.345' }, 'input.amount', /at most 2 decimals/],
    ['an amount as a number', { amount: 12.5 }, 'input.amount', /String cannot represent/],
    ['a currency that is not ISO 4217', { currency: 'EURO' }, 'input.currency', /ISO 4217/],
    ['a due date before the issue', { ref: 'X-1', dueAt: '2026-02-01T00:00:00Z' }, 'input.dueAt', /must not be before issuedAt/],
    ['a status of another type', { ref: 'X-2', status: 'ACCEPTED' }, 'input.status', /for type INVOICE/],
    ['an unknown type', { type: 'RECEIPT' }, 'input.type', /RECEIPT/],
    ['a ref over 100 characters', { ref: 'R'.repeat(101) }, 'input.ref', /at most 100/],
  ])('refuses %s, naming the field and writing nothing', async (_what, over, field, message) => {
    const head = await suivi.headPosition();
    const { errors } = await mutate(admin, RECORD, invoice(over));
    expect(errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field });
    expect(errors?.[0]?.message).toMatch(message);
    expect(await suivi.headPosition()).toBe(head);
  });

  it('names the field of a bad status change', async () => {
    const { commercialDocument: quote } = await must<Written>(admin, RECORD, { thirdPartyId: bakery, type: 'QUOTE', ref: 'PR2603-0001', amount: '10', currency: 'EUR', issuedAt: '2026-02-15T09:00:00Z' });
    for (const [input, field] of [
      [{ documentId: 'not-an-id', status: 'ACCEPTED' }, 'input.documentId'],
      [{ documentId: quote.id, status: 'PAID' }, 'input.status'],
      [{ documentId: quote.id, status: 'ACCEPTED', paidAmount: '5' }, 'input.paidAmount'],
      [{ documentId: quote.id, status: 'ACCEPTED', at: '2026-02-01T09:00:00Z' }, 'input.at'],
    ] as const) {
      const { errors } = await mutate(admin, CHANGE, input);
      expect({ field, extensions: errors?.[0]?.extensions }).toMatchObject({ field, extensions: { code: 'BAD_USER_INPUT', field } });
    }
  });

  describe('for a user scoped to the Nord territory', () => {
    let nina: SuiviClient;
    let southOrder: string;

    beforeAll(async () => {
      await admin.read('mutation($input: CreateGroupInput!) { createGroup(input: $input) { group { id } } }', {
        input: { code: 'field', name: 'Field', permissions: permissions.filter((p) => p !== 'admin.usersAndGroups') },
      });
      const created = await admin.read<{ createUser: { user: { id: string } } }>(
        'mutation($input: CreateUserInput!) { createUser(input: $input) { user { id } } }',
        { input: { login: 'nina', groupCodes: ['field'] } },
      );
      const userId = created.createUser.user.id;
      await admin.read('mutation($input: SetUserScopeInput!) { setUserScope(input: $input) { position } }', {
        input: { userId, territories: ['Nord'], ownedOnly: false },
      });
      const issued = await admin.read<{ issueApiToken: { token: string } }>(
        'mutation($input: IssueApiTokenInput!) { issueApiToken(input: $input) { token } }',
        { input: { userId } },
      );
      nina = new SuiviClient(suivi.as(issued.issueApiToken.token));
      southOrder = (await admin.read<{ commercialDocuments: { edges: { node: { id: string } }[] } }>(
        'query { commercialDocuments(filter: { type: ORDER }) { edges { node { id } } } }',
      )).commercialDocuments.edges[0]!.node.id;
      nina.lastPosition = admin.lastPosition;
    });

    /** Streams written since `head`, but for the security journal's (which records the refusals themselves). */
    const writtenSince = async (head: bigint | null): Promise<string[]> => {
      const { events } = await suivi.app.get<EventStore>(EVENT_STORE).readAll({ after: head, maxCount: 1000 });
      return events.map((event) => event.streamName).filter((stream) => categoryOf(stream) !== 'security');
    };

    const shape = (answer: unknown, id: string): unknown => JSON.parse(JSON.stringify(answer ?? null).replaceAll(id, '<id>'));

    it('sees only the documents of third parties in scope, counts included', async () => {
      const all = (await nina.read<{ commercialDocuments: Connection }>(DOCUMENTS, { first: 10 })).commercialDocuments;
      expect(refs(all)).toEqual(['FA2603-0050', 'FA2603-0042', 'PR2603-0001', 'PR2602-0007']);
      expect(all.totalCount).toBe(4);
      const south = (await nina.read<{ commercialDocuments: Connection }>(DOCUMENTS, { filter: { thirdPartyId: garage } })).commercialDocuments;
      expect(south).toMatchObject({ totalCount: 0, edges: [] });
      expect((await nina.read<{ commercialDocument: unknown }>(DOCUMENT, { id: southOrder })).commercialDocument).toBeNull();
      expect((await nina.read<{ thirdParty: unknown }>(OF_THIRD_PARTY, { id: garage })).thirdParty).toBeNull();
    });

    it('gets the answers of an unknown id when writing out of scope, and writes nothing', async () => {
      const unknown = randomUUID();
      const head = await suivi.headPosition();
      const record = (thirdPartyId: string) => mutate(nina, RECORD, invoice({ thirdPartyId, ref: 'FA-SUD-1' }));
      expect(shape(await record(garage), garage)).toEqual(shape(await record(unknown), unknown));
      expect((await record(garage)).errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.thirdPartyId' });
      const change = (documentId: string) => mutate(nina, CHANGE, { documentId, status: 'DELIVERED' });
      expect(shape(await change(southOrder), southOrder)).toEqual(shape(await change(unknown), unknown));
      expect((await change(southOrder)).errors?.[0]?.extensions).toMatchObject({ code: 'NOT_FOUND' });
      expect(await writtenSince(head)).toEqual([]);
    });

    it('records and changes the documents of third parties in scope', async () => {
      const { commercialDocument } = await must<Written>(nina, RECORD, invoice({ ref: 'FA-NORD-9', statusAt: null }));
      expect(commercialDocument).toMatchObject({ thirdPartyId: bakery, status: 'ISSUED' });
      const cancelled = await must<Written>(nina, CHANGE, { documentId: commercialDocument.id, status: 'CANCELLED' });
      expect(cancelled.commercialDocument.status).toBe('CANCELLED');
    });
  });
});

/** The README's section on commercial documents, run as written after the bakery of its worked example is registered. */
describe("the README's commercial documents section runs as written", () => {
  const SECTION = '## Quotes, orders, invoices and contracts';
  let suivi: SuiviApp;

  beforeAll(async () => {
    suivi = await SuiviApp.start();
  });
  afterAll(async () => {
    await suivi.stop();
  });

  it('runs every step without an error', async () => {
    const readme = readFileSync('README.md', 'utf8');
    const start = readme.indexOf(SECTION);
    expect(start).toBeGreaterThan(-1);
    const next = readme.indexOf('\n## ', start + SECTION.length);
    const blocks = [...readme.slice(start, next === -1 ? undefined : next).matchAll(/```(\w+)\n([\s\S]*?)```/g)].map(([, lang, body]) => ({ lang: lang!, body: body! }));
    const client = new SuiviClient(suivi);
    // The bakery of "A day in a salesperson's life": the same key gives the same id.
    await client.must('registerThirdParty', { name: 'Boulangerie Martin', kind: 'COMPANY', roles: ['PROSPECT'], territory: 'Lyon', idempotencyKey: 'martin-register' });
    const answers: unknown[] = [];
    let steps = 0;
    for (const [index, block] of blocks.entries()) {
      if (block.lang !== 'graphql') continue;
      const following = blocks[index + 1];
      const variables = following?.lang === 'json' ? (JSON.parse(following.body) as Json) : {};
      const { data, errors } = await client.query(block.body, variables);
      expect({ document: block.body, errors }).toEqual({ document: block.body, errors: undefined });
      for (const payload of Object.values(data ?? {})) {
        const position = (payload as { position?: unknown } | null)?.position;
        if (typeof position === 'string') client.lastPosition = position;
      }
      answers.push(data);
      steps += 1;
    }
    expect(steps).toBeGreaterThanOrEqual(4);
    expect(JSON.stringify(answers.at(-1))).toContain('PARTIALLY_PAID');
  });
});
