import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { ProjectionRunner } from '../runner/projection-runner.js';
import { fixedClock, openStores, RecordingLogger, register, thirdPartyId, type Stores } from '../testing/third-party-fixtures.js';
import { directoryProjection, type DirectoryEntry } from './directory.projection.js';
import { DirectoryQueries } from './directory.queries.js';

let stores: Stores;
let queries: DirectoryQueries;

// n → name, kind, roles. Two "Acme" spellings share a key, so their order falls to the id.
const registrations = [
  { n: 1, name: 'Élodie Martin', kind: 'INDIVIDUAL', roles: ['CUSTOMER'] },
  { n: 2, name: 'elephant corp', kind: 'COMPANY', roles: ['PROSPECT'] },
  { n: 3, name: 'Zoë Industries', kind: 'COMPANY', roles: ['SUPPLIER', 'CUSTOMER'] },
  { n: 4, name: 'ACME', kind: 'COMPANY', roles: ['CUSTOMER'] },
  { n: 5, name: 'Acme', kind: 'COMPANY', roles: ['PROSPECT', 'SUPPLIER'] },
  { n: 6, name: 'Émile Zola', kind: 'INDIVIDUAL', roles: ['PROSPECT'] },
  { n: 7, name: 'Bâtiments Réunis', kind: 'COMPANY', roles: ['SUPPLIER'] },
] as const;

beforeAll(async () => {
  stores = openStores();
  let head = 0n;
  for (const r of registrations) {
    head = (await register(stores, { n: r.n, name: r.name, kind: r.kind, roles: [...r.roles] })).position!;
  }
  const runner = new ProjectionRunner({
    store: stores.eventStore,
    readStore: stores.readStore,
    codec: stores.codec,
    projections: [directoryProjection],
    logger: new RecordingLogger(),
    clock: fixedClock,
  });
  await runner.start();
  await runner.waitFor(head);
  await runner.stop();
  queries = await DirectoryQueries.open(stores.readStore);
});

afterAll(async () => {
  await stores.close();
});

const names = (page: { items: { doc: DirectoryEntry }[] }): string[] => page.items.map((item) => item.doc.name);

describe('DirectoryQueries against the SQLite read store', () => {
  it('gets an entry by id, or null', async () => {
    expect((await queries.get(thirdPartyId(3)))?.name).toBe('Zoë Industries');
    expect(await queries.get('no-such-id')).toBeNull();
  });

  it('lists by name, ignoring case and accents, ties broken by id', async () => {
    const page = await queries.list({ first: 100 });
    expect(names(page)).toEqual([
      'ACME',
      'Acme',
      'Bâtiments Réunis',
      'elephant corp',
      'Élodie Martin',
      'Émile Zola',
      'Zoë Industries',
    ]);
    expect(page.totalCount).toBe(7);
    expect(page.hasNextPage).toBe(false);
  });

  it('pages through the whole directory with cursors, totalCount staying the full count', async () => {
    const seen: string[] = [];
    let after: string | null = null;
    let pages = 0;
    for (;;) {
      const page = await queries.list({ first: 3, after });
      pages += 1;
      expect(page.totalCount).toBe(7);
      expect(page.items.length).toBeLessThanOrEqual(3);
      seen.push(...names(page));
      if (!page.hasNextPage) break;
      after = page.endCursor;
    }
    expect(pages).toBe(3);
    expect(seen).toEqual(names(await queries.list({ first: 100 })));
  });

  it('filters by kind', async () => {
    const page = await queries.list({ first: 10, filter: { kind: 'INDIVIDUAL' } });
    expect(names(page)).toEqual(['Élodie Martin', 'Émile Zola']);
    expect(page.totalCount).toBe(2);
  });

  it('filters by role', async () => {
    const page = await queries.list({ first: 10, filter: { role: 'SUPPLIER' } });
    expect(names(page)).toEqual(['Acme', 'Bâtiments Réunis', 'Zoë Industries']);
    expect(page.totalCount).toBe(3);
  });

  it.each([
    ['EL', ['elephant corp', 'Élodie Martin']],
    ['él', ['elephant corp', 'Élodie Martin']],
    ['Élo', ['Élodie Martin']],
    ['eMi', ['Émile Zola']],
    ['bati', ['Bâtiments Réunis']],
    ['zoe', ['Zoë Industries']],
    ['x', []],
  ])('filters by a name prefix %p, insensitive to case and accents', async (prefix, expected) => {
    const page = await queries.list({ first: 10, filter: { nameStartsWith: prefix } });
    expect(names(page)).toEqual(expected);
    expect(page.totalCount).toBe(expected.length);
  });

  it('combines filters, and pages within the filtered set', async () => {
    const first = await queries.list({ first: 1, filter: { kind: 'COMPANY', role: 'CUSTOMER' } });
    expect(names(first)).toEqual(['ACME']);
    expect(first.totalCount).toBe(2);
    expect(first.hasNextPage).toBe(true);
    const second = await queries.list({ first: 1, after: first.endCursor, filter: { kind: 'COMPANY', role: 'CUSTOMER' } });
    expect(names(second)).toEqual(['Zoë Industries']);
    expect(second.hasNextPage).toBe(false);
  });

  it.each([0, 101, 1.5, -1, Number.NaN])('refuses first = %p with a RangeError naming `first`', async (first) => {
    await expect(queries.list({ first })).rejects.toThrow(RangeError);
    await expect(queries.list({ first })).rejects.toThrow(/^first must be an integer between 1 and 100/);
  });

  it('accepts the bounds 1 and 100', async () => {
    expect((await queries.list({ first: 1 })).items).toHaveLength(1);
    expect((await queries.list({ first: 100 })).items).toHaveLength(7);
  });
});
