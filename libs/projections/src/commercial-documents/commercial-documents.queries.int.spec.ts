import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { streams, type CommercialDocumentRecorded, type CommercialDocumentStatus, type CommercialDocumentStatusChanged, type CommercialDocumentType } from '#domain';
import { ProjectionRunner } from '../runner/projection-runner.js';
import { appendEvents, fixedClock, openStores, RecordingLogger, type Stores } from '../testing/third-party-fixtures.js';
import { commercialDocumentsProjection, type CommercialDocumentEntry } from './commercial-documents.projection.js';
import {
  commercialDocumentAdmitted,
  CommercialDocumentQueries,
  UNRESTRICTED_COMMERCIAL_DOCUMENTS as EVERYONE,
  type CommercialDocumentListFilter,
  type CommercialDocumentPage,
} from './commercial-documents.queries.js';

let stores: Stores;
let queries: CommercialDocumentQueries;

interface Row {
  readonly id: string;
  readonly tp: string;
  readonly type: CommercialDocumentType;
  readonly ref: string;
  readonly issuedAt: string;
  readonly dueAt: string | null;
  readonly status: CommercialDocumentStatus;
}

// d-2/d-3 share an issue instant: their order falls to the id (descending, like the instants). d-6 has no due date.
// d-1 is paid afterwards, d-4 accepted.
const rows: Row[] = [
  { id: 'd-1', tp: 'tp-1', type: 'INVOICE', ref: 'FA-1', issuedAt: '2025-01-05T09:00:00.000Z', dueAt: '2025-02-05T00:00:00.000Z', status: 'ISSUED' },
  { id: 'd-2', tp: 'tp-1', type: 'QUOTE', ref: 'PR-1', issuedAt: '2025-01-10T09:00:00.000Z', dueAt: '2025-02-10T00:00:00.000Z', status: 'SENT' },
  { id: 'd-3', tp: 'tp-2', type: 'INVOICE', ref: 'FA-1', issuedAt: '2025-01-10T10:00:00+01:00', dueAt: '2025-03-01T00:00:00.000Z', status: 'ISSUED' },
  { id: 'd-4', tp: 'tp-2', type: 'QUOTE', ref: 'PR-7', issuedAt: '2025-02-01T00:00:00.000Z', dueAt: '2025-03-01T00:00:00.000Z', status: 'SENT' },
  { id: 'd-5', tp: 'tp-3', type: 'ORDER', ref: 'CO-3', issuedAt: '2025-02-15T12:00:00.000Z', dueAt: '2025-02-20T00:00:00.000Z', status: 'PLACED' },
  { id: 'd-6', tp: 'tp-3', type: 'CONTRACT', ref: 'CT-1', issuedAt: '2025-03-01T00:00:00.000Z', dueAt: null, status: 'SIGNED' },
];

const recorded = (row: Row): CommercialDocumentRecorded => ({
  type: 'CommercialDocumentRecorded',
  data: {
    documentId: row.id,
    thirdPartyId: row.tp,
    documentType: row.type,
    ref: row.ref,
    label: null,
    amount: '100.00',
    currency: 'EUR',
    issuedAt: row.issuedAt,
    dueAt: row.dueAt,
    status: row.status,
    statusAt: row.issuedAt,
    paidAmount: null,
  },
});

const changed = (row: Row, to: CommercialDocumentStatus, paidAmount: string | null): CommercialDocumentStatusChanged => ({
  type: 'CommercialDocumentStatusChanged',
  data: { documentId: row.id, thirdPartyId: row.tp, documentType: row.type, ref: row.ref, from: row.status, to, at: '2025-03-02T00:00:00.000Z', paidAmount },
});

beforeAll(async () => {
  stores = openStores();
  const at = { occurredAt: '2025-03-10T00:00:00.000Z' };
  for (const row of rows) await appendEvents(stores, streams.commercialDocument(row.id), [recorded(row)], at);
  await appendEvents(stores, streams.commercialDocument('d-1'), [changed(rows[0]!, 'PAID', '100.00')], at);
  const head = await appendEvents(stores, streams.commercialDocument('d-4'), [changed(rows[3]!, 'ACCEPTED', null)], at);
  const runner = new ProjectionRunner({
    store: stores.eventStore,
    readStore: stores.readStore,
    codec: stores.codec,
    projections: [commercialDocumentsProjection],
    logger: new RecordingLogger(),
    clock: fixedClock,
  });
  await runner.start();
  await runner.waitFor(head);
  await runner.stop();
  queries = await CommercialDocumentQueries.open(stores.readStore);
});

afterAll(async () => {
  await stores.close();
});

const ids = (page: { items: { doc: CommercialDocumentEntry }[] }): string[] => page.items.map((item) => item.doc.id);

const newestFirst = ['d-6', 'd-5', 'd-4', 'd-3', 'd-2', 'd-1'];

describe('CommercialDocumentQueries against the SQLite read store', () => {
  it('gets a document by id, with its statuses, or null', async () => {
    const paid = await queries.get('d-1');
    expect(paid).toMatchObject({ status: 'PAID', statusAt: '2025-03-02T00:00:00.000Z', paidAmount: '100.00', version: '1' });
    expect(paid?.history.map((entry) => entry.status)).toEqual(['ISSUED', 'PAID']);
    expect((await queries.get('d-3'))?.issuedAt).toBe('2025-01-10T09:00:00.000Z');
    expect(await queries.get('d-404')).toBeNull();
  });

  it('lists newest issue first, ties broken by id, with the total count', async () => {
    const page = await queries.list({ first: 100 }, EVERYONE);
    expect(ids(page)).toEqual(newestFirst);
    expect(page.totalCount).toBe(6);
  });

  it('pages with cursors, without gaps or repeats, the count the same on every page', async () => {
    const seen: string[] = [];
    let after: string | null = null;
    let pages = 0;
    for (;;) {
      const page: CommercialDocumentPage = await queries.list({ first: 4, after }, EVERYONE);
      pages += 1;
      expect(page.totalCount).toBe(6);
      seen.push(...ids(page));
      if (!page.hasNextPage) break;
      after = page.endCursor;
    }
    expect({ seen, pages }).toEqual({ seen: newestFirst, pages: 2 });
  });

  it.each<[string, CommercialDocumentListFilter, string[]]>([
    ['third party', { thirdPartyId: 'tp-1' }, ['d-2', 'd-1']],
    ['type', { type: 'INVOICE' }, ['d-3', 'd-1']],
    ['ref', { ref: 'FA-1' }, ['d-3', 'd-1']],
    ['third party, type and ref: the one document an exchange links to', { thirdPartyId: 'tp-2', type: 'INVOICE', ref: 'FA-1' }, ['d-3']],
    ['status', { status: 'ISSUED' }, ['d-3']],
    ['a status set by a status change', { status: 'ACCEPTED' }, ['d-4']],
    ['due before (exclusive)', { dueBefore: '2025-02-10T00:00:00.000Z' }, ['d-1']],
    ['due after (inclusive)', { dueAfter: '2025-03-01T00:00:00.000Z' }, ['d-4', 'd-3']],
    ['a due range given with an offset', { dueAfter: '2025-02-10T01:00:00+01:00', dueBefore: '2025-03-01T00:00:00Z' }, ['d-5', 'd-2']],
    ['several criteria', { type: 'QUOTE', status: 'SENT' }, ['d-2']],
    ['criteria nothing matches', { thirdPartyId: 'tp-3', type: 'QUOTE' }, []],
  ])('filters by %s', async (_what, filter, expected) => {
    const page = await queries.list({ first: 100, filter }, EVERYONE);
    expect(ids(page)).toEqual(expected);
    expect(page.totalCount).toBe(expected.length);
  });

  it('lists and counts only the third parties the access admits, and judges one document the same way', async () => {
    const access = { thirdPartyIds: ['tp-2', 'tp-9'] };
    const page = await queries.list({ first: 100 }, access);
    expect(ids(page)).toEqual(['d-4', 'd-3']);
    expect(page.totalCount).toBe(2);
    expect(ids(await queries.list({ first: 100, filter: { thirdPartyId: 'tp-1' } }, access))).toEqual([]);
    expect((await queries.list({ first: 100 }, { thirdPartyIds: [] })).totalCount).toBe(0);
    expect(commercialDocumentAdmitted(access, (await queries.get('d-3'))!)).toBe(true);
    expect(commercialDocumentAdmitted(access, (await queries.get('d-1'))!)).toBe(false);
  });

  it('refuses a malformed instant argument, naming it', async () => {
    await expect(queries.list({ first: 10, filter: { dueBefore: 'soon' } }, EVERYONE)).rejects.toThrow('dueBefore must be an ISO-8601 instant');
  });
});
