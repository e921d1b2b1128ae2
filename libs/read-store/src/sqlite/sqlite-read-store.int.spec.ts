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
