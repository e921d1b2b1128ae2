import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { streams, type ExchangeLogged, type ExchangeUpdated, type NoteAdded, type ThirdPartyArchived, type ThirdPartyRegistered } from '#domain';
import { EventCodec } from '#event-store';
import { ProjectionRunner } from '../runner/projection-runner.js';
import { appendEvents, fixedClock, openStores, RecordingLogger, thirdPartyId, type Stores } from '../testing/third-party-fixtures.js';
import { directoryProjection, type DirectoryEntry } from './directory.projection.js';
import { DirectoryQueries, type DirectoryFilter } from './directory.queries.js';

let stores: Stores;
let queries: DirectoryQueries;

type Profile = Partial<ThirdPartyRegistered['data']> & Pick<ThirdPartyRegistered['data'], 'name' | 'kind' | 'roles'>;

// Two "Acme" spellings share a key, so their order falls to the id. Number 8 is archived.
const thirdParties: Record<number, Profile> = {
  1: {
    name: 'Élodie Martin',
    kind: 'INDIVIDUAL',
    roles: ['CUSTOMER'],
    territory: 'north',
    ownerId: 'alice',
    categories: ['retail'],
    tags: ['vip'],
    leadSource: 'web',
    customFields: { sector: 'bakery', employees: 3 },
  },
  2: {
    name: 'elephant corp',
    kind: 'COMPANY',
    roles: ['PROSPECT'],
    prospectStatus: 'NEVER_CONTACTED',
    territory: 'south',
    ownerId: 'bob',
    leadSource: 'trade-show',
    customFields: { sector: 'it' },
  },
  3: {
    name: 'Zoë Industries',
    kind: 'COMPANY',
    roles: ['SUPPLIER', 'CUSTOMER'],
    territory: 'north',
    ownerId: 'alice',
    categories: ['industry'],
    tags: ['vip', 'export'],
    customFields: { employees: 250, certified: true },
  },
  4: { name: 'ACME', kind: 'COMPANY', roles: ['CUSTOMER'], territory: 'east', categories: ['industry'], customFields: { certified: false } },
  5: {
    name: 'Acme',
    kind: 'COMPANY',
    roles: ['PROSPECT', 'SUPPLIER'],
    prospectStatus: 'TO_CONTACT',
    territory: 'north',
    ownerId: 'bob',
    leadSource: 'web',
  },
  6: { name: 'Émile Zola', kind: 'INDIVIDUAL', roles: ['PROSPECT'], prospectStatus: 'IN_PROGRESS', territory: 'south', tags: ['writer'] },
  7: { name: 'Bâtiments Réunis', kind: 'COMPANY', roles: ['SUPPLIER'], territory: 'east' },
  8: { name: 'Dupont-Martin & Fils', kind: 'COMPANY', roles: ['PROSPECT'], prospectStatus: 'NEVER_CONTACTED', territory: 'north' },
};

const registration = (n: number, profile: Profile): ThirdPartyRegistered => ({
  type: 'ThirdPartyRegistered',
  data: {
    thirdPartyId: thirdPartyId(n),
    prospectStatus: null,
    leadSource: null,
    territory: null,
    vatNumber: null,
    email: null,
    phone: null,
    website: null,
    address: null,
    paymentTerms: null,
    ownerId: null,
    categories: [],
    tags: [],
    customFields: {},
    registeredAt: `2025-01-06T09:00:0${n}.000Z`,
    ...profile,
  },
});

const exchange = (id: string, n: number, occurredAt: string): ExchangeLogged => ({
  type: 'ExchangeLogged',
  data: {
    exchangeId: id,
    authorId: 'alice',
    thirdPartyId: thirdPartyId(n),
    contactIds: [],
    occurredAt,
    mode: 'phone',
    subject: 'prospecting',
    comment: null,
    status: 'CLOSED',
    confidentialComment: null,
    confidentialGroupId: null,
    collaboratorIds: [],
    notifyCollaborators: false,
    linkedDocument: null,
    contactedBy: 'alice',
  },
});

beforeAll(async () => {
  stores = openStores();
  const at = { occurredAt: '2025-01-06T09:00:00.000Z' };
  for (const [n, profile] of Object.entries(thirdParties)) {
    await appendEvents(stores, streams.thirdParty(thirdPartyId(Number(n))), [registration(Number(n), profile)], at);
  }
  const archived: ThirdPartyArchived = {
    type: 'ThirdPartyArchived',
    data: { thirdPartyId: thirdPartyId(8), name: 'Dupont-Martin & Fils', reason: null, archivedAt: '2025-01-07T00:00:00.000Z' },
  };
  await appendEvents(stores, streams.thirdParty(thirdPartyId(8)), [archived], at);
  await appendEvents(stores, streams.exchange('x-5'), [exchange('x-5', 5, '2025-01-10T10:00:00.000Z')], at);
  await appendEvents(stores, streams.exchange('x-3'), [exchange('x-3', 3, '2024-12-01T10:00:00.000Z')], at);
  await appendEvents(stores, streams.exchange('x-6'), [exchange('x-6', 6, '2025-03-01T10:00:00.000Z')], at);
  const moved: ExchangeUpdated = {
    type: 'ExchangeUpdated',
    data: {
      exchangeId: 'x-6',
      thirdPartyId: thirdPartyId(6),
      contactIds: [],
      previousContactIds: [],
      subject: 'prospecting',
      occurredAt: '2025-03-15T10:00:00.000Z',
      changes: [{ field: 'occurredAt', from: '2025-03-01T10:00:00.000Z', to: '2025-03-15T10:00:00.000Z' }],
    },
  };
  await appendEvents(stores, streams.exchange('x-6'), [moved], at);
  const note: NoteAdded = {
    type: 'NoteAdded',
    data: { noteId: 'n-1', thirdPartyId: thirdPartyId(1), contactId: null, text: 'Prefers mornings', addedAt: '2025-02-01T00:00:00.000Z' },
  };
  const head = await appendEvents(stores, streams.note('n-1'), [note], at);

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

const listed = async (filter: DirectoryFilter): Promise<string[]> => {
  const page = await queries.list({ first: 100, filter });
  expect(page.totalCount).toBe(page.items.length);
  return names(page);
};

const everyActive = ['ACME', 'Acme', 'Bâtiments Réunis', 'elephant corp', 'Élodie Martin', 'Émile Zola', 'Zoë Industries'];

describe('DirectoryQueries against the SQLite read store', () => {
  it('gets an entry by id, archived or not, or null', async () => {
    expect((await queries.get(thirdPartyId(3)))?.name).toBe('Zoë Industries');
    expect((await queries.get(thirdPartyId(8)))?.archived).toBe(true);
    expect(await queries.get('no-such-id')).toBeNull();
  });

  it('lists by name, ignoring case and accents, ties broken by id, archived entries left out', async () => {
    const page = await queries.list({ first: 100 });
    expect(names(page)).toEqual(everyActive);
    expect(page.totalCount).toBe(7);
    expect(page.hasNextPage).toBe(false);
  });

  it('includes archived entries on request', async () => {
    expect(await listed({ includeArchived: true })).toEqual([...everyActive.slice(0, 3), 'Dupont-Martin & Fils', ...everyActive.slice(3)]);
  });

  it('pages through the whole directory with cursors, without gaps or repeats, totalCount staying the full count', async () => {
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
    expect(seen).toEqual(everyActive);
  });

  it.each<[string, DirectoryFilter, string[]]>([
    ['kind', { kind: 'INDIVIDUAL' }, ['Élodie Martin', 'Émile Zola']],
    ['role', { role: 'SUPPLIER' }, ['Acme', 'Bâtiments Réunis', 'Zoë Industries']],
    ['prospect status', { prospectStatus: 'NEVER_CONTACTED' }, ['elephant corp']],
    ['territory', { territory: 'north' }, ['Acme', 'Élodie Martin', 'Zoë Industries']],
    ['category', { category: 'industry' }, ['ACME', 'Zoë Industries']],
    ['tag', { tag: 'vip' }, ['Élodie Martin', 'Zoë Industries']],
    ['owner', { ownerId: 'bob' }, ['Acme', 'elephant corp']],
    ['lead source', { leadSource: 'web' }, ['Acme', 'Élodie Martin']],
    ['a string custom field', { customFields: [{ key: 'sector', value: 'bakery' }] }, ['Élodie Martin']],
    ['a number custom field', { customFields: [{ key: 'employees', value: 250 }] }, ['Zoë Industries']],
    ['a boolean custom field', { customFields: [{ key: 'certified', value: false }] }, ['ACME']],
    [
      'several custom fields, all of which must match',
      { customFields: [{ key: 'employees', value: 250 }, { key: 'certified', value: true }] },
      ['Zoë Industries'],
    ],
    ['custom fields that no entry has together', { customFields: [{ key: 'employees', value: 3 }, { key: 'certified', value: true }] }, []],
    ['a custom field value of another type', { customFields: [{ key: 'employees', value: '250' }] }, ['Zoë Industries']],
    ['a null custom field value', { customFields: [{ key: 'sector', value: null }] }, []],
    [
      'last interaction before (never contacted included)',
      { lastInteractionBefore: '2025-02-01T00:00:00.000Z' },
      ['ACME', 'Acme', 'Bâtiments Réunis', 'elephant corp', 'Zoë Industries'],
    ],
    ['last interaction at or after', { lastInteractionAfter: '2025-02-01T00:00:00.000Z' }, ['Élodie Martin', 'Émile Zola']],
    [
      'a last interaction range',
      { lastInteractionAfter: '2025-01-01T00:00:00.000Z', lastInteractionBefore: '2025-03-01T00:00:00.000Z' },
      ['Acme', 'Élodie Martin'],
    ],
    ['the latest interaction date only (an exchange moved later counts)', { lastInteractionAfter: '2025-03-10T00:00:00.000Z' }, ['Émile Zola']],
    ['a last interaction instant with an offset', { lastInteractionAfter: '2025-02-01T01:00:00+01:00' }, ['Élodie Martin', 'Émile Zola']],
    ['inactive prospects', { role: 'PROSPECT', lastInteractionBefore: '2025-02-01T00:00:00.000Z' }, ['Acme', 'elephant corp']],
  ])('filters by %s', async (_what, filter, expected) => {
    expect(await listed(filter)).toEqual(expected);
  });

  it.each<[string, string[]]>([
    ['zola', ['Émile Zola']],
    ['EMILE', ['Émile Zola']],
    ['ind', ['Zoë Industries']],
    ['mar', ['Élodie Martin']],
    ['martin elo', ['Élodie Martin']],
    ['e', ['elephant corp', 'Élodie Martin', 'Émile Zola']],
    ['acme', ['ACME', 'Acme']],
    ['réunis bât', ['Bâtiments Réunis']],
    ['zoe zola', []],
    ['corporation', []],
    ['  ', everyActive],
  ])('searches words %p: each must begin a word of the name', async (search, expected) => {
    expect(await listed({ search })).toEqual(expected);
  });

  it('searches archived entries by word on request', async () => {
    expect(await listed({ search: 'fils dup', includeArchived: true })).toEqual(['Dupont-Martin & Fils']);
    expect(await listed({ search: 'fils dup' })).toEqual([]);
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
    expect(await listed({ nameStartsWith: prefix })).toEqual(expected);
  });

  it('combines filters, and pages within the filtered set', async () => {
    const filter: DirectoryFilter = { kind: 'COMPANY', role: 'CUSTOMER' };
    const first = await queries.list({ first: 1, filter });
    expect(names(first)).toEqual(['ACME']);
    expect(first.totalCount).toBe(2);
    expect(first.hasNextPage).toBe(true);
    const second = await queries.list({ first: 1, after: first.endCursor, filter });
    expect(names(second)).toEqual(['Zoë Industries']);
    expect(second.totalCount).toBe(2);
    expect(second.hasNextPage).toBe(false);
  });

  it.each([0, 101, 1.5, -1, Number.NaN])('refuses first = %p with a RangeError naming `first`', async (first) => {
    await expect(queries.list({ first })).rejects.toThrow(RangeError);
    await expect(queries.list({ first })).rejects.toThrow(/^first must be an integer between 1 and 100/);
  });

  it('refuses a malformed instant with a RangeError naming the filter field', async () => {
    await expect(queries.list({ first: 1, filter: { lastInteractionBefore: 'yesterday' } })).rejects.toThrow(
      /^lastInteractionBefore must be an ISO-8601 instant/,
    );
    await expect(queries.list({ first: 1, filter: { lastInteractionAfter: '2025-13-45' } })).rejects.toThrow(
      /^lastInteractionAfter must be an ISO-8601 instant/,
    );
  });

  it('lists only what a scope admits, in the query: pages and totalCount hold nothing else', async () => {
    const north = { scope: { territories: ['north', 'east'], ownedOnly: false }, userId: 'alice' };
    const page = await queries.list({ first: 2, scope: north });
    expect(names(page)).toEqual(['ACME', 'Acme']);
    expect(page.totalCount).toBe(5);
    const rest = await queries.list({ first: 100, after: page.endCursor, scope: north });
    expect(names(rest)).toEqual(['Bâtiments Réunis', 'Élodie Martin', 'Zoë Industries']);
    expect(rest.hasNextPage).toBe(false);

    const alicesOwn = { scope: { territories: null, ownedOnly: true }, userId: 'alice' };
    expect(names(await queries.list({ first: 100, scope: alicesOwn }))).toEqual(['Élodie Martin', 'Zoë Industries']);
    const both = { scope: { territories: ['south', 'east'], ownedOnly: true }, userId: 'bob' };
    expect(names(await queries.list({ first: 100, scope: both }))).toEqual(['elephant corp']);
  });

  it('finds nothing out of scope through a filter that names it', async () => {
    const north = { scope: { territories: ['north'], ownedOnly: false }, userId: 'alice' };
    for (const filter of [{ territory: 'south' }, { search: 'zola' }, { ownerId: 'nobody' }, { search: 'fils', includeArchived: true, territory: 'east' }]) {
      const page = await queries.list({ first: 100, filter, scope: north });
      expect({ filter, names: names(page), totalCount: page.totalCount }).toEqual({ filter, names: [], totalCount: 0 });
    }
    expect(names(await queries.list({ first: 100, filter: { ownerId: 'bob' }, scope: north }))).toEqual(['Acme']);
    const alicesOwn = { scope: { territories: null, ownedOnly: true }, userId: 'alice' };
    expect((await queries.list({ first: 100, filter: { ownerId: 'bob' }, scope: alicesOwn })).totalCount).toBe(0);
    expect(await queries.idsInScope(north.scope, 'alice')).toEqual(expect.arrayContaining([thirdPartyId(1), thirdPartyId(3), thirdPartyId(5), thirdPartyId(8)]));
    expect(await queries.idsInScope(north.scope, 'alice')).toHaveLength(4);
  });

  it('accepts the bounds 1 and 100', async () => {
    expect((await queries.list({ first: 1 })).items).toHaveLength(1);
    expect((await queries.list({ first: 100 })).items).toHaveLength(7);
  });
});

describe('the directory over history written by earlier versions', () => {
  it('lists a third party registered at schema version 1, upcast with an empty profile', async () => {
    const old = openStores();
    try {
      // What the first release wrote: no profile, no owner, no categories.
      const v1 = new EventCodec();
      const metadata = { actorId: 'alice', occurredAt: '2024-06-01T00:00:00.000Z', commandId: 'c', correlationId: 'c', causationId: null, source: 'api' as const };
      const { position } = await old.eventStore.append(
        streams.thirdParty('legacy'),
        [
          v1.encode(
            {
              type: 'ThirdPartyRegistered',
              data: { thirdPartyId: 'legacy', name: 'Ancienne Maison', kind: 'COMPANY', roles: ['PROSPECT'], registeredAt: '2024-06-01T00:00:00.000Z' },
            },
            metadata,
            '00000000-0000-4000-9000-000000000001',
          ),
        ],
        'no_stream',
      );
      const runner = new ProjectionRunner({
        store: old.eventStore,
        readStore: old.readStore,
        codec: old.codec,
        projections: [directoryProjection],
        logger: new RecordingLogger(),
        clock: fixedClock,
      });
      await runner.start();
      await runner.waitFor(position);
      await runner.stop();
      const legacy = await DirectoryQueries.open(old.readStore);
      const page = await legacy.list({ first: 10, filter: { prospectStatus: 'NEVER_CONTACTED', search: 'maison' } });
      expect(page.items.map((item) => item.doc)).toEqual([
        expect.objectContaining({ id: 'legacy', name: 'Ancienne Maison', categories: [], tags: [], customFields: {}, ownerId: null, lastInteractionAt: null }),
      ]);
    } finally {
      await old.close();
    }
  });
});
