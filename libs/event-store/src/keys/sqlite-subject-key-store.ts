import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import Database from 'better-sqlite3';
import { KeySealing, type KeyEncryptionKey } from './key-encryption-key.js';
import {
  distinct,
  SUBJECT_KEY_BYTES,
  SubjectForgotten,
  SubjectKeysUnavailable,
  type SubjectKeyStore,
} from './subject-key-store.port.js';

export interface SqliteSubjectKeyStoreOptions {
  /** Path of the key file (keys.sqlite), apart from the event store's: backed up and erased on its own terms. ':memory:' for tests. */
  readonly file: string;
  /** Wraps every key written from now on (SUIVI_KEY_ENCRYPTION_KEY). */
  readonly kek?: KeyEncryptionKey | null;
  /** How long a writer waits for another process holding the write lock. Default 5000 ms. */
  readonly busyTimeoutMs?: number;
}

interface KeyRow {
  subject_id: string;
  key: Buffer | null;
  wrapped: number;
}

const SCHEMA = `
  CREATE TABLE IF NOT EXISTS subject_keys (
    subject_id   TEXT    PRIMARY KEY,
    key          BLOB,              -- NULL: destroyed; the row stays as a tombstone
    wrapped      INTEGER NOT NULL DEFAULT 0,
    created_at   INTEGER NOT NULL,  -- milliseconds since the Unix epoch
    destroyed_at INTEGER
  );
`;

const CHECKPOINT_ATTEMPTS = 20;

/**
 * The embedded SubjectKeyStore: one SQLite file of its own. A destroyed key must
 * leave no copy behind in the file: secure_delete overwrites the bytes SQLite
 * frees, and a TRUNCATE checkpoint after each destruction moves the rewritten
 * page into the main file and empties the WAL, where the key's earlier frames
 * would otherwise survive until overwritten.
 */
export class SqliteSubjectKeyStore implements SubjectKeyStore {
  private readonly select: Database.Statement<[string], KeyRow>;
  private readonly insert: Database.Statement<[string, Buffer | null, number, number, number | null]>;
  private readonly tombstone: Database.Statement<[number, string]>;
  private readonly createTx: (subjectIds: readonly string[]) => KeyRow[];
  private readonly destroyTx: (subjectId: string) => boolean;
  private closed = false;

  private constructor(
    private readonly db: Database.Database,
    private readonly sealing: KeySealing,
  ) {
    this.select = db.prepare<[string], KeyRow>(
      'SELECT subject_id, key, wrapped FROM subject_keys WHERE subject_id IN (SELECT value FROM json_each(?))',
    );
    this.insert = db.prepare(
      `INSERT INTO subject_keys (subject_id, key, wrapped, created_at, destroyed_at) VALUES (?, ?, ?, ?, ?)
       ON CONFLICT (subject_id) DO NOTHING`,
    );
    this.tombstone = db.prepare('UPDATE subject_keys SET key = NULL, destroyed_at = ? WHERE subject_id = ? AND key IS NOT NULL');
    this.createTx = db.transaction((subjectIds: readonly string[]) => {
      const now = Date.now();
      const found = new Set(this.select.all(JSON.stringify(subjectIds)).map((row) => row.subject_id));
      for (const subjectId of subjectIds) {
        if (found.has(subjectId)) continue;
        const { bytes, wrapped } = this.sealing.seal(subjectId, randomBytes(SUBJECT_KEY_BYTES));
        this.insert.run(subjectId, bytes, wrapped ? 1 : 0, now, null);
      }
      return this.select.all(JSON.stringify(subjectIds));
    }).immediate;
    this.destroyTx = db.transaction((subjectId: string) => {
      const now = Date.now();
      if (this.tombstone.run(now, subjectId).changes === 1) return true;
      return this.insert.run(subjectId, null, 0, now, now).changes === 1;
    }).immediate;
  }

  static open(options: SqliteSubjectKeyStoreOptions): SqliteSubjectKeyStore {
    const inMemory = options.file === ':memory:';
    const file = inMemory ? options.file : path.resolve(options.file);
    const existed = inMemory || fs.existsSync(file);
    let db: Database.Database;
    try {
      if (!inMemory) fs.mkdirSync(path.dirname(file), { recursive: true });
      db = new Database(file);
    } catch (error) {
      throw new SubjectKeysUnavailable(`cannot open the key store ${file}: ${messageOf(error)}`, { cause: error });
    }
    try {
      // Only the user running Suivi reads the keys; SQLite gives the WAL the file's mode.
      if (!existed) fs.chmodSync(file, 0o600);
      db.pragma(`busy_timeout = ${options.busyTimeoutMs ?? 5000}`);
      db.pragma('journal_mode = WAL');
      // A lost key loses personal data; a lost tombstone lets a forgotten subject be written again.
      db.pragma('synchronous = FULL');
      db.pragma('secure_delete = ON');
      db.exec(SCHEMA);
    } catch (error) {
      db.close();
      throw new SubjectKeysUnavailable(`cannot open the key store ${file}: ${messageOf(error)}`, { cause: error });
    }
    return new SqliteSubjectKeyStore(db, new KeySealing(options.kek ?? null));
  }

  async getOrCreate(subjectIds: readonly string[]): Promise<Map<string, Buffer>> {
    const ids = distinct(subjectIds);
    if (ids.length === 0) return new Map();
    let rows = this.run(() => this.select.all(JSON.stringify(ids)));
    // Most subjects have a key already: take the write lock only for new ones.
    if (rows.length < ids.length) rows = this.run(() => this.createTx(ids));
    const keys = new Map<string, Buffer>();
    for (const row of rows) {
      if (row.key === null) throw new SubjectForgotten(row.subject_id);
      keys.set(row.subject_id, this.sealing.open(row.subject_id, row.key, row.wrapped === 1));
    }
    return keys;
  }

  async get(subjectIds: readonly string[]): Promise<Map<string, Buffer | null>> {
    const ids = distinct(subjectIds);
    const keys = new Map<string, Buffer | null>();
    if (ids.length === 0) return keys;
    for (const row of this.run(() => this.select.all(JSON.stringify(ids)))) {
      keys.set(row.subject_id, row.key === null ? null : this.sealing.open(row.subject_id, row.key, row.wrapped === 1));
    }
    return keys;
  }

  async destroy(subjectId: string): Promise<boolean> {
    const destroyed = this.run(() => this.destroyTx(subjectId));
    // Also after a repeated call: an earlier one may have found the WAL busy.
    await this.truncateWal();
    return destroyed;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.db.close();
  }

  /** Waits for readers in other processes to let go of the WAL, then empties it. */
  private async truncateWal(): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      const [result] = this.run(() => this.db.pragma('wal_checkpoint(TRUNCATE)') as { busy: number }[]);
      if (result?.busy === 0) return;
      if (attempt === CHECKPOINT_ATTEMPTS) {
        throw new SubjectKeysUnavailable(
          `the key was destroyed, but other connections kept the key store's WAL busy, which may still hold a copy: destroy the subject again`,
        );
      }
      await sleep(50);
    }
  }

  private run<T>(work: () => T): T {
    if (this.closed) throw new SubjectKeysUnavailable('the key store is closed');
    try {
      return work();
    } catch (error) {
      if (error instanceof SubjectForgotten || error instanceof SubjectKeysUnavailable) throw error;
      if (error instanceof Database.SqliteError) throw new SubjectKeysUnavailable(`key store: ${error.message}`, { cause: error });
      throw error;
    }
  }
}

const messageOf = (error: unknown): string => (error instanceof Error ? error.message : String(error));
