import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { MongoClient } from 'mongodb';
import { MongoReadStore, SqliteReadStore, type ReadStore } from '../index.js';

/** A read store for a test, and how to throw it away. */
export interface OpenedReadStore {
  readonly readStore: ReadStore;
  cleanup(): Promise<void>;
}

export type ReadStoreBackend = [label: string, open: () => Promise<OpenedReadStore>];

/**
 * The read stores a read-model suite runs on: SQLite always, MongoDB too when
 * MONGODB_URL names a server (a database of its own per run). Says so when
 * MongoDB is skipped. For `describe.each(readStoreBackends())`.
 */
export function readStoreBackends(): ReadStoreBackend[] {
  const backends: ReadStoreBackend[] = [
    [
      'SQLite',
      async () => {
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'suivi-'));
        const readStore = SqliteReadStore.open({ file: path.join(dir, 'read.sqlite') });
        return {
          readStore,
          cleanup: async () => {
            await readStore.close();
            fs.rmSync(dir, { recursive: true, force: true });
          },
        };
      },
    ],
  ];
  const url = process.env['MONGODB_URL'];
  if (!url) {
    process.stdout.write('\nMongoDB variant SKIPPED: MONGODB_URL is not set (.ci/mongo-wire-server.sh start provides one)\n');
    return backends;
  }
  backends.push([
    'MongoDB',
    async () => {
      const database = `suivi_test_${randomBytes(4).toString('hex')}`;
      const readStore = await MongoReadStore.connect({ url, database });
      return {
        readStore,
        cleanup: async () => {
          await readStore.close();
          const client = await MongoClient.connect(url);
          try {
            await client.db(database).dropDatabase();
          } finally {
            await client.close();
          }
        },
      };
    },
  ]);
  return backends;
}
