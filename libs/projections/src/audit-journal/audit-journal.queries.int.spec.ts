import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { ProjectionRunner } from '../runner/projection-runner.js';
import { allDocs, fixedClock, openStores, RecordingLogger, type Stores } from '../testing/third-party-fixtures.js';
import { appendScenario, CONFIDENTIAL_TEXT, ids, scenario, type Appended } from '../testing/relationship-fixtures.js';
import { auditJournalCollection, auditJournalProjection, type AuditEntry } from './audit-journal.projection.js';
import { AuditJournalQueries, WHOLE_JOURNAL, type AuditJournalListArgs } from './audit-journal.queries.js';

let stores: Stores;
let appended: Appended;
let queries: AuditJournalQueries;

beforeAll(async () => {
  stores = openStores();
  appended = await appendScenario(stores);
  const runner = new ProjectionRunner({
    store: stores.eventStore,
    readStore: stores.readStore,
    codec: stores.codec,
    projections: [auditJournalProjection],
    logger: new RecordingLogger(),
    clock: fixedClock,
  });
  await runner.start();
  await runner.waitFor(appended.head);
  await runner.stop();
  queries = await AuditJournalQueries.open(stores.readStore);
});

afterAll(async () => {
  await stores.close();
});

/** The administrator's view: this suite is about filters and paging; scopes have their own. */
const list = (args: Omit<AuditJournalListArgs, 'visibility'>) => queries.list({ ...args, visibility: WHOLE_JOURNAL });

const keysOf = (page: { items: { doc: AuditEntry }[] }): string[] => {
  const byEventId = new Map([...appended.steps].map(([key, step]) => [step.eventId, key]));
  return page.items.map((item) => byEventId.get(item.doc.id) ?? `unknown ${item.doc.id}`);
};

/** Every step, newest (last appended) first. */
const newestFirst = scenario.map((step) => step.key).reverse();

describe('AuditJournalQueries against the SQLite read store', () => {
  it('journals every event of every stream, newest first, including a type this build does not know', async () => {
    const page = await list({ first: 100 });
    expect(keysOf(page)).toEqual(newestFirst);
    expect(page.totalCount).toBe(15);
    expect(page.hasNextPage).toBe(false);
  });

  it('stores the entry as the projection built it, from the envelope the store returned', async () => {
    const step = appended.steps.get('renamed')!;
    const page = await list({ first: 1, filter: { action: 'ThirdPartyUpdated' } });
    expect(page.items[0]?.doc).toEqual({
      id: step.eventId,
      at: '2025-03-03T12:15:00.000Z',
      position: step.position.toString(),
      sortKey: step.position.toString().padStart(20, '0'),
      actorId: 'bob',
      action: 'ThirdPartyUpdated',
      entityType: 'thirdParty',
      entityId: ids.boulangerie,
      changes: [
        { field: 'name', from: 'Boulangerie Martin', to: 'Boulangerie Martin & Fils' },
        { field: 'email', from: 'contact@boulangerie-martin.fr', to: 'bonjour@martin-fils.fr' },
      ],
      scope: ids.boulangerie,
      subjects: [`thirdParty:${ids.boulangerie}`],
      correlationId: '00000000-0000-4000-c000-00000000000a',
      causationId: null,
      source: 'api',
      commandId: '00000000-0000-4000-c000-00000000000a',
    });
  });

  it.each<[string, AuditJournalListArgs['filter'], string[]]>([
    ['entityType', { entityType: 'contact' }, ['pierreArchived', 'pierreAdded', 'marieAdded']],
    ['entityId', { entityId: ids.meeting }, ['meetingDeleted', 'meetingUpdated', 'meetingClosed', 'meetingLogged']],
    ['actorId', { actorId: 'bob' }, ['meetingDeleted', 'renamed', 'callLogged', 'atelierRegistered']],
    ['action', { action: 'NoteAdded' }, ['thirdPartyNote', 'contactNote']],
    ['an unknown action', { action: 'InvoiceIssued' }, ['invoiceIssued']],
    ['an unknown entity type', { entityType: 'invoice', entityId: 'inv-1' }, ['invoiceIssued']],
    ['entity and actor', { entityType: 'exchange', actorId: 'bob' }, ['meetingDeleted', 'callLogged']],
    ['an actor nobody is', { actorId: 'mallory' }, []],
  ])('filters by %s', async (_name, filter, expected) => {
    const page = await list({ first: 100, filter });
    expect(keysOf(page)).toEqual(expected);
    expect(page.totalCount).toBe(expected.length);
  });

  it('filters by date range, from inclusive and to exclusive, whatever the spelling of the instants', async () => {
    const expected = ['meetingUpdated', 'renamed', 'thirdPartyNote', 'contactNote', 'meetingClosed'];
    const utc = await list({ first: 100, filter: { from: '2025-03-03T12:00:00.000Z', to: '2025-03-03T13:00:00.000Z' } });
    expect(keysOf(utc)).toEqual(expected);
    expect(utc.totalCount).toBe(5);
    const offset = await list({ first: 100, filter: { from: '2025-03-03T13:00:00+01:00', to: '2025-03-03T14:00:00+01:00' } });
    expect(keysOf(offset)).toEqual(expected);
    // The journal dates an exchange when it was logged (09:20), not when it happened (11:00).
    const morning = await list({ first: 100, filter: { entityType: 'exchange', to: '2025-03-03T10:00:00Z' } });
    expect(keysOf(morning)).toEqual(['callLogged', 'meetingLogged']);
  });

  it('pages through the journal with cursors, totalCount staying the full count', async () => {
    const seen: string[] = [];
    let after: string | null = null;
    let pages = 0;
    for (;;) {
      const page = await list({ first: 4, after });
      pages += 1;
      expect(page.totalCount).toBe(15);
      seen.push(...keysOf(page));
      if (!page.hasNextPage) break;
      after = page.endCursor;
    }
    expect(pages).toBe(4);
    expect(seen).toEqual(newestFirst);
  });

  it('pages within a filtered journal', async () => {
    const args: Omit<AuditJournalListArgs, 'visibility'> = { first: 2, filter: { entityId: ids.meeting } };
    const first = await list(args);
    expect(keysOf(first)).toEqual(['meetingDeleted', 'meetingUpdated']);
    expect(first.totalCount).toBe(4);
    const second = await list({ ...args, after: first.endCursor });
    expect(keysOf(second)).toEqual(['meetingClosed', 'meetingLogged']);
    expect(second.hasNextPage).toBe(false);
  });

  it('records the changes with the actor, the text of a confidential comment only in the entries of its exchange', async () => {
    const docs = await allDocs(await stores.readStore.collection<AuditEntry>(auditJournalCollection));
    expect(docs).toHaveLength(15);
    const holding = docs.filter((doc) => JSON.stringify(doc).includes(CONFIDENTIAL_TEXT));
    expect(holding.map((doc) => [doc.action, doc.entityId])).toEqual([
      ['ExchangeLogged', ids.meeting],
      ['ExchangeUpdated', ids.meeting],
    ]);
    const closed = (await list({ first: 1, filter: { action: 'ExchangeStatusChanged' } })).items[0]?.doc;
    expect(closed).toMatchObject({ actorId: 'alice', changes: [{ field: 'status', from: 'TO_DO', to: 'CLOSED' }] });
    const invoice = (await list({ first: 1, filter: { action: 'InvoiceIssued' } })).items[0]?.doc;
    expect(invoice).toMatchObject({ actorId: 'system', source: 'automation' });
    expect(invoice?.changes).toEqual([
      { field: 'total', from: null, to: 1250.5 },
      { field: 'confidentialComment', from: null, to: '[confidential]' },
    ]);
  });

  it.each([0, 101, 1.5, -1, Number.NaN])('refuses first = %p with a RangeError naming `first`', async (first) => {
    await expect(list({ first })).rejects.toThrow(RangeError);
    await expect(list({ first })).rejects.toThrow(/^first must be an integer between 1 and 100/);
  });

  it('accepts the bounds 1 and 100', async () => {
    expect((await list({ first: 1 })).items).toHaveLength(1);
    expect((await list({ first: 100 })).items).toHaveLength(15);
  });

  it('refuses a malformed date, naming the argument', async () => {
    await expect(list({ first: 10, filter: { from: 'last week' } })).rejects.toThrow(/^filter\.from must be an ISO-8601 instant/);
    await expect(list({ first: 10, filter: { to: '' } })).rejects.toThrow(/^filter\.to must be an ISO-8601 instant/);
  });
});
