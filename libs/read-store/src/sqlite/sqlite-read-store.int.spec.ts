import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from '@jest/globals';
import Database from 'better-sqlite3';
import { readStoreContract } from '../testing/read-store.contract.js';
import { SqliteReadStore } from './sqlite-read-store.js';

readStoreContract('SQLite', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'suivi-'));
  // A directory that does not exist yet: open() creates it.
  const store = SqliteReadStore.open({ file: path.join(dir, 'nested', 'read.db') });
  return {
    store,
    cleanup: async () => {
      await store.close();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
});

describe('SqliteReadStore file', () => {
  const indexesOf = (db: Database.Database, table: string) =>
    db
      .prepare("SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = ? AND sql IS NOT NULL ORDER BY name")
      .all(table) as { name: string; sql: string }[];

  const withFile = async (body: (file: string) => Promise<void>) => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'suivi-'));
    try {
      await body(path.join(dir, 'read.db'));
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  };

  it('is in WAL mode with one (field, id, type) index per declared field, one per compound index, none for lists', async () => {
    await withFile(async (file) => {
      const store = SqliteReadStore.open({ file });
      const definition = {
        name: 'indexed',
        indexes: ['name', 'owner.city', 'id', 'tags'],
        compoundIndexes: [['owner.city', 'name']],
        listFields: ['tags'],
      };
      await store.collection(definition);
      await store.collection(definition);
      await store.close();
      const db = new Database(file, { readonly: true });
      try {
        expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
        const indexes = indexesOf(db, 'indexed');
        // owner.city leads the compound index, which serves it alone too.
        expect(indexes.map((index) => index.name)).toEqual(['indexed:name:typed', 'indexed:owner.city+name']);
        expect(indexes[0]?.sql).toContain(`json_extract(doc, '$.name'), id, json_type(doc, '$.name')`);
        expect(indexes[1]?.sql).toContain(
          `json_extract(doc, '$.owner.city'), json_extract(doc, '$.name'), id, json_type(doc, '$.owner.city'), json_type(doc, '$.name')`,
        );
      } finally {
        db.close();
      }
    });
  });

  it('drops the indexes of an earlier layout, or of a field no longer declared, when the collection opens', async () => {
    await withFile(async (file) => {
      const before = SqliteReadStore.open({ file });
      await before.collection({ name: 'upgraded', indexes: ['name', 'city'] });
      await before.close();
      const older = new Database(file);
      older.exec(`CREATE INDEX "upgraded:name" ON "upgraded" (json_extract(doc, '$.name'), id) WHERE doc IS NOT NULL`);
      older.close();

      const after = SqliteReadStore.open({ file });
      const collection = await after.collection<{ id: string; name: string }>({ name: 'upgraded', indexes: ['name'] });
      await collection.put({ id: 'a', name: 'Ada' }, 1n);
      await after.close();
      const db = new Database(file, { readonly: true });
      try {
        expect(indexesOf(db, 'upgraded').map((index) => index.name)).toEqual(['upgraded:name:typed']);
      } finally {
        db.close();
      }
    });
  });

  it('pages one key of a compound index in sort order and counts it from the index alone', async () => {
    await withFile(async (file) => {
      const store = SqliteReadStore.open({ file });
      const entries = await store.collection<{ id: string; owner: string; at: string; body: string }>({
        name: 'entries',
        indexes: ['owner', 'at'],
        compoundIndexes: [['owner', 'at']],
      });
      await entries.writeMany(
        Array.from({ length: 300 }, (_, i) => ({
          id: `e-${String(i).padStart(3, '0')}`,
          doc: { id: `e-${String(i).padStart(3, '0')}`, owner: `o-${i % 3}`, at: `2026-01-01T00:00:${String(i % 60).padStart(2, '0')}Z`, body: 'x' },
          position: BigInt(i + 1),
        })),
      );
      const first = await entries.find({ where: [{ field: 'owner', op: 'eq', value: 'o-1' }], sort: { field: 'at', direction: 'desc' }, first: 7 });
      const second = await entries.find({
        where: [{ field: 'owner', op: 'eq', value: 'o-1' }],
        sort: { field: 'at', direction: 'desc' },
        first: 7,
        after: first.endCursor,
      });
      const seen = [...first.items, ...second.items].map((item) => item.doc);
      expect(seen.every((doc) => doc.owner === 'o-1')).toBe(true);
      const keys = seen.map((doc) => `${doc.at}|${doc.id}`);
      expect(keys).toEqual([...keys].sort().reverse());
      expect(await entries.count([{ field: 'owner', op: 'eq', value: 'o-1' }])).toBe(100);
      await store.close();

      // The plans the adapter's own SQL gets: a search of the compound index (no sort
      // of the matches), and a count that never reads a document.
      const db = new Database(file, { readonly: true });
      try {
        const plan = (sql: string, ...params: unknown[]) =>
          (db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all(...params) as { detail: string }[]).map((row) => row.detail).join(' | ');
        const owner = `(json_type(doc, '$.owner') = 'text' AND json_extract(doc, '$.owner') = ?)`;
        expect(
          plan(`SELECT id, doc FROM "entries" WHERE doc IS NOT NULL AND ${owner} ORDER BY json_extract(doc, '$.at') DESC, id DESC LIMIT 8`, 'o-1'),
        ).toBe('SEARCH entries USING INDEX entries:owner+at (<expr>=?)');
        expect(plan(`SELECT count(*) AS n FROM "entries" WHERE doc IS NOT NULL AND ${owner}`, 'o-1')).toMatch(/USING (COVERING )?INDEX entries:owner/);
      } finally {
        db.close();
      }
    });
  });
});

describe('SqliteReadStore after an erasure', () => {
  /** Every byte of the database on disk: the file, its WAL and the WAL index. */
  const bytesOf = (file: string): Buffer =>
    Buffer.concat(['', '-wal', '-shm'].map((suffix) => (fs.existsSync(file + suffix) ? fs.readFileSync(file + suffix) : Buffer.alloc(0))));

  it('keeps no copy of an overwritten or deleted value once compacted, in the table, its indexes or the WAL', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'suivi-'));
    const file = path.join(dir, 'read.db');
    const store = SqliteReadStore.open({ file });
    try {
      const people = await store.collection<{ id: string; name: string; note: string }>({ name: 'people', indexes: ['name'] });
      await people.put({ id: 'p-1', name: 'Honorine Vasseur', note: 'x'.repeat(5000) + ' Vasseur' }, 1n);
      await people.put({ id: 'p-2', name: 'Gaspard Lemoine', note: 'Lemoine' }, 2n);
      await store.compact();
      expect(bytesOf(file).includes('Honorine')).toBe(true);

      await people.put({ id: 'p-1', name: '[erased]', note: '[erased]' }, 3n);
      await people.delete('p-2', 4n);
      // Before compaction, the WAL and the file still hold the earlier versions.
      expect(bytesOf(file).includes('Honorine') || bytesOf(file).includes('Lemoine')).toBe(true);
      await store.compact();
      const bytes = bytesOf(file);
      for (const word of ['Honorine', 'Vasseur', 'Gaspard', 'Lemoine']) expect(bytes.includes(word)).toBe(false);
      expect(fs.statSync(`${file}-wal`).size).toBe(0);
      expect((await people.get('p-1'))?.doc.name).toBe('[erased]');
    } finally {
      await store.close();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('compacts while another connection is open, and says so when a reader never lets go', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'suivi-'));
    const file = path.join(dir, 'read.db');
    const store = SqliteReadStore.open({ file, compactAttempts: 2 });
    const other = new Database(file);
    try {
      const people = await store.collection<{ id: string; name: string }>({ name: 'people', indexes: [] });
      await people.put({ id: 'p-1', name: 'Honorine' }, 1n);
      other.prepare('SELECT count(*) FROM people').get();
      await store.compact();
      // A read transaction held open pins the WAL: the checkpoint cannot truncate it.
      other.exec('BEGIN');
      other.prepare('SELECT count(*) FROM people').get();
      await people.put({ id: 'p-1', name: '[erased]' }, 2n);
      await expect(store.compact()).rejects.toThrow('another connection keeps reading it');
      other.exec('COMMIT');
      await store.compact();
      expect(bytesOf(file).includes('Honorine')).toBe(false);
    } finally {
      other.close();
      await store.close();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
