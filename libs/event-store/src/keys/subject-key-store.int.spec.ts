import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { BSON, MongoClient } from 'mongodb';
import { CachedSubjectKeyStore } from './cached-subject-key-store.js';
import { MongoSubjectKeyStore, SUBJECT_KEYS_COLLECTION } from './mongo-subject-key-store.js';
import { SqliteSubjectKeyStore } from './sqlite-subject-key-store.js';
import { subjectKeyStoreContract, type KeyStoreBackend } from './subject-key-store.contract.js';
import { SubjectForgotten } from './subject-key-store.port.js';

const sqliteBackend = async (): Promise<KeyStoreBackend> => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'suivi-keys-'));
  const file = path.join(dir, 'keys.sqlite');
  return {
    open: async (options) => SqliteSubjectKeyStore.open({ file, kek: options?.kek ?? null }),
    rawBytes: async () => Buffer.concat(['', '-wal', '-shm'].map((suffix) => (fs.existsSync(file + suffix) ? fs.readFileSync(file + suffix) : Buffer.alloc(0)))),
    destroy: async () => fs.rmSync(dir, { recursive: true, force: true }),
  };
};

const mongoBackend =
  (url: string) =>
  async (): Promise<KeyStoreBackend> => {
    const database = `suivi_keys_test_${randomBytes(4).toString('hex')}`;
    const client = await MongoClient.connect(url);
    return {
      open: async (options) => MongoSubjectKeyStore.connect({ url, database, kek: options?.kek ?? null }),
      // What the collection holds, as BSON: the bytes a dump or a backup would copy.
      rawBytes: async () =>
        Buffer.concat((await client.db(database).collection(SUBJECT_KEYS_COLLECTION).find().toArray()).map((doc) => Buffer.from(BSON.serialize(doc)))),
      destroy: async () => {
        await client.db(database).dropDatabase();
        await client.close();
      },
    };
  };

const backends: [string, () => Promise<KeyStoreBackend>][] = [['SQLite', sqliteBackend]];
const mongodbUrl = process.env['MONGODB_URL'];
if (mongodbUrl) backends.push(['MongoDB', mongoBackend(mongodbUrl)]);
else process.stdout.write('\nMongoDB key store SKIPPED: MONGODB_URL is not set (.ci/mongo-wire-server.sh start provides one)\n');

describe.each(backends)('SubjectKeyStore contract (%s)', (_label, newBackend) => {
  subjectKeyStoreContract(newBackend);
});

describe('SqliteSubjectKeyStore at rest', () => {
  let dir: string;
  let file: string;

  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'suivi-keys-'));
    file = path.join(dir, 'keys.sqlite');
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('leaves no copy of a destroyed key in the file or its WAL, while another connection reads', async () => {
    const store = SqliteSubjectKeyStore.open({ file });
    const reader = SqliteSubjectKeyStore.open({ file });
    const subjects = Array.from({ length: 200 }, (_, i) => `contact:${i}`);
    const keys = await store.getOrCreate(subjects);
    await reader.get(subjects);
    const doomed = keys.get('contact:42')!;
    expect(fs.readFileSync(file + '-wal').includes(doomed) || fs.readFileSync(file).includes(doomed)).toBe(true);
    await store.destroy('contact:42');
    expect(fs.statSync(file + '-wal').size).toBe(0);
    expect(fs.readFileSync(file).includes(doomed)).toBe(false);
    // The other keys are intact.
    expect((await reader.get(['contact:41'])).get('contact:41')!.equals(keys.get('contact:41')!)).toBe(true);
    await reader.close();
    await store.close();
  });

  it('is readable only by its owner', async () => {
    const store = SqliteSubjectKeyStore.open({ file });
    expect(fs.statSync(file).mode & 0o077).toBe(0);
    await store.close();
  });
});

describe('CachedSubjectKeyStore', () => {
  let dir: string;
  let file: string;
  let clock: number;
  const now = (): number => clock;

  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'suivi-keys-'));
    file = path.join(dir, 'keys.sqlite');
    clock = 1_000;
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('never serves a key it destroyed, and refuses to draw a new one', async () => {
    const cached = new CachedSubjectKeyStore(SqliteSubjectKeyStore.open({ file }), { ttlMs: 60_000, now });
    await cached.getOrCreate(['contact:x']);
    expect(await cached.destroy('contact:x')).toBe(true);
    expect((await cached.get(['contact:x'])).get('contact:x')).toBeNull();
    await expect(cached.getOrCreate(['contact:x'])).rejects.toThrow(SubjectForgotten);
    await cached.close();
  });

  it('drops what another process destroyed when the TTL runs out, or on evict', async () => {
    const here = new CachedSubjectKeyStore(SqliteSubjectKeyStore.open({ file }), { ttlMs: 60_000, now });
    const there = new CachedSubjectKeyStore(SqliteSubjectKeyStore.open({ file }), { ttlMs: 60_000, now });
    await here.getOrCreate(['contact:a', 'contact:b']);
    await there.destroy('contact:a');
    await there.destroy('contact:b');
    // Within the TTL, this process still holds the keys it read…
    expect((await here.get(['contact:a'])).get('contact:a')).not.toBeNull();
    here.evict('contact:a');
    expect((await here.get(['contact:a'])).get('contact:a')).toBeNull();
    expect((await here.get(['contact:b'])).get('contact:b')).not.toBeNull();
    clock += 60_001;
    expect((await here.get(['contact:b'])).get('contact:b')).toBeNull();
    await here.close();
    await there.close();
  });

  it('asks the store once per subject within the TTL', async () => {
    const inner = SqliteSubjectKeyStore.open({ file });
    await inner.getOrCreate(['contact:1', 'contact:2']);
    let reads = 0;
    const counting = new CachedSubjectKeyStore(
      {
        getOrCreate: (ids) => inner.getOrCreate(ids),
        get: (ids) => ((reads += ids.length), inner.get(ids)),
        destroy: (id) => inner.destroy(id),
        close: () => inner.close(),
      },
      { ttlMs: 1_000, now },
    );
    await counting.get(['contact:1', 'contact:2']);
    await counting.get(['contact:2', 'contact:1', 'contact:2']);
    expect(reads).toBe(2);
    clock += 1_001;
    await counting.get(['contact:1']);
    expect(reads).toBe(3);
    await counting.close();
  });
});
