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
  it('is in WAL mode with one (field, id) index per declared field', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'suivi-'));
    const file = path.join(dir, 'read.db');
    try {
      const store = SqliteReadStore.open({ file });
      await store.collection({ name: 'indexed', indexes: ['name', 'owner.city', 'id'] });
      await store.collection({ name: 'indexed', indexes: ['name', 'owner.city', 'id'] });
      await store.close();
      const db = new Database(file, { readonly: true });
      try {
        expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
        const indexes = db
          .prepare("SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = 'indexed' AND sql IS NOT NULL ORDER BY name")
          .all() as { name: string; sql: string }[];
        expect(indexes.map((index) => index.name)).toEqual(['indexed:name', 'indexed:owner.city']);
        expect(indexes[1]?.sql).toContain(`json_extract(doc, '$.owner.city'), id`);
      } finally {
        db.close();
      }
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
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
