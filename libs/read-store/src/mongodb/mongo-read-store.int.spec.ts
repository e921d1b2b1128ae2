import { randomBytes } from 'node:crypto';
import { describe, expect, it } from '@jest/globals';
import { MongoClient } from 'mongodb';
import { readStoreContract } from '../testing/read-store.contract.js';
import { MongoReadStore } from './mongo-read-store.js';

const url = process.env.MONGODB_URL;

if (url === undefined || url === '') {
  const reason =
    'MongoDB contract suite SKIPPED: MONGODB_URL is not set ' +
    '(run .ci/mongo-wire-server.sh start to get a MongoDB-wire server on 127.0.0.1)';
  // Written directly: Jest swallows console output of a suite with no test to run.
  process.stdout.write(`\n${reason}\n`);
  describe('ReadStore contract: MongoDB', () => {
    it.skip(reason, () => undefined);
  });
} else {
  readStoreContract('MongoDB', async () => {
    // A database of its own per run, so runs sharing a server never see each other.
    const database = `suivi_test_${randomBytes(4).toString('hex')}`;
    const store = await MongoReadStore.connect({ url, database });
    return {
      store,
      cleanup: async () => {
        await store.close();
        const client = await MongoClient.connect(url);
        try {
          await client.db(database).dropDatabase();
        } finally {
          await client.close();
        }
      },
    };
  });

  describe('MongoReadStore indexes', () => {
    it('creates one (doc.<field>, _id) index per declared field, once', async () => {
      const database = `suivi_test_${randomBytes(4).toString('hex')}`;
      const store = await MongoReadStore.connect({ url, database });
      const client = await MongoClient.connect(url);
      try {
        const definition = { name: 'indexed', indexes: ['name', 'owner.city', 'id'] };
        await store.collection(definition);
        await store.collection(definition);
        const indexes = await client.db(database).collection('indexed').listIndexes().toArray();
        const keys = indexes.map((index) => JSON.stringify(index.key)).sort();
        expect(keys).toEqual(['{"_id":1}', '{"doc.name":1,"_id":1}', '{"doc.owner.city":1,"_id":1}']);
      } finally {
        await store.close();
        await client.db(database).dropDatabase();
        await client.close();
      }
    });
  });

  describe('MongoReadStore.connect', () => {
    it('uses the database named in the URL, and suivi when there is none', async () => {
      const database = `suivi_test_${randomBytes(4).toString('hex')}`;
      const withPath = new URL(url);
      withPath.pathname = `/${database}`;
      const named = await MongoReadStore.connect({ url: withPath.toString() });
      withPath.pathname = '/';
      const unnamed = await MongoReadStore.connect({ url: withPath.toString() });
      try {
        expect(named.databaseName).toBe(database);
        expect(unnamed.databaseName).toBe('suivi');
      } finally {
        await named.close();
        await unnamed.close();
      }
    });
  });
}
