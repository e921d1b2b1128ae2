import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { securityStreamOf, streams, type AccessDenied, type Message } from '#domain';
import { ProjectionRunner } from '../runner/projection-runner.js';
import { fixedClock, openStores, RecordingLogger, type Stores } from '../testing/third-party-fixtures.js';
import { appendScenario, ids, scenario, type Appended } from '../testing/relationship-fixtures.js';
import { auditJournalProjection } from './audit-journal.projection.js';
import { AuditJournalQueries, WHOLE_JOURNAL, type AuditJournalListArgs, type AuditJournalVisibility } from './audit-journal.queries.js';

/** The scenario, plus what belongs to no third party: a user, their scope, a refused attempt. */
const extra: { key: string; stream: string; event: Message }[] = [
  {
    key: 'claireCreated',
    stream: streams.user('u-claire'),
    event: { type: 'UserCreated', data: { userId: 'u-claire', login: 'claire', displayName: 'Claire', email: null, createdAt: '2025-03-03T14:00:00.000Z' } },
  },
  {
    key: 'claireScoped',
    stream: streams.user('u-claire'),
    event: { type: 'UserScopeChanged', data: { userId: 'u-claire', territories: ['Grenoble'], ownedOnly: false } },
  },
  {
    key: 'denied',
    stream: securityStreamOf(new Date('2025-03-03T14:10:00.000Z')),
    event: {
      type: 'AccessDenied',
      data: { userId: 'u-claire', login: 'claire', operation: 'Query.auditJournal', reason: 'forbidden', address: '127.0.0.1', deniedAt: '2025-03-03T14:10:00.000Z' },
    } satisfies AccessDenied,
  },
];

let stores: Stores;
let appended: Appended;
let queries: AuditJournalQueries;
const keyOf = new Map<string, string>();

beforeAll(async () => {
  stores = openStores();
  appended = await appendScenario(stores);
  for (const [key, step] of appended.steps) keyOf.set(step.eventId, key);
  let head = appended.head;
  for (const [index, { key, stream, event }] of extra.entries()) {
    const eventId = `00000000-0000-4000-d000-${(index + 1).toString(16).padStart(12, '0')}`;
    const metadata = { actorId: 'admin', occurredAt: '2025-03-03T14:00:00.000Z', commandId: eventId, correlationId: eventId, causationId: null, source: 'api' as const };
    head = (await stores.eventStore.append(stream, [stores.codec.encode(event, metadata, eventId)], 'any')).position;
    keyOf.set(eventId, key);
  }
  const runner = new ProjectionRunner({
    store: stores.eventStore,
    readStore: stores.readStore,
    codec: stores.codec,
    projections: [auditJournalProjection],
    logger: new RecordingLogger(),
    clock: fixedClock,
  });
  await runner.start();
  await runner.waitFor(head);
  await runner.stop();
  queries = await AuditJournalQueries.open(stores.readStore);
});

afterAll(async () => {
  await stores.close();
});

const everything = [...scenario.map((step) => step.key), ...extra.map((step) => step.key)].reverse();
const global = ['claireScoped', 'claireCreated', 'invoiceIssued'];
const atelier = ['callLogged', 'atelierRegistered'];
const boulangerie = everything.filter((key) => !global.includes(key) && !atelier.includes(key) && key !== 'denied');

/** Every page of a listing, with the totalCount of each page. */
const read = async (args: Omit<AuditJournalListArgs, 'after'>): Promise<{ keys: string[]; totals: number[] }> => {
  const keys: string[] = [];
  const totals: number[] = [];
  let after: string | null = null;
  for (;;) {
    const page = await queries.list({ ...args, after });
    keys.push(...page.items.map((item) => keyOf.get(item.doc.id) ?? `unknown ${item.doc.id}`));
    totals.push(page.totalCount);
    if (!page.hasNextPage) return { keys, totals };
    after = page.endCursor;
  }
};

describe('which audit journal entries exist for a reader', () => {
  it.each<[string, AuditJournalVisibility, string[]]>([
    ['an administrator', WHOLE_JOURNAL, everything],
    ['an auditor, who is no administrator: every entry but the refused attempts', { security: false, thirdPartyIds: null }, everything.filter((key) => key !== 'denied')],
    ['an auditor limited to one third party: its entries and the global ones', { security: false, thirdPartyIds: [ids.atelier] }, ['claireScoped', 'claireCreated', 'invoiceIssued', 'callLogged', 'atelierRegistered']],
    ['an auditor whose scope holds no third party: the global entries', { security: false, thirdPartyIds: new Set<string>() }, global],
    ['an administrator limited to one third party: the refused attempts too', { security: true, thirdPartyIds: [ids.atelier] }, ['denied', 'claireScoped', 'claireCreated', 'invoiceIssued', 'callLogged', 'atelierRegistered']],
  ])('for %s, page after page, totalCount counting only those', async (_who, visibility, expected) => {
    const { keys, totals } = await read({ first: 3, visibility });
    expect(keys).toEqual(expected);
    expect(new Set(totals)).toEqual(new Set([expected.length]));
  });

  it('filters by third party: its own entries and those of its contacts, exchanges and notes', async () => {
    expect((await read({ first: 100, filter: { thirdPartyId: ids.boulangerie }, visibility: WHOLE_JOURNAL })).keys).toEqual(boulangerie);
    expect((await read({ first: 100, filter: { thirdPartyId: ids.atelier }, visibility: WHOLE_JOURNAL })).keys).toEqual(atelier);
    for (const reserved of ['global', 'security']) {
      expect(await read({ first: 100, filter: { thirdPartyId: reserved }, visibility: WHOLE_JOURNAL })).toEqual({ keys: [], totals: [0] });
    }
  });

  it('gives a reader outside the third party the same empty page as for an id that does not exist', async () => {
    const scoped: AuditJournalVisibility = { security: false, thirdPartyIds: [ids.atelier] };
    const outside = { first: 10, visibility: scoped } as const;
    const nowhere = await read({ ...outside, filter: { entityId: 'no-such-entity' } });
    expect(nowhere).toEqual({ keys: [], totals: [0] });
    expect(await read({ ...outside, filter: { entityId: ids.meeting } })).toEqual(nowhere);
    expect(await read({ ...outside, filter: { thirdPartyId: ids.boulangerie } })).toEqual(nowhere);
    expect(await read({ ...outside, filter: { entityType: 'security' } })).toEqual(nowhere);
    expect((await read({ ...outside, filter: { entityType: 'exchange' } })).keys).toEqual(['callLogged']);
  });

  it('selects the refused attempts by their entity type, for administrators', async () => {
    expect((await read({ first: 10, filter: { entityType: 'security' }, visibility: WHOLE_JOURNAL })).keys).toEqual(['denied']);
    expect((await read({ first: 10, filter: { entityType: 'security' }, visibility: { security: false, thirdPartyIds: null } })).keys).toEqual([]);
  });

  it('tells which third party an entity belongs to, and whether the journal knows a third party, whoever reads', async () => {
    expect(await queries.scopeOfEntity(ids.meeting)).toBe(ids.boulangerie);
    expect(await queries.scopeOfEntity(ids.marie)).toBe(ids.boulangerie);
    expect(await queries.scopeOfEntity('u-claire')).toBe('global');
    expect(await queries.scopeOfEntity('2025-03-03')).toBe('security');
    expect(await queries.scopeOfEntity('no-such-entity')).toBeNull();
    expect(await queries.hasThirdParty(ids.atelier)).toBe(true);
    expect(await queries.hasThirdParty('tp-nowhere')).toBe(false);
    expect(await queries.hasThirdParty('global')).toBe(false);
  });
});
