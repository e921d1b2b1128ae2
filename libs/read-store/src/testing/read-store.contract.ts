import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import {
  InvalidCursor,
  UndeclaredField,
  type Collection,
  type CollectionDefinition,
  type DocWrite,
  type Filter,
  type ReadStore,
  type Scalar,
  type Sort,
} from '../read-store.port.js';
import { InvalidCollectionDefinition } from '../shared/definition.js';

/** The document shape the suite stores: every kind of value a filter can meet. */
interface Item {
  readonly id: string;
  readonly name?: string;
  readonly rank?: number | string | null;
  readonly tags?: readonly (string | number | null)[] | string;
  readonly active?: boolean;
  readonly owner?: { readonly city: string };
  readonly [key: string]: unknown;
}

const INDEXES = ['name', 'rank', 'tags', 'active', 'owner.city'];
const TWO_53 = 2n ** 53n;
const BEYOND_DOUBLE = TWO_53 + 1n; // 9007199254740993: not representable as a double
const MAX_POSITION = 2n ** 63n - 1n;

export interface OpenedReadStore {
  readonly store: ReadStore;
  readonly cleanup: () => Promise<void>;
}

/**
 * The behaviour every ReadStore adapter must have. Collection names are unique per
 * run, so the suite can share a server with other runs.
 */
export function readStoreContract(name: string, open: () => Promise<OpenedReadStore>): void {
  describe(`ReadStore contract: ${name}`, () => {
    let opened: OpenedReadStore | undefined;
    const run = randomBytes(4).toString('hex');
    let serial = 0;

    const store = (): ReadStore => {
      if (opened === undefined) throw new Error('the store did not open');
      return opened.store;
    };
    const uniqueName = (base: string) => `${base}_${run}_${(serial += 1)}`;
    const fresh = (indexes: readonly string[] = INDEXES): Promise<Collection<Item>> =>
      store().collection<Item>({ name: uniqueName('items'), indexes });

    beforeAll(async () => {
      opened = await open();
    });

    afterAll(async () => {
      await opened?.cleanup();
    });

    it('answers a ping', async () => {
      await expect(store().ping()).resolves.toBeUndefined();
    });

    describe('put and get', () => {
      it('stores a document with its position and reads it back', async () => {
        const items = await fresh();
        const doc: Item = { id: 'a', name: 'Alpha', rank: 1, tags: ['x'], active: true, owner: { city: 'Lyon' } };
        await expect(items.put(doc, 5n)).resolves.toBe(true);
        await expect(items.get('a')).resolves.toEqual({ doc, position: 5n });
        await expect(items.get('missing')).resolves.toBeNull();
      });

      it('drops undefined properties as JSON does', async () => {
        const items = await fresh();
        await items.put({ id: 'a', name: 'Alpha', rank: undefined }, 1n);
        const stored = await items.get('a');
        expect(stored?.doc).toEqual({ id: 'a', name: 'Alpha' });
        expect(Object.keys(stored?.doc ?? {})).toEqual(['id', 'name']);
      });

      it('refuses a write at or below the stored position and leaves the document unchanged', async () => {
        const items = await fresh();
        await items.put({ id: 'a', name: 'v5' }, 5n);
        await expect(items.put({ id: 'a', name: 'same position' }, 5n)).resolves.toBe(false);
        await expect(items.put({ id: 'a', name: 'older' }, 4n)).resolves.toBe(false);
        await expect(items.get('a')).resolves.toEqual({ doc: { id: 'a', name: 'v5' }, position: 5n });
        await expect(items.put({ id: 'a', name: 'v6' }, 6n)).resolves.toBe(true);
        await expect(items.get('a')).resolves.toEqual({ doc: { id: 'a', name: 'v6' }, position: 6n });
      });

      it('compares positions above 2^53 exactly and returns them as the same bigint', async () => {
        const items = await fresh();
        await expect(items.put({ id: 'a', name: 'at 2^53' }, TWO_53)).resolves.toBe(true);
        // 2^53 + 1 rounds to 2^53 as a double: a store comparing doubles would refuse this write.
        await expect(items.put({ id: 'a', name: 'next' }, TWO_53 + 1n)).resolves.toBe(true);
        await expect(items.get('a')).resolves.toEqual({ doc: { id: 'a', name: 'next' }, position: TWO_53 + 1n });
        await expect(items.put({ id: 'a', name: 'older' }, TWO_53)).resolves.toBe(false);
        await items.writeMany([{ id: 'a', doc: { id: 'a', name: 'batched' }, position: TWO_53 + 2n }]);
        await expect(items.get('a')).resolves.toEqual({ doc: { id: 'a', name: 'batched' }, position: TWO_53 + 2n });
        await expect(items.put({ id: 'b' }, MAX_POSITION)).resolves.toBe(true);
        expect((await items.get('b'))?.position).toBe(MAX_POSITION);
        await expect(items.delete('b', MAX_POSITION)).resolves.toBe(false);
      });
    });

    describe('delete', () => {
      it('leaves a tombstone that an older write replayed later cannot bring back', async () => {
        const items = await fresh();
        await items.put({ id: 'a', name: 'Alpha' }, 5n);
        await expect(items.delete('a', 7n)).resolves.toBe(true);
        await expect(items.get('a')).resolves.toBeNull();
        await expect(items.put({ id: 'a', name: 'replayed' }, 6n)).resolves.toBe(false);
        await expect(items.put({ id: 'a', name: 'replayed' }, 7n)).resolves.toBe(false);
        await expect(items.get('a')).resolves.toBeNull();
        await expect(items.count()).resolves.toBe(0);
        await expect(items.find({ first: 10 })).resolves.toEqual({ items: [], endCursor: null, hasNextPage: false });
        await expect(items.count([{ field: 'name', op: 'eq', value: 'replayed' }])).resolves.toBe(0);
        await expect(items.put({ id: 'a', name: 'recreated' }, 8n)).resolves.toBe(true);
        await expect(items.get('a')).resolves.toEqual({ doc: { id: 'a', name: 'recreated' }, position: 8n });
      });

      it('is guarded like put', async () => {
        const items = await fresh();
        await items.put({ id: 'a', name: 'Alpha' }, 5n);
        await expect(items.delete('a', 5n)).resolves.toBe(false);
        await expect(items.delete('a', 4n)).resolves.toBe(false);
        await expect(items.get('a')).resolves.toEqual({ doc: { id: 'a', name: 'Alpha' }, position: 5n });
        await expect(items.delete('a', 6n)).resolves.toBe(true);
        await expect(items.delete('a', 6n)).resolves.toBe(false);
      });

      it('tombstones an id that never existed, so its earlier creation replayed later stays deleted', async () => {
        const items = await fresh();
        await expect(items.delete('ghost', 10n)).resolves.toBe(true);
        await expect(items.put({ id: 'ghost', name: 'created' }, 3n)).resolves.toBe(false);
        await expect(items.get('ghost')).resolves.toBeNull();
      });
    });

    describe('writeMany', () => {
      it('applies a batch in order with the guard, ids repeated and out of order', async () => {
        const items = await fresh();
        await items.put({ id: 'stored', name: 'kept' }, 10n);
        await items.put({ id: 'doomed', name: 'before' }, 1n);
        const writes: DocWrite<Item>[] = [
          { id: 'a', doc: { id: 'a', name: 'a1' }, position: 11n },
          { id: 'b', doc: { id: 'b', name: 'b1' }, position: 12n },
          { id: 'a', doc: { id: 'a', name: 'a3' }, position: 13n },
          { id: 'a', doc: { id: 'a', name: 'a2 (late)' }, position: 12n },
          { id: 'b', doc: null, position: 14n },
          { id: 'c', doc: { id: 'c', name: 'c first' }, position: 15n },
          { id: 'c', doc: { id: 'c', name: 'c same position' }, position: 15n },
          { id: 'stored', doc: { id: 'stored', name: 'stale' }, position: 9n },
          { id: 'doomed', doc: null, position: 16n },
          { id: 'doomed', doc: { id: 'doomed', name: 'stale resurrection' }, position: 2n },
          { id: 'tomb', doc: null, position: 20n },
          { id: 'tomb', doc: { id: 'tomb', name: 'older' }, position: 19n },
        ];
        await items.writeMany(writes);
        await expect(items.get('a')).resolves.toEqual({ doc: { id: 'a', name: 'a3' }, position: 13n });
        await expect(items.get('b')).resolves.toBeNull();
        await expect(items.get('c')).resolves.toEqual({ doc: { id: 'c', name: 'c first' }, position: 15n });
        await expect(items.get('stored')).resolves.toEqual({ doc: { id: 'stored', name: 'kept' }, position: 10n });
        await expect(items.get('doomed')).resolves.toBeNull();
        await expect(items.get('tomb')).resolves.toBeNull();
        await expect(items.count()).resolves.toBe(3);
        await expect(items.put({ id: 'b', name: 'b replayed' }, 13n)).resolves.toBe(false);
        await expect(items.put({ id: 'tomb', name: 'replayed' }, 19n)).resolves.toBe(false);
      });

      it('accepts an empty batch', async () => {
        const items = await fresh();
        await expect(items.writeMany([])).resolves.toBeUndefined();
      });

      // mongo-java-server scans the collection for each conditional update, so this takes
      // seconds there (milliseconds on SQLite); hence the longer timeout.
      it('writes thousands of documents in one call, and replaying the batch changes nothing', async () => {
        const items = await fresh();
        const writes: DocWrite<Item>[] = Array.from({ length: 2000 }, (_, i) => ({
          id: `d${String(i).padStart(5, '0')}`,
          doc: { id: `d${String(i).padStart(5, '0')}`, name: `n${i}`, rank: i % 10, tags: [`t${i % 3}`] },
          position: BigInt(i + 1),
        }));
        await items.writeMany(writes);
        await expect(items.count()).resolves.toBe(2000);
        await expect(items.count([{ field: 'rank', op: 'eq', value: 7 }])).resolves.toBe(200);
        await items.writeMany(writes.map((w) => ({ ...w, doc: w.doc && { ...w.doc, name: 'replayed' } })));
        await expect(items.count([{ field: 'name', op: 'eq', value: 'replayed' }])).resolves.toBe(0);
        await expect(items.get('d01999')).resolves.toEqual({ doc: writes[1999]?.doc, position: 2000n });
      }, 60_000);
    });

    describe('find filters', () => {
      let items: Collection<Item>;
      const docs: Item[] = [
        { id: 'a', name: 'Alpha', rank: 1, tags: ['red', 'blue'], active: true, owner: { city: 'Lyon' } },
        { id: 'b', name: 'Beta', rank: 2, tags: ['blue'], active: false, owner: { city: 'Paris' } },
        { id: 'c', name: 'Alphabet', rank: 3, tags: [], active: true, owner: { city: 'Lyon' } },
        { id: 'd', name: 'alpha lower', rank: null, tags: ['red', 7], owner: { city: 'Nice' } },
        { id: 'e', name: '100%_a.b*', rank: '10', tags: 'red', active: true },
        { id: 'f', name: '100%_a', rank: 10 },
        { id: 'g', rank: 2.5, tags: [null, 'green'] },
      ];
      const ids = async (where: Filter[]) => {
        const page = await items.find({ where, first: 100 });
        return page.items.map((item) => item.doc.id);
      };

      beforeAll(async () => {
        items = await fresh();
        await items.writeMany(docs.map((doc, i) => ({ id: doc.id, doc, position: BigInt(i + 1) })));
        await items.put({ id: 'z', name: 'Alpha', rank: 1, tags: ['red'], active: true }, 100n);
        await items.delete('z', 101n);
      });

      it('eq on strings, numbers, booleans, null (null or missing) and dotted paths', async () => {
        await expect(ids([{ field: 'name', op: 'eq', value: 'Alpha' }])).resolves.toEqual(['a']);
        await expect(ids([{ field: 'rank', op: 'eq', value: 2 }])).resolves.toEqual(['b']);
        await expect(ids([{ field: 'rank', op: 'eq', value: 2.5 }])).resolves.toEqual(['g']);
        await expect(ids([{ field: 'rank', op: 'eq', value: 10 }])).resolves.toEqual(['f']);
        await expect(ids([{ field: 'rank', op: 'eq', value: '10' }])).resolves.toEqual(['e']);
        await expect(ids([{ field: 'active', op: 'eq', value: true }])).resolves.toEqual(['a', 'c', 'e']);
        await expect(ids([{ field: 'active', op: 'eq', value: false }])).resolves.toEqual(['b']);
        await expect(ids([{ field: 'rank', op: 'eq', value: true }])).resolves.toEqual([]);
        await expect(ids([{ field: 'active', op: 'eq', value: 1 }])).resolves.toEqual([]);
        await expect(ids([{ field: 'active', op: 'eq', value: null }])).resolves.toEqual(['d', 'f', 'g']);
        await expect(ids([{ field: 'rank', op: 'eq', value: null }])).resolves.toEqual(['d']);
        await expect(ids([{ field: 'owner.city', op: 'eq', value: 'Lyon' }])).resolves.toEqual(['a', 'c']);
        await expect(ids([{ field: 'id', op: 'eq', value: 'c' }])).resolves.toEqual(['c']);
      });

      it('ne includes documents where the field is missing', async () => {
        await expect(ids([{ field: 'active', op: 'ne', value: true }])).resolves.toEqual(['b', 'd', 'f', 'g']);
        await expect(ids([{ field: 'active', op: 'ne', value: null }])).resolves.toEqual(['a', 'b', 'c', 'e']);
        await expect(ids([{ field: 'owner.city', op: 'ne', value: 'Lyon' }])).resolves.toEqual(['b', 'd', 'e', 'f', 'g']);
        await expect(ids([{ field: 'rank', op: 'ne', value: 10 }])).resolves.toEqual(['a', 'b', 'c', 'd', 'e', 'g']);
        await expect(ids([{ field: 'id', op: 'ne', value: 'a' }])).resolves.toEqual(['b', 'c', 'd', 'e', 'f', 'g']);
      });

      it('gt, gte, lt, lte compare values of the same type only', async () => {
        await expect(ids([{ field: 'rank', op: 'gt', value: 2 }])).resolves.toEqual(['c', 'f', 'g']);
        await expect(ids([{ field: 'rank', op: 'gte', value: 2 }])).resolves.toEqual(['b', 'c', 'f', 'g']);
        await expect(ids([{ field: 'rank', op: 'lt', value: 2.5 }])).resolves.toEqual(['a', 'b']);
        await expect(ids([{ field: 'rank', op: 'lte', value: 2.5 }])).resolves.toEqual(['a', 'b', 'g']);
        await expect(ids([{ field: 'name', op: 'gte', value: 'B' }])).resolves.toEqual(['b', 'd']);
        await expect(ids([{ field: 'name', op: 'lt', value: 'Alphabet' }])).resolves.toEqual(['a', 'e', 'f']);
        await expect(ids([{ field: 'active', op: 'gt', value: false }])).resolves.toEqual(['a', 'c', 'e']);
        await expect(ids([{ field: 'active', op: 'lte', value: false }])).resolves.toEqual(['b']);
        await expect(ids([{ field: 'rank', op: 'gt', value: null }])).resolves.toEqual([]);
        await expect(ids([{ field: 'id', op: 'gt', value: 'e' }])).resolves.toEqual(['f', 'g']);
        await expect(
          ids([
            { field: 'rank', op: 'gt', value: 1 },
            { field: 'rank', op: 'lt', value: 10 },
          ]),
        ).resolves.toEqual(['b', 'c', 'g']);
      });

      it('in matches any listed value, null matching a missing field', async () => {
        await expect(ids([{ field: 'rank', op: 'in', value: [1, 3, '10'] }])).resolves.toEqual(['a', 'c', 'e']);
        await expect(ids([{ field: 'name', op: 'in', value: ['Beta', 'nobody', null] }])).resolves.toEqual(['b', 'g']);
        await expect(ids([{ field: 'active', op: 'in', value: [false, null] }])).resolves.toEqual(['b', 'd', 'f', 'g']);
        await expect(ids([{ field: 'rank', op: 'in', value: [] }])).resolves.toEqual([]);
        await expect(ids([{ field: 'id', op: 'in', value: ['g', 'a', 'z'] }])).resolves.toEqual(['a', 'g']);
      });

      // A scope can hold tens of thousands of third-party ids: more than SQLite binds as parameters (32,766).
      it('in takes 40,000 values, on the id and on a field, in find and in count', async () => {
        const many = (n: number, ...hits: Scalar[]): Scalar[] => [...Array.from({ length: n }, (_, i) => `nobody ${i}`), ...hits];
        await expect(ids([{ field: 'id', op: 'in', value: many(40_000, 'f', 'b') }])).resolves.toEqual(['b', 'f']);
        await expect(ids([{ field: 'name', op: 'in', value: many(40_000, 'Beta', 'Alpha', 2) }])).resolves.toEqual(['a', 'b']);
        const numbers = Array.from({ length: 40_000 }, (_, i) => i + 1000);
        await expect(ids([{ field: 'rank', op: 'in', value: [...numbers, 2.5, 3, null] }])).resolves.toEqual(['c', 'd', 'g']);
        await expect(items.count([{ field: 'id', op: 'in', value: many(40_000, 'a', 'c', 'e') }])).resolves.toBe(3);
      }, 60_000);

      it('contains matches an array holding the value, never a scalar', async () => {
        await expect(ids([{ field: 'tags', op: 'contains', value: 'red' }])).resolves.toEqual(['a', 'd']);
        await expect(ids([{ field: 'tags', op: 'contains', value: 'blue' }])).resolves.toEqual(['a', 'b']);
        await expect(ids([{ field: 'tags', op: 'contains', value: 7 }])).resolves.toEqual(['d']);
        await expect(ids([{ field: 'tags', op: 'contains', value: '7' }])).resolves.toEqual([]);
        await expect(ids([{ field: 'tags', op: 'contains', value: null }])).resolves.toEqual(['g']);
        await expect(ids([{ field: 'tags', op: 'contains', value: 'none' }])).resolves.toEqual([]);
      });

      it('startsWith is a case-sensitive prefix match where wildcard characters are literal', async () => {
        await expect(ids([{ field: 'name', op: 'startsWith', value: 'Alpha' }])).resolves.toEqual(['a', 'c']);
        await expect(ids([{ field: 'name', op: 'startsWith', value: 'alpha' }])).resolves.toEqual(['d']);
        await expect(ids([{ field: 'name', op: 'startsWith', value: '100%_a' }])).resolves.toEqual(['e', 'f']);
        await expect(ids([{ field: 'name', op: 'startsWith', value: '100%_a.' }])).resolves.toEqual(['e']);
        await expect(ids([{ field: 'name', op: 'startsWith', value: '100%_a.b*' }])).resolves.toEqual(['e']);
        await expect(ids([{ field: 'name', op: 'startsWith', value: '1%' }])).resolves.toEqual([]);
        await expect(ids([{ field: 'name', op: 'startsWith', value: '10_' }])).resolves.toEqual([]);
        await expect(ids([{ field: 'name', op: 'startsWith', value: 'Al.ha' }])).resolves.toEqual([]);
        await expect(ids([{ field: 'name', op: 'startsWith', value: '' }])).resolves.toEqual(['a', 'b', 'c', 'd', 'e', 'f']);
        await expect(ids([{ field: 'owner.city', op: 'startsWith', value: 'Ly' }])).resolves.toEqual(['a', 'c']);
        await expect(ids([{ field: 'rank', op: 'startsWith', value: '1' }])).resolves.toEqual(['e']);
      });

      it('startsWith compares code points beyond ASCII', async () => {
        const texts = await fresh(['name']);
        const names = ['Élise', 'Émile', 'É', 'Eve', 'Ê', '日本語', '日本', '日', '😀a', '😀b', '\u{10FFFF}x', 'z'];
        await texts.writeMany(names.map((n, i) => ({ id: `n${i}`, doc: { id: `n${i}`, name: n }, position: 1n })));
        const matching = async (prefix: string) => {
          const page = await texts.find({ where: [{ field: 'name', op: 'startsWith', value: prefix }], first: 100 });
          return page.items.map((item) => item.doc.name).sort();
        };
        await expect(matching('É')).resolves.toEqual(['É', 'Élise', 'Émile']);
        await expect(matching('日本')).resolves.toEqual(['日本', '日本語']);
        await expect(matching('😀')).resolves.toEqual(['😀a', '😀b']);
        await expect(matching('\u{10FFFF}')).resolves.toEqual(['\u{10FFFF}x']);
      });

      it('combines filters with and, and counts what find returns', async () => {
        const where: Filter[] = [
          { field: 'tags', op: 'contains', value: 'red' },
          { field: 'owner.city', op: 'eq', value: 'Lyon' },
        ];
        await expect(ids(where)).resolves.toEqual(['a']);
        await expect(items.count(where)).resolves.toBe(1);
        await expect(items.count()).resolves.toBe(7);
        await expect(items.count([{ field: 'active', op: 'eq', value: true }])).resolves.toBe(3);
        await expect(items.count([{ field: 'name', op: 'startsWith', value: 'Alpha' }])).resolves.toBe(2);
      });

      it('refuses a filter or a sort on an undeclared field', async () => {
        await expect(items.find({ where: [{ field: 'colour', op: 'eq', value: 'red' }], first: 10 })).rejects.toThrow(
          UndeclaredField,
        );
        await expect(items.find({ sort: { field: 'colour', direction: 'asc' }, first: 10 })).rejects.toThrow(
          UndeclaredField,
        );
        await expect(items.count([{ field: 'owner', op: 'eq', value: 'x' }])).rejects.toThrow(UndeclaredField);
      });
    });

    describe('sort and pagination', () => {
      it('sorts ascending and descending with ties broken by id in the same direction', async () => {
        const items = await fresh();
        const ranks: Record<string, number> = { e: 2, a: 1, d: 2, b: 3, c: 2 };
        await items.writeMany(
          Object.entries(ranks).map(([id, rank], i) => ({ id, doc: { id, rank }, position: BigInt(i + 1) })),
        );
        const order = async (sort?: Sort) =>
          (await items.find({ first: 10, ...(sort ? { sort } : {}) })).items.map((item) => item.doc.id);
        await expect(order({ field: 'rank', direction: 'asc' })).resolves.toEqual(['a', 'c', 'd', 'e', 'b']);
        await expect(order({ field: 'rank', direction: 'desc' })).resolves.toEqual(['b', 'e', 'd', 'c', 'a']);
        await expect(order()).resolves.toEqual(['a', 'b', 'c', 'd', 'e']);
        await expect(order({ field: 'id', direction: 'desc' })).resolves.toEqual(['e', 'd', 'c', 'b', 'a']);
      });

      /**
       * 57 documents, 7 distinct ranks (many ties), every 5th without a rank: the
       * missing ones sort first ascending and last descending, like null.
       */
      const seed = async () => {
        const items = await fresh();
        const writes: DocWrite<Item>[] = Array.from({ length: 57 }, (_, i) => {
          const id = `p${String((i * 37) % 57).padStart(2, '0')}`; // ids not in insertion order
          const doc: Item =
            i % 5 === 0
              ? { id, name: `name ${i % 4}`, tags: i % 2 === 0 ? ['even'] : ['odd'] }
              : { id, name: `name ${i % 4}`, rank: i % 7, tags: i % 2 === 0 ? ['even'] : ['odd'] };
          return { id, doc, position: BigInt(i + 1) };
        });
        await items.writeMany(writes);
        return { items, docs: writes.map((w) => w.doc as Item) };
      };

      const expectedOrder = (docs: Item[], field: 'rank' | 'name' | 'id', direction: 'asc' | 'desc') => {
        const key = (doc: Item): [number, number | string] => {
          const value = field === 'id' ? doc.id : doc[field];
          return value === undefined || value === null ? [0, 0] : [1, value as number | string];
        };
        const sorted = [...docs].sort((x, y) => {
          const [kx, ky] = [key(x), key(y)];
          const byKey = kx[0] - ky[0] || (kx[1] < ky[1] ? -1 : kx[1] > ky[1] ? 1 : 0);
          return byKey || (x.id < y.id ? -1 : x.id > y.id ? 1 : 0);
        });
        return (direction === 'asc' ? sorted : sorted.reverse()).map((doc) => doc.id);
      };

      const walk = async (items: Collection<Item>, sort: Sort, where: Filter[] = [], first = 10) => {
        const seen: string[] = [];
        let after: string | null = null;
        let pages = 0;
        for (;;) {
          const page = await items.find({ where, sort, first, after });
          pages += 1;
          seen.push(...page.items.map((item) => item.doc.id));
          expect(page.endCursor).toBe(page.items.at(-1)?.cursor ?? null);
          if (!page.hasNextPage) break;
          expect(page.items).toHaveLength(first);
          after = page.endCursor;
          if (pages > 100) throw new Error('pagination does not end');
        }
        return { seen, pages };
      };

      for (const field of ['rank', 'name', 'id'] as const) {
        for (const direction of ['asc', 'desc'] as const) {
          it(`walks every page sorted by ${field} ${direction} without duplicates or gaps`, async () => {
            const { items, docs } = await seed();
            const { seen, pages } = await walk(items, { field, direction });
            expect(pages).toBe(6);
            expect(new Set(seen).size).toBe(57);
            expect(seen).toEqual(expectedOrder(docs, field, direction));
          });
        }
      }

      it('walks filtered pages, and every item cursor resumes right after its item', async () => {
        const { items, docs } = await seed();
        const where: Filter[] = [{ field: 'tags', op: 'contains', value: 'even' }];
        const sort: Sort = { field: 'rank', direction: 'desc' };
        const evens = docs.filter((doc) => Array.isArray(doc.tags) && doc.tags.includes('even'));
        const expected = expectedOrder(evens, 'rank', 'desc');
        const { seen } = await walk(items, sort, where, 4);
        expect(seen).toEqual(expected);
        await expect(items.count(where)).resolves.toBe(evens.length);

        const firstPage = await items.find({ where, sort, first: 5 });
        const third = firstPage.items[2];
        if (third === undefined) throw new Error('expected a third item');
        const resumed = await items.find({ where, sort, first: 3, after: third.cursor });
        expect(resumed.items.map((item) => item.doc.id)).toEqual(expected.slice(3, 6));
      });

      it('a cursor keeps its place when documents before it change', async () => {
        const { items } = await seed();
        const sort: Sort = { field: 'id', direction: 'asc' };
        const page1 = await items.find({ sort, first: 10 });
        await items.delete('p00', 1000n);
        await items.put({ id: 'p000', name: 'inserted before the cursor' }, 1001n);
        const page2 = await items.find({ sort, first: 3, after: page1.endCursor });
        expect(page2.items.map((item) => item.doc.id)).toEqual(['p10', 'p11', 'p12']);
      });

      it('refuses a cursor it did not make, or one made for another sort', async () => {
        const { items } = await seed();
        await expect(items.find({ first: 5, after: 'not a cursor' })).rejects.toThrow(InvalidCursor);
        await expect(items.find({ first: 5, after: 'bm90IGpzb24' })).rejects.toThrow(InvalidCursor);
        const forged = Buffer.from(JSON.stringify({ id: 'p10' })).toString('base64url');
        await expect(items.find({ first: 5, after: forged })).rejects.toThrow(InvalidCursor);
        const byRank = await items.find({ sort: { field: 'rank', direction: 'asc' }, first: 5 });
        await expect(
          items.find({ sort: { field: 'rank', direction: 'desc' }, first: 5, after: byRank.endCursor }),
        ).rejects.toThrow(InvalidCursor);
        await expect(items.find({ first: 5, after: byRank.endCursor })).rejects.toThrow(InvalidCursor);
      });

      it('returns an empty last page with no cursor', async () => {
        const { items } = await seed();
        const page = await items.find({ where: [{ field: 'name', op: 'eq', value: 'nobody' }], first: 10 });
        expect(page).toEqual({ items: [], endCursor: null, hasNextPage: false });
        const all = await items.find({ first: 57 });
        expect(all.items).toHaveLength(57);
        expect(all.hasNextPage).toBe(false);
      });
    });

    describe('clear', () => {
      it('removes every document and tombstone', async () => {
        const items = await fresh();
        await items.put({ id: 'a', name: 'Alpha' }, 5n);
        await items.delete('b', 9n);
        await items.clear();
        await expect(items.count()).resolves.toBe(0);
        await expect(items.get('a')).resolves.toBeNull();
        // The tombstone is gone too: a rebuild from position 0 writes b again.
        await expect(items.put({ id: 'b', name: 'rebuilt' }, 1n)).resolves.toBe(true);
        await expect(items.put({ id: 'a', name: 'rebuilt' }, 1n)).resolves.toBe(true);
        await expect(items.count()).resolves.toBe(2);
      });
    });

    describe('collections', () => {
      it('keeps two collections apart, even with the same ids', async () => {
        const left = await store().collection<Item>({ name: uniqueName('left'), indexes: ['name'] });
        const right = await store().collection<Item>({ name: uniqueName('right'), indexes: ['name'] });
        await left.put({ id: 'a', name: 'left' }, 1n);
        await right.put({ id: 'a', name: 'right' }, 1n);
        await right.put({ id: 'b', name: 'right' }, 2n);
        await expect(left.get('a')).resolves.toEqual({ doc: { id: 'a', name: 'left' }, position: 1n });
        await expect(right.get('a')).resolves.toEqual({ doc: { id: 'a', name: 'right' }, position: 1n });
        await expect(left.count()).resolves.toBe(1);
        await right.clear();
        await expect(left.count()).resolves.toBe(1);
        await expect(right.count()).resolves.toBe(0);
      });

      it('opens the same collection twice and sees the same documents', async () => {
        const definition: CollectionDefinition = { name: uniqueName('twice'), indexes: ['name'] };
        const first = await store().collection<Item>(definition);
        await first.put({ id: 'a', name: 'Alpha' }, 1n);
        const second = await store().collection<Item>({ ...definition, indexes: ['name', 'rank'] });
        await expect(second.get('a')).resolves.toEqual({ doc: { id: 'a', name: 'Alpha' }, position: 1n });
        await expect(second.count([{ field: 'rank', op: 'eq', value: null }])).resolves.toBe(1);
      });

      it('refuses names and index fields that are not portable', async () => {
        for (const bad of ['Items', '1items', 'items-x', 'items.x', 'checkpoints', '']) {
          await expect(store().collection({ name: bad, indexes: [] })).rejects.toThrow(InvalidCollectionDefinition);
        }
        await expect(store().collection({ name: uniqueName('ok'), indexes: ["name') --"] })).rejects.toThrow(
          InvalidCollectionDefinition,
        );
      });

      it('refuses compound indexes and list fields over fields it does not index', async () => {
        const base = { name: uniqueName('compound'), indexes: ['owner', 'at', 'tags'] };
        for (const compoundIndexes of [[['owner']], [['owner', 'owner']], [['owner', 'nope']], [['id', 'owner']]]) {
          await expect(store().collection({ ...base, compoundIndexes })).rejects.toThrow(InvalidCollectionDefinition);
        }
        await expect(store().collection({ ...base, listFields: ['nope'] })).rejects.toThrow(InvalidCollectionDefinition);
      });

      it('answers the same through a compound index and a list field as through single indexes', async () => {
        type Entry = { id: string; owner: string; at: number; tags: string[] };
        const entries = await store().collection<Entry>({
          name: uniqueName('compound'),
          indexes: ['owner', 'at', 'tags'],
          compoundIndexes: [['owner', 'at']],
          listFields: ['tags'],
        });
        await entries.writeMany(
          Array.from({ length: 30 }, (_, i) => ({
            id: `e${String(i).padStart(2, '0')}`,
            doc: { id: `e${String(i).padStart(2, '0')}`, owner: i % 2 === 0 ? 'even' : 'odd', at: i % 5, tags: i % 3 === 0 ? ['third'] : [] },
            position: BigInt(i + 1),
          })),
        );
        const page = await entries.find({ where: [{ field: 'owner', op: 'eq', value: 'even' }, { field: 'at', op: 'gte', value: 3 }], sort: { field: 'at', direction: 'desc' }, first: 100 });
        expect(page.items.map((item) => item.doc.id)).toEqual(['e24', 'e14', 'e04', 'e28', 'e18', 'e08']);
        await expect(entries.count([{ field: 'owner', op: 'eq', value: 'odd' }])).resolves.toBe(15);
        await expect(entries.count([{ field: 'tags', op: 'contains', value: 'third' }])).resolves.toBe(10);
      });
    });

    describe('checkpoints', () => {
      it('gets, saves, overwrites and resets a consumer position', async () => {
        const consumer = uniqueName('projection');
        const other = uniqueName('automation');
        await expect(store().checkpoints.get(consumer)).resolves.toBeNull();
        await store().checkpoints.save(consumer, 42n);
        await expect(store().checkpoints.get(consumer)).resolves.toBe(42n);
        await store().checkpoints.save(consumer, BEYOND_DOUBLE);
        await expect(store().checkpoints.get(consumer)).resolves.toBe(BEYOND_DOUBLE);
        // A rebuild saves lower positions again: save overwrites, it does not guard.
        await store().checkpoints.save(consumer, 3n);
        await expect(store().checkpoints.get(consumer)).resolves.toBe(3n);
        await store().checkpoints.save(other, 0n);
        await store().checkpoints.reset(consumer);
        await expect(store().checkpoints.get(consumer)).resolves.toBeNull();
        await expect(store().checkpoints.get(other)).resolves.toBe(0n);
        await expect(store().checkpoints.reset('never-ran')).resolves.toBeUndefined();
      });
    });
  });
}
