import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import Database from 'better-sqlite3';
import { MongoClient } from 'mongodb';
import { MongoReadStore, type ReadStore } from '#read-store';
import { auditJournalCollection, auditJournalProjection, type AuditEntry } from '../audit-journal/audit-journal.projection.js';
import { ProjectionRunner } from '../runner/projection-runner.js';
import { appendHistory, EVENTS_PER_ROUND, HISTORY_SECRET } from '../testing/audit-chain-fixtures.js';
import { allDocs, fixedClock, openStores, RecordingLogger, type Stores } from '../testing/third-party-fixtures.js';
import { auditChainCollection, auditChainProjection, GENESIS_HASH, type AuditChainLink } from './audit-chain.projection.js';
import { verifyAuditJournal, type AuditAnchor } from './audit-chain.verification.js';

/**
 * The chain against real stores: a history written through the deciders, the
 * runner building the journal and the chain, then the stores altered behind
 * Suivi's back (SQL on the files, or the MongoDB driver) as someone with access
 * to the database would.
 */

type Json = Record<string, unknown>;

interface Backend {
  /** The read store the runner and the verification use. */
  open(stores: Stores): Promise<ReadStore>;
  /** Rewrites one stored document of a collection directly in the database. */
  alterDoc(stores: Stores, collection: string, id: string, change: (doc: Json) => Json): Promise<void>;
  cleanup(): Promise<void>;
}

const sqliteBackend = (): Backend => ({
  open: async (stores) => stores.readStore,
  alterDoc: async (stores, collection, id, change) => {
    const db = new Database(path.join(stores.dir, 'read.sqlite'));
    try {
      const row = db.prepare(`SELECT doc FROM "${collection}" WHERE id = ?`).get(id) as { doc: string } | undefined;
      if (!row) throw new Error(`no document ${id} in ${collection}`);
      const updated = db.prepare(`UPDATE "${collection}" SET doc = ? WHERE id = ?`).run(JSON.stringify(change(JSON.parse(row.doc) as Json)), id);
      expect(updated.changes).toBe(1);
    } finally {
      db.close();
    }
  },
  cleanup: async () => undefined,
});

const mongoBackend = (url: string): Backend => {
  const database = `suivi_test_${randomBytes(4).toString('hex')}`;
  let readStore: MongoReadStore | null = null;
  return {
    open: async () => (readStore = await MongoReadStore.connect({ url, database })),
    alterDoc: async (_stores, collection, id, change) => {
      const client = await MongoClient.connect(url);
      try {
        const records = client.db(database).collection<{ _id: string; doc: Json }>(collection);
        const record = await records.findOne({ _id: id });
        if (!record) throw new Error(`no document ${id} in ${collection}`);
        const updated = await records.updateOne({ _id: id }, { $set: { doc: change(record.doc) } });
        expect(updated.modifiedCount).toBe(1);
      } finally {
        await client.close();
      }
    },
    cleanup: async () => {
      await readStore?.close();
      const client = await MongoClient.connect(url);
      try {
        await client.db(database).dropDatabase();
      } finally {
        await client.close();
      }
    },
  };
};

/** Rewrites one stored event directly in events.sqlite. */
const alterEvent = (stores: Stores, position: bigint, column: 'data' | 'metadata', change: (value: Json) => Json): void => {
  const db = new Database(path.join(stores.dir, 'events.sqlite'));
  try {
    const row = db.prepare(`SELECT ${column} AS value FROM events WHERE global_position = ?`).get(position) as { value: string } | undefined;
    if (!row) throw new Error(`no event at position ${position}`);
    const updated = db.prepare(`UPDATE events SET ${column} = ? WHERE global_position = ?`).run(JSON.stringify(change(JSON.parse(row.value) as Json)), position);
    expect(updated.changes).toBe(1);
  } finally {
    db.close();
  }
};

const deleteEvent = (stores: Stores, position: bigint): void => {
  const db = new Database(path.join(stores.dir, 'events.sqlite'));
  try {
    expect(db.prepare('DELETE FROM events WHERE global_position = ?').run(position).changes).toBe(1);
  } finally {
    db.close();
  }
};

/** Position of the n-th event (1-based) of round `round`: positions are contiguous on SQLite. */
const positionIn = (round: number, n: number): bigint => BigInt((round - 1) * EVENTS_PER_ROUND + n);

const ROUNDS = 4;
const HEAD = BigInt(ROUNDS * EVENTS_PER_ROUND);

const backends: [string, () => Backend][] = [['SQLite read store', sqliteBackend]];
const mongoUrl = process.env['MONGODB_URL'];
if (mongoUrl) backends.push(['MongoDB read store', () => mongoBackend(mongoUrl)]);
else process.stdout.write('\naudit chain on MongoDB SKIPPED: MONGODB_URL is not set (see .ci/mongo-wire-server.sh)\n');

describe.each(backends)('the tamper-evident audit journal on the %s', (_label, makeBackend) => {
  let stores: Stores;
  let backend: Backend;
  let readStore: ReadStore;
  let logger: RecordingLogger;

  const newRunner = (): ProjectionRunner =>
    new ProjectionRunner({
      store: stores.eventStore,
      readStore,
      codec: stores.codec,
      projections: [auditJournalProjection, auditChainProjection],
      logger,
      clock: fixedClock,
      // Several flushes per catch-up, so that links cross batch boundaries.
      batchSize: 7,
    });

  const catchUp = async (head: bigint): Promise<void> => {
    const runner = newRunner();
    await runner.start();
    await runner.waitFor(head);
    await runner.stop();
  };

  // Pages smaller than the history and not aligned with the batches.
  const verify = (anchors: readonly AuditAnchor[] = []) =>
    verifyAuditJournal({ store: stores.eventStore, readStore, codec: stores.codec, pageSize: 5, anchors });

  const links = async (): Promise<AuditChainLink[]> =>
    (await allDocs(await readStore.collection<AuditChainLink>(auditChainCollection))).sort((a, b) => a.sortKey.localeCompare(b.sortKey));

  const eventIdAt = async (position: bigint): Promise<string> => {
    const page = await stores.eventStore.readAll({ after: position - 1n, maxCount: 1 });
    return page.events[0]!.eventId;
  };

  beforeEach(async () => {
    stores = openStores();
    backend = makeBackend();
    readStore = await backend.open(stores);
    logger = new RecordingLogger();
    expect(await appendHistory(stores, ROUNDS)).toBe(HEAD);
    await catchUp(HEAD);
  });

  afterEach(async () => {
    await backend.cleanup();
    await stores.close();
  });

  it('chains every event of an untouched history, and verifies it', async () => {
    const chain = await links();
    expect(chain).toHaveLength(Number(HEAD));
    expect(chain[0]?.previousHash).toBe(GENESIS_HASH);
    for (let i = 1; i < chain.length; i += 1) expect(chain[i]?.previousHash).toBe(chain[i - 1]?.hash);
    expect(JSON.stringify(chain)).not.toContain(HISTORY_SECRET);

    const result = await verify();
    expect(result).toEqual({
      ok: true,
      checkedEvents: Number(HEAD),
      checkedUpTo: HEAD,
      logHead: HEAD,
      headHash: chain.at(-1)?.hash,
      firstBreak: null,
    });
    expect(logger.errors()).toEqual([]);
  });

  it('detects a journal entry altered in the read store, at its position', async () => {
    const position = positionIn(2, 5); // the rename of round 2
    const eventId = await eventIdAt(position);
    await backend.alterDoc(stores, auditJournalCollection.name, eventId, (doc) => ({ ...doc, actorId: 'mallory' }));

    const result = await verify();
    expect(result.ok).toBe(false);
    expect(result.firstBreak).toEqual({ position, eventId, reason: expect.stringContaining('the stored journal entry was altered') });
    expect(result.checkedEvents).toBe(Number(position) - 1);
    expect(result.checkedUpTo).toBe(position - 1n);
    expect(result.headHash).toBeNull();
  });

  it('detects an event altered in the event store, at its position', async () => {
    const position = positionIn(3, 1); // the registration of round 3
    alterEvent(stores, position, 'data', (data) => ({ ...data, territory: 'FR-13' }));

    const result = await verify();
    expect(result.ok).toBe(false);
    expect(result.firstBreak).toEqual({
      position,
      eventId: await eventIdAt(position),
      reason: expect.stringContaining('the stored event was altered'),
    });
    expect(result.checkedEvents).toBe(Number(position) - 1);
  });

  it('detects a personal value slipped into an event, which the chain does not seal', async () => {
    const position = positionIn(3, 1);
    alterEvent(stores, position, 'data', (data) => ({ ...data, name: 'Maison Tartempion' }));

    const result = await verify();
    expect(result.firstBreak).toEqual({
      position,
      eventId: await eventIdAt(position),
      reason: expect.stringContaining('differ in personal values, which the chain does not seal'),
    });
  });

  it('reports an altered ciphertext as a break, not a failure', async () => {
    const position = positionIn(3, 1);
    alterEvent(stores, position, 'data', (data) => {
      const pii = data['$pii'] as Json;
      const ct = Buffer.from(pii['ct'] as string, 'base64');
      ct[0] = ct[0]! ^ 0xff;
      return { ...data, $pii: { ...pii, ct: ct.toString('base64') } };
    });

    const result = await verify();
    expect(result.firstBreak).toEqual({
      position,
      eventId: await eventIdAt(position),
      reason: expect.stringMatching(/^the event cannot be read \(event ThirdPartyRegistered: the personal data cannot be read/),
    });
  });
});

describe('the tamper-evident audit journal, SQLite only', () => {
  let stores: Stores;
  let logger: RecordingLogger;

  const newRunner = (): ProjectionRunner =>
    new ProjectionRunner({
      store: stores.eventStore,
      readStore: stores.readStore,
      codec: stores.codec,
      projections: [auditJournalProjection, auditChainProjection],
      logger,
      clock: fixedClock,
      batchSize: 7,
    });

  const catchUp = async (head: bigint): Promise<void> => {
    const runner = newRunner();
    await runner.start();
    await runner.waitFor(head);
    await runner.stop();
  };

  const verify = (anchors: readonly AuditAnchor[] = []) =>
    verifyAuditJournal({ store: stores.eventStore, readStore: stores.readStore, codec: stores.codec, pageSize: 4, anchors });

  const links = async (): Promise<AuditChainLink[]> =>
    (await allDocs(await stores.readStore.collection<AuditChainLink>(auditChainCollection))).sort((a, b) => a.sortKey.localeCompare(b.sortKey));

  const alterReadDoc = (collection: string, id: string, change: (doc: Json) => Json): void => {
    const db = new Database(path.join(stores.dir, 'read.sqlite'));
    try {
      const row = db.prepare(`SELECT doc FROM "${collection}" WHERE id = ?`).get(id) as { doc: string };
      db.prepare(`UPDATE "${collection}" SET doc = ? WHERE id = ?`).run(JSON.stringify(change(JSON.parse(row.doc) as Json)), id);
    } finally {
      db.close();
    }
  };

  beforeEach(async () => {
    stores = openStores();
    logger = new RecordingLogger();
    await appendHistory(stores, ROUNDS);
    await catchUp(HEAD);
  });

  afterEach(async () => {
    await stores.close();
  });

  it('detects a change of who did it, in the metadata of a stored event', async () => {
    const position = positionIn(1, 4);
    alterEvent(stores, position, 'metadata', (metadata) => ({ ...metadata, actorId: 'mallory' }));
    const result = await verify();
    expect(result.firstBreak).toMatchObject({ position, reason: expect.stringContaining('the stored event was altered') });
  });

  it('detects a deleted event, at the position it held', async () => {
    const position = positionIn(2, 2);
    const [link] = (await links()).filter((l) => l.position === position.toString());
    deleteEvent(stores, position);
    const result = await verify();
    expect(result.firstBreak).toEqual({ position, eventId: link?.id, reason: expect.stringContaining('the event was deleted') });
    expect(result.checkedEvents).toBe(Number(position) - 1);
  });

  it('detects an altered chain link, and a journal entry and its link both deleted', async () => {
    const chain = await links();
    const altered = chain[9]!;
    alterReadDoc(auditChainCollection.name, altered.id, (doc) => ({ ...doc, hash: 'f'.repeat(64) }));
    expect((await verify()).firstBreak).toEqual({
      position: BigInt(altered.position),
      eventId: altered.id,
      reason: expect.stringContaining('the chain link does not match'),
    });

    const db = new Database(path.join(stores.dir, 'read.sqlite'));
    const gone = chain[3]!;
    db.prepare(`DELETE FROM ${auditJournalCollection.name} WHERE id = ?`).run(gone.id);
    db.prepare(`DELETE FROM ${auditChainCollection.name} WHERE id = ?`).run(gone.id);
    db.close();
    expect((await verify()).firstBreak).toEqual({
      position: BigInt(gone.position),
      eventId: gone.id,
      reason: expect.stringContaining('no journal entry and no chain link for this event'),
    });
  });

  it('detects a journal entry inserted for an event that never happened', async () => {
    const entries = await stores.readStore.collection<AuditEntry>(auditJournalCollection);
    const real = (await entries.find({ first: 1, sort: { field: 'sortKey', direction: 'asc' } })).items[0]!.doc;
    // Between the events at positions 2 and 3, as if an event had been there.
    const forged: AuditEntry = { ...real, id: 'forged', position: '2', sortKey: '00000000000000000002', actorId: 'mallory' };
    await entries.put({ ...forged, sortKey: '000000000000000000025' }, 2n);
    const result = await verify();
    expect(result.firstBreak).toMatchObject({ position: 2n, eventId: 'forged', reason: expect.stringContaining('the log has no event there') });
    expect(result.checkedEvents).toBe(2);
  });

  it('continues the chain across restarts, re-deliveries and a rebuild, with the same hashes', async () => {
    const before = await links();
    // A crash after the links were written but before the checkpoint: the events are delivered again.
    await stores.readStore.checkpoints.save(auditChainProjection.name, 10n);
    const more = await appendHistory(stores, 2, ROUNDS + 1);
    await catchUp(more);
    const after = await links();
    expect(after).toHaveLength(Number(more));
    expect(after.slice(0, before.length)).toEqual(before);
    expect((await verify()).ok).toBe(true);

    const runner = newRunner();
    await runner.rebuild(auditChainProjection.name);
    await runner.stop();
    expect(await links()).toEqual(after);
    expect(await verify()).toMatchObject({ ok: true, checkedEvents: Number(more) });
    expect(logger.errors()).toEqual([]);
  });

  it('verifies only what both the journal and the chain have applied', async () => {
    const more = await appendHistory(stores, 1, ROUNDS + 1);
    const result = await verify();
    expect(result).toMatchObject({ ok: true, checkedEvents: Number(HEAD), checkedUpTo: HEAD, logHead: more });
  });

  it('needs an anchor to reveal a history rewritten with its journal and chain', async () => {
    const intact = await verify();
    const anchor: AuditAnchor = { position: intact.checkedUpTo!, hash: intact.headHash! };
    expect((await verify([anchor])).ok).toBe(true);

    // Alter an event, then have Suivi recompute its journal and chain from the altered log.
    alterEvent(stores, positionIn(2, 3), 'data', (data) => ({ ...data, subject: 'order' }));
    const runner = newRunner();
    await runner.rebuild(auditJournalProjection.name);
    await runner.rebuild(auditChainProjection.name);
    await runner.stop();

    expect((await verify()).ok).toBe(true);
    const anchored = await verify([anchor]);
    expect(anchored.ok).toBe(false);
    expect(anchored.firstBreak).toMatchObject({ position: HEAD, reason: expect.stringContaining('differs from the one anchored') });
  });

  it('reports an anchor the log no longer reaches', async () => {
    const intact = await verify();
    const result = await verify([{ position: HEAD + 5n, hash: intact.headHash! }]);
    expect(result.firstBreak).toEqual({ position: HEAD + 5n, eventId: null, reason: expect.stringContaining('beyond what is journaled and chained') });
  });

  it('refuses to replay a parked event of the chain alone', async () => {
    const runner = newRunner();
    await expect(runner.replayParked(auditChainProjection.name, 3n)).rejects.toThrow('cannot be replayed alone');
    await runner.stop();
  });

  it('reports nothing checked, and no break, before the projections ever ran', async () => {
    await stores.readStore.checkpoints.reset(auditChainProjection.name);
    expect(await verify()).toEqual({ ok: true, checkedEvents: 0, checkedUpTo: null, logHead: HEAD, headHash: null, firstBreak: null });
  });
});
