import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import {
  streams,
  type ExchangeDeleted,
  type ExchangeLogged,
  type ExchangeStatus,
  type ExchangeStatusChanged,
  type ExchangeUpdated,
  type LinkedDocumentType,
} from '#domain';
import { ProjectionRunner } from '../runner/projection-runner.js';
import { appendEvents, fixedClock, openStores, RecordingLogger, type Stores } from '../testing/third-party-fixtures.js';
import { exchangesProjection, type ExchangeEntry } from './exchanges.projection.js';
import {
  ExchangeQueries,
  exchangeAdmitted,
  UNRESTRICTED_EXCHANGES as EVERYONE,
  type ExchangeAccess,
  type ExchangeListFilter,
  type ExchangePage,
} from './exchanges.queries.js';

let stores: Stores;
let queries: ExchangeQueries;

const at = { occurredAt: '2025-03-10T00:00:00.000Z' };

interface Row {
  readonly id: string;
  readonly tp: string;
  readonly contacts: string[];
  readonly collaborators: string[];
  readonly occurredAt: string;
  readonly mode: string;
  readonly subject: string;
  readonly status: ExchangeStatus;
  readonly linked: [LinkedDocumentType, string] | null;
  /** alice when not given. */
  readonly author?: string;
  readonly contactedBy?: string;
}

// x-02/x-03 and x-04/x-09 share an instant: their order falls to the id.
// x-07, the earliest, is deleted; x-05's contacts and collaborators and x-08's status change afterwards.
// carol takes part in x-03 (author), x-07 and x-09 (made the contact) and x-05 (a collaborator, by the update).
const rows: Row[] = [
  { id: 'x-01', tp: 'tp-1', contacts: ['c-1'], collaborators: [], occurredAt: '2025-01-05T09:00:00.000Z', mode: 'phone', subject: 'prospecting', status: 'CLOSED', linked: null },
  { id: 'x-02', tp: 'tp-1', contacts: ['c-1', 'c-2'], collaborators: ['bob'], occurredAt: '2025-01-10T09:00:00.000Z', mode: 'meeting', subject: 'quote', status: 'CLOSED', linked: ['QUOTE', 'Q-1'] },
  { id: 'x-03', tp: 'tp-1', contacts: ['c-2'], collaborators: [], occurredAt: '2025-01-10T10:00:00+01:00', mode: 'email', subject: 'quote', status: 'IN_PROGRESS', linked: ['QUOTE', 'Q-1'], author: 'carol' },
  { id: 'x-04', tp: 'tp-2', contacts: ['c-3'], collaborators: ['bob', 'dave'], occurredAt: '2025-02-01T00:00:00.000Z', mode: 'phone', subject: 'order', status: 'TO_DO', linked: ['ORDER', 'O-7'] },
  { id: 'x-05', tp: 'tp-2', contacts: [], collaborators: [], occurredAt: '2025-02-15T12:00:00.000Z', mode: 'visit', subject: 'support', status: 'TO_DO', linked: ['TICKET', 'T-3'] },
  { id: 'x-06', tp: 'tp-3', contacts: ['c-4'], collaborators: ['dave'], occurredAt: '2025-03-01T00:00:00.000Z', mode: 'phone', subject: 'prospecting', status: 'CLOSED', linked: null },
  { id: 'x-07', tp: 'tp-1', contacts: ['c-1'], collaborators: [], occurredAt: '2024-12-20T10:00:00.000Z', mode: 'phone', subject: 'prospecting', status: 'TO_DO', linked: null, contactedBy: 'carol' },
  { id: 'x-08', tp: 'tp-3', contacts: [], collaborators: [], occurredAt: '2025-01-20T08:00:00.000Z', mode: 'letter', subject: 'invoice', status: 'IN_PROGRESS', linked: ['INVOICE', 'I-9'] },
  { id: 'x-09', tp: 'tp-2', contacts: ['c-3'], collaborators: [], occurredAt: '2025-02-01T00:00:00.000Z', mode: 'video_call', subject: 'quote', status: 'TO_DO', linked: null, contactedBy: 'carol' },
];

const logged = (row: Row): ExchangeLogged => ({
  type: 'ExchangeLogged',
  data: {
    exchangeId: row.id,
    authorId: row.author ?? 'alice',
    thirdPartyId: row.tp,
    contactIds: row.contacts,
    occurredAt: row.occurredAt,
    mode: row.mode,
    subject: row.subject,
    comment: null,
    status: row.status,
    confidentialComment: null,
    confidentialGroupId: null,
    collaboratorIds: row.collaborators,
    notifyCollaborators: false,
    linkedDocument: row.linked === null ? null : { type: row.linked[0], ref: row.linked[1] },
    contactedBy: row.contactedBy ?? 'alice',
  },
});

beforeAll(async () => {
  stores = openStores();
  for (const row of rows) await appendEvents(stores, streams.exchange(row.id), [logged(row)], at);
  const context = (id: string, tp: string, contactIds: string[], occurredAt: string, subject: string) => ({
    exchangeId: id,
    thirdPartyId: tp,
    contactIds,
    occurredAt,
    subject,
  });
  const deleted: ExchangeDeleted = {
    type: 'ExchangeDeleted',
    data: { ...context('x-07', 'tp-1', ['c-1'], '2024-12-20T10:00:00.000Z', 'prospecting'), reason: 'duplicate' },
  };
  await appendEvents(stores, streams.exchange('x-07'), [deleted], at);
  const recontacted: ExchangeUpdated = {
    type: 'ExchangeUpdated',
    data: {
      ...context('x-05', 'tp-2', ['c-5'], '2025-02-15T12:00:00.000Z', 'support'),
      previousContactIds: [],
      changes: [
        { field: 'contactIds', from: [], to: ['c-5'] },
        { field: 'collaboratorIds', from: [], to: ['carol'] },
      ],
    },
  };
  await appendEvents(stores, streams.exchange('x-05'), [recontacted], at);
  const closed: ExchangeStatusChanged = {
    type: 'ExchangeStatusChanged',
    data: { ...context('x-08', 'tp-3', [], '2025-01-20T08:00:00.000Z', 'invoice'), from: 'IN_PROGRESS', to: 'CLOSED' },
  };
  const head = await appendEvents(stores, streams.exchange('x-08'), [closed], at);

  const runner = new ProjectionRunner({
    store: stores.eventStore,
    readStore: stores.readStore,
    codec: stores.codec,
    projections: [exchangesProjection],
    logger: new RecordingLogger(),
    clock: fixedClock,
  });
  await runner.start();
  await runner.waitFor(head);
  await runner.stop();
  queries = await ExchangeQueries.open(stores.readStore);
});

afterAll(async () => {
  await stores.close();
});

const ids = (page: { items: { doc: ExchangeEntry }[] }): string[] => page.items.map((item) => item.doc.id);

const listed = async (filter: ExchangeListFilter): Promise<string[]> => {
  const page = await queries.list({ first: 100, filter }, EVERYONE);
  expect(page.totalCount).toBe(page.items.length);
  return ids(page);
};

/** Every page, following cursors, checking that totalCount never changes. */
const allPages = async (read: (after: string | null) => Promise<ExchangePage>): Promise<{ ids: string[]; pages: number }> => {
  const seen: string[] = [];
  let after: string | null = null;
  let pages = 0;
  let total: number | null = null;
  for (;;) {
    const page = await read(after);
    pages += 1;
    total ??= page.totalCount;
    expect(page.totalCount).toBe(total);
    seen.push(...ids(page));
    if (!page.hasNextPage) break;
    after = page.endCursor;
  }
  expect(seen).toHaveLength(total!);
  return { ids: seen, pages };
};

const newestFirst = ['x-06', 'x-05', 'x-09', 'x-04', 'x-08', 'x-03', 'x-02', 'x-01'];

describe('ExchangeQueries against the SQLite read store', () => {
  it('gets an exchange by id, deleted or not, or null', async () => {
    expect((await queries.get('x-03'))?.occurredAt).toBe('2025-01-10T09:00:00.000Z');
    expect((await queries.get('x-07'))?.deleted).toBe(true);
    expect(await queries.get('x-404')).toBeNull();
  });

  it('lists newest first, ties broken by id, deleted exchanges left out', async () => {
    const page = await queries.list({ first: 100 }, EVERYONE);
    expect(ids(page)).toEqual(newestFirst);
    expect(page.totalCount).toBe(8);
    expect(page.hasNextPage).toBe(false);
  });

  it('pages through the list with cursors, without gaps or repeats, even across equal instants', async () => {
    const { ids: seen, pages } = await allPages((after) => queries.list({ first: 3, after }, EVERYONE));
    expect(pages).toBe(3);
    expect(seen).toEqual(newestFirst);
    const pairs = await allPages((after) => queries.list({ first: 2, after, filter: { status: 'TO_DO' } }, EVERYONE));
    expect(pairs).toEqual({ ids: ['x-05', 'x-09', 'x-04'], pages: 2 });
  });

  it.each<[string, ExchangeListFilter, string[]]>([
    ['third party', { thirdPartyId: 'tp-1' }, ['x-03', 'x-02', 'x-01']],
    ['contact', { contactId: 'c-2' }, ['x-03', 'x-02']],
    ['a contact set by an update', { contactId: 'c-5' }, ['x-05']],
    ['collaborator', { collaboratorId: 'dave' }, ['x-06', 'x-04']],
    ['mode', { mode: 'phone' }, ['x-06', 'x-04', 'x-01']],
    ['subject', { subject: 'quote' }, ['x-09', 'x-03', 'x-02']],
    ['status', { status: 'TO_DO' }, ['x-05', 'x-09', 'x-04']],
    ['a status set by a status change', { status: 'CLOSED' }, ['x-06', 'x-08', 'x-02', 'x-01']],
    ['from (inclusive)', { from: '2025-02-01T00:00:00.000Z' }, ['x-06', 'x-05', 'x-09', 'x-04']],
    ['to (exclusive)', { to: '2025-02-01T00:00:00.000Z' }, ['x-08', 'x-03', 'x-02', 'x-01']],
    ['a date range', { from: '2025-01-10T09:00:00.000Z', to: '2025-02-01T00:00:00.000Z' }, ['x-08', 'x-03', 'x-02']],
    ['a date range given with an offset', { from: '2025-01-10T10:00:00+01:00', to: '2025-01-10T10:00:01+01:00' }, ['x-03', 'x-02']],
    ['linked document type', { linkedDocumentType: 'QUOTE' }, ['x-03', 'x-02']],
    ['linked document ref', { linkedDocumentRef: 'O-7' }, ['x-04']],
    ['deleted included', { includeDeleted: true }, [...newestFirst, 'x-07']],
    ['third party, deleted included', { thirdPartyId: 'tp-1', includeDeleted: true }, ['x-03', 'x-02', 'x-01', 'x-07']],
    ['several criteria', { thirdPartyId: 'tp-2', status: 'TO_DO', mode: 'phone' }, ['x-04']],
    ['criteria nothing matches', { thirdPartyId: 'tp-3', subject: 'quote' }, []],
  ])('filters by %s', async (_what, filter, expected) => {
    expect(await listed(filter)).toEqual(expected);
  });

  it('lists the latest exchanges across third parties, newest first, paged', async () => {
    const { ids: seen, pages } = await allPages((after) => queries.latest({ first: 5, after }, EVERYONE));
    expect(seen).toEqual(newestFirst);
    expect(pages).toBe(2);
  });

  it('lists upcoming contacts: to do or in progress, oldest first, deleted left out', async () => {
    const page = await queries.upcoming({ first: 100 }, EVERYONE);
    expect(ids(page)).toEqual(['x-03', 'x-04', 'x-09', 'x-05']);
    expect(page.totalCount).toBe(4);
    const { ids: seen, pages } = await allPages((after) => queries.upcoming({ first: 1, after }, EVERYONE));
    expect(seen).toEqual(['x-03', 'x-04', 'x-09', 'x-05']);
    expect(pages).toBe(4);
  });

  it('finds the first exchange of a third party, ignoring deleted ones', async () => {
    expect(await queries.firstExchangeAt('tp-1')).toBe('2025-01-05T09:00:00.000Z');
    expect(await queries.firstExchangeAt('tp-3')).toBe('2025-01-20T08:00:00.000Z');
    expect(await queries.firstExchangeAt('tp-404')).toBeNull();
  });

  it.each([0, 101, 2.5, Number.NaN])('refuses first = %p with a RangeError naming `first`, on every list', async (first) => {
    for (const read of [() => queries.list({ first }, EVERYONE), () => queries.latest({ first }, EVERYONE), () => queries.upcoming({ first }, EVERYONE)]) {
      await expect(read()).rejects.toThrow(/^first must be an integer between 1 and 100/);
    }
  });

  it('refuses a malformed instant with a RangeError naming the filter field', async () => {
    await expect(queries.list({ first: 1, filter: { from: 'last week' } }, EVERYONE)).rejects.toThrow(/^from must be an ISO-8601 instant/);
    await expect(queries.list({ first: 1, filter: { to: '' } }, EVERYONE)).rejects.toThrow(/^to must be an ISO-8601 instant/);
  });
  describe('within what a viewer may see', () => {
    const only = (over: Partial<ExchangeAccess>): ExchangeAccess => ({ ...EVERYONE, ...over });

    it('keeps to the third parties in scope, in the pages and in totalCount', async () => {
      const scoped = only({ thirdPartyIds: ['tp-1', 'tp-3'] });
      const page = await queries.list({ first: 100 }, scoped);
      expect(ids(page)).toEqual(['x-06', 'x-08', 'x-03', 'x-02', 'x-01']);
      expect(page.totalCount).toBe(5);
      const { ids: paged, pages } = await allPages((after) => queries.list({ first: 2, after }, scoped));
      expect({ paged, pages }).toEqual({ paged: ['x-06', 'x-08', 'x-03', 'x-02', 'x-01'], pages: 3 });
    });

    it('answers a third party out of scope as it answers an unknown one: nothing, counted 0', async () => {
      const scoped = only({ thirdPartyIds: ['tp-1'] });
      const outOfScope = await queries.list({ first: 10, filter: { thirdPartyId: 'tp-2' } }, scoped);
      const unknown = await queries.list({ first: 10, filter: { thirdPartyId: 'tp-404' } }, scoped);
      expect(outOfScope).toEqual({ items: [], endCursor: null, hasNextPage: false, totalCount: 0 });
      expect(unknown).toEqual(outOfScope);
      expect(await queries.list({ first: 10, filter: { contactId: 'c-3' } }, scoped)).toEqual(outOfScope);
      const nothingInScope = only({ thirdPartyIds: [] });
      for (const read of [
        () => queries.list({ first: 10 }, nothingInScope),
        () => queries.latest({ first: 10 }, nothingInScope),
        () => queries.upcoming({ first: 10 }, nothingInScope),
      ]) {
        expect(await read()).toEqual(outOfScope);
      }
    });

    it('takes a scope of 40,000 third parties', async () => {
      const many = [...Array.from({ length: 40_000 }, (_, i) => `tp-far-${i}`), 'tp-2'];
      const page = await queries.list({ first: 2 }, only({ thirdPartyIds: many }));
      expect(ids(page)).toEqual(['x-05', 'x-09']);
      expect(page.totalCount).toBe(3);
      expect(page.hasNextPage).toBe(true);
    });

    it('without seeing everyone\'s, shows the exchanges the user authored, made or collaborates on', async () => {
      const carol = only({ participantId: 'carol' });
      const page = await queries.list({ first: 100 }, carol);
      expect(ids(page)).toEqual(['x-05', 'x-09', 'x-03']);
      expect(page.totalCount).toBe(3);
      expect(ids(await queries.list({ first: 100, filter: { includeDeleted: true } }, carol))).toEqual(['x-05', 'x-09', 'x-03', 'x-07']);
      expect(ids(await queries.latest({ first: 100 }, carol))).toEqual(['x-05', 'x-09', 'x-03']);
      expect(ids(await queries.upcoming({ first: 100 }, carol))).toEqual(['x-03', 'x-09', 'x-05']);
      const { ids: paged, pages } = await allPages((after) => queries.latest({ first: 2, after }, carol));
      expect({ paged, pages }).toEqual({ paged: ['x-05', 'x-09', 'x-03'], pages: 2 });
      expect((await queries.list({ first: 100 }, only({ participantId: 'nobody' }))).totalCount).toBe(0);
    });

    it('applies scope and participation together, with the filter', async () => {
      const access: ExchangeAccess = { thirdPartyIds: ['tp-2', 'tp-3'], participantId: 'carol' };
      expect(ids(await queries.list({ first: 100 }, access))).toEqual(['x-05', 'x-09']);
      expect(ids(await queries.upcoming({ first: 100 }, access))).toEqual(['x-09', 'x-05']);
      expect(ids(await queries.list({ first: 100, filter: { mode: 'visit' } }, access))).toEqual(['x-05']);
    });

    it('judges one exchange by the same rule the lists filter on', async () => {
      const accesses: ExchangeAccess[] = [
        EVERYONE,
        only({ thirdPartyIds: ['tp-1'] }),
        only({ participantId: 'carol' }),
        { thirdPartyIds: ['tp-2'], participantId: 'bob' },
      ];
      const everything = ids(await queries.list({ first: 100, filter: { includeDeleted: true } }, EVERYONE));
      for (const access of accesses) {
        const listed = ids(await queries.list({ first: 100, filter: { includeDeleted: true } }, access));
        const admitted: string[] = [];
        for (const id of everything) if (exchangeAdmitted(access, (await queries.get(id))!)) admitted.push(id);
        expect(admitted).toEqual(listed);
      }
    });

    it("lists the ids of a third party's exchanges a user takes part in, deleted ones included", async () => {
      expect(await queries.participantExchangeIds('tp-1', 'carol')).toEqual(['x-03', 'x-07']);
      expect(await queries.participantExchangeIds('tp-2', 'carol')).toEqual(['x-05', 'x-09']);
      expect(await queries.participantExchangeIds('tp-2', 'bob')).toEqual(['x-04']);
      expect(await queries.participantExchangeIds('tp-2', 'nobody')).toEqual([]);
      expect(await queries.participantExchangeIds('tp-404', 'alice')).toEqual([]);
    });
  });
});
