import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { domainSchemaVersions, domainUpcasters, streams, thirdPartyDecider, type ThirdPartyRegistered } from '#domain';
import path from 'node:path';
import { EventCodec, handleCommand, SqliteEventStore, type EventEnvelope } from '#event-store';
import type { Collection } from '#read-store';
import { directoryCollection, directoryProjection, type DirectoryEntry } from '../directory/directory.projection.js';
import type { Projection } from '../projection.js';
import {
  allDocs,
  fixedClock,
  openStores,
  RecordingLogger,
  register,
  thirdPartyId,
  type Stores,
} from '../testing/third-party-fixtures.js';
import { parkedEventsCollection } from './parked-events.js';
import { ParkedEventSuperseded, ProjectionRunner, RebuildInterrupted, type ProjectionRunnerOptions } from './projection-runner.js';

let stores: Stores;
let logger: RecordingLogger;
const runners: ProjectionRunner[] = [];

beforeEach(() => {
  stores = openStores();
  logger = new RecordingLogger();
});

afterEach(async () => {
  for (const runner of runners.splice(0)) await runner.stop();
  await stores.close();
});

const newRunner = (options: Partial<ProjectionRunnerOptions> = {}): ProjectionRunner => {
  const runner = new ProjectionRunner({
    store: stores.eventStore,
    readStore: stores.readStore,
    codec: stores.codec,
    projections: [directoryProjection],
    logger,
    clock: fixedClock,
    // These tests count on batchSize: never in catch-up mode unless a test asks for it.
    catchUp: { afterMs: 3_600_000 },
    ...options,
  });
  runners.push(runner);
  return runner;
};

/** The read store, counting the checkpoints saved: one per flush. */
const countingCheckpoints = () => {
  let saves = 0;
  const { readStore } = stores;
  const checkpoints = {
    get: (consumer: string) => readStore.checkpoints.get(consumer),
    reset: (consumer: string) => readStore.checkpoints.reset(consumer),
    save: (consumer: string, position: bigint) => {
      saves += 1;
      return readStore.checkpoints.save(consumer, position);
    },
  };
  const counting: typeof readStore = Object.assign(Object.create(readStore) as typeof readStore, { checkpoints });
  return { readStore: counting, saves: () => saves };
};

const directoryOf = (readStore = stores.readStore): Promise<Collection<DirectoryEntry>> =>
  readStore.collection<DirectoryEntry>(directoryCollection);

const registerMany = async (from: number, to: number): Promise<bigint> => {
  let position = 0n;
  for (let n = from; n <= to; n++) {
    const result = await register(stores, { n, name: `Company ${String(n).padStart(4, '0')}` });
    position = result.position!;
  }
  return position;
};

describe('ProjectionRunner against SQLite stores', () => {
  it('catches up with the log, then applies new events live', async () => {
    const first = await register(stores, { n: 1, name: 'Élodie Martin', kind: 'INDIVIDUAL', roles: ['CUSTOMER'], actorId: 'alice' });
    await register(stores, { n: 2, name: 'Acme', roles: ['PROSPECT', 'SUPPLIER'] });
    const third = await register(stores, { n: 3, name: 'Zoë Industries' });

    const runner = newRunner();
    await runner.start();
    await runner.waitFor(third.position!);

    const directory = await directoryOf();
    expect((await directory.get(thirdPartyId(1)))?.doc).toEqual({
      id: thirdPartyId(1),
      name: 'Élodie Martin',
      nameKey: 'elodie martin',
      nameWords: ['elodie', 'martin'],
      namePrefixes: ['e', 'el', 'elo', 'elod', 'elodi', 'elodie', 'm', 'ma', 'mar', 'mart', 'marti', 'martin'],
      kind: 'INDIVIDUAL',
      roles: ['CUSTOMER'],
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
      customFieldTerms: [],
      archived: false,
      archivedAt: null,
      convertedAt: null,
      lastInteractionAt: null,
      lastInteractionKey: '',
      registeredAt: '2025-01-06T09:00:01.000Z',
      registeredBy: 'alice',
      updatedAt: '2025-01-06T09:00:01.000Z',
      version: '0',
      lastPosition: first.position!.toString(),
    });
    expect((await allDocs(directory)).map((doc) => doc.name)).toEqual(['Élodie Martin', 'Acme', 'Zoë Industries']);
    expect(runner.status()).toEqual([
      { name: 'directory.v2', state: 'running', checkpoint: third.position, error: null, consecutiveFailures: 0 },
    ]);

    const fourth = await register(stores, { n: 4, name: 'Late Arrival', roles: ['CUSTOMER'] });
    await runner.waitFor(fourth.position!);
    const late = await directory.get(thirdPartyId(4));
    expect(late?.doc.name).toBe('Late Arrival');
    expect(late?.position).toBe(fourth.position);
    expect(await stores.readStore.checkpoints.get('directory.v2')).toBe(fourth.position);

    await runner.stop();
    expect(runner.status()[0]?.state).toBe('stopped');
  });

  it('writes in large batches while behind the head of the log, and within maxBatchDelayMs at the head', async () => {
    const head = await registerMany(1, 300);
    await new Promise((resolve) => setTimeout(resolve, 20));

    // Events recorded more than catchUp.afterMs ago: one batch for all of them.
    const behind = countingCheckpoints();
    const catchingUp = newRunner({ readStore: behind.readStore, batchSize: 10, catchUp: { afterMs: 5, batchSize: 1_000, maxDelayMs: 60_000 } });
    await catchingUp.start();
    await catchingUp.waitFor(head);
    expect(behind.saves()).toBe(1);

    // At the head: a batch per batchSize events, or sooner.
    const live = countingCheckpoints();
    const following = newRunner({
      readStore: live.readStore,
      batchSize: 10,
      maxBatchDelayMs: 5,
      catchUp: { afterMs: 1_000, batchSize: 1_000, maxDelayMs: 60_000 },
    });
    await following.rebuild('directory.v2');
    const before = live.saves();
    await following.start();
    const next = await registerMany(301, 340);
    await following.waitFor(next);
    expect(live.saves() - before).toBeGreaterThanOrEqual(4);
  });

  it('rebuilds a projection whose checkpoint is past the head of the log (the log lost its last commits)', async () => {
    await registerMany(1, 12);
    const ahead = newRunner();
    await ahead.start();
    await ahead.waitFor(12n);
    await ahead.stop();

    // The same read store over a log that has only the first 5 of those events, then new ones at the lost positions.
    const shorter = SqliteEventStore.open({ file: path.join(stores.dir, 'shorter.sqlite') });
    try {
      const survivors = await stores.eventStore.readAll({ after: null, maxCount: 5 });
      for (const stored of survivors.events) {
        await shorter.append(stored.streamName, [{ eventId: stored.eventId, type: stored.type, data: stored.data, metadata: stored.metadata }], 'any');
      }
      for (let n = 101; n <= 103; n++) await register({ ...stores, eventStore: shorter }, { n, name: `After the cut ${n}` });

      const runner = newRunner({ store: shorter });
      await runner.start();
      await runner.waitFor(8n);
      await runner.stop();
      const names = (await allDocs(await directoryOf())).map((doc) => doc.name).sort();
      expect(names).toEqual(['After the cut 101', 'After the cut 102', 'After the cut 103', ...[1, 2, 3, 4, 5].map((n) => `Company ${String(n).padStart(4, '0')}`)]);
      expect(logger.errors().some((line) => line.includes('past the head of the log'))).toBe(true);
    } finally {
      await shorter.close();
    }
  });

  it('resumes after a stop and a lost checkpoint, ending exactly where a fresh rebuild ends', async () => {
    const middle = await registerMany(1, 400);
    const head = await registerMany(401, 1000);

    const first = newRunner({ batchSize: 50 });
    await first.start();
    await first.waitFor(middle);
    await first.stop();
    const stoppedAt = await stores.readStore.checkpoints.get('directory.v2');
    expect(stoppedAt).not.toBeNull();
    expect(stoppedAt!).toBeGreaterThanOrEqual(middle);
    expect(stoppedAt!).toBeLessThan(head);
    expect(await (await directoryOf()).count()).toBe(Number(stoppedAt! - middle) + 400);

    // As after a crash between the document writes and the checkpoint: the
    // documents are ahead of the checkpoint, and those events come again.
    await stores.readStore.checkpoints.save('directory.v2', stoppedAt! - 150n);

    const second = newRunner({ batchSize: 64 });
    await second.start();
    await second.waitFor(head);
    await second.stop();

    const freshReadStore = stores.openReadStore('fresh.sqlite');
    const fresh = newRunner({ readStore: freshReadStore });
    const rebuilt = await fresh.rebuild('directory.v2');
    expect(rebuilt.events).toBe(1000);

    const resumed = await allDocs(await directoryOf());
    const scratch = await allDocs(await directoryOf(freshReadStore));
    expect(resumed).toHaveLength(1000);
    expect(new Set(resumed.map((doc) => doc.id)).size).toBe(1000);
    expect(resumed).toEqual(scratch);
    expect(await stores.readStore.checkpoints.get('directory.v2')).toBe(head);
    expect(await freshReadStore.checkpoints.get('directory.v2')).toBe(head);
  });

  it('skips re-delivered events a document already holds, even when a later event follows in the batch', async () => {
    // Not idempotent on purpose: applying an event twice would list its name twice.
    type Tally = { id: string; names: string[] };
    const tally: Projection<Tally> = {
      name: 'tally',
      collection: { name: 'tally', indexes: [] },
      canHandle: (type) => type === 'ThirdPartyRegistered',
      documentId: () => 'all',
      evolve: (doc, envelope) => ({
        id: 'all',
        names: [...(doc?.names ?? []), (envelope as EventEnvelope<ThirdPartyRegistered>).data.name],
      }),
    };
    const head = await registerMany(1, 5);
    const first = newRunner({ projections: [tally] });
    await first.start();
    await first.waitFor(head);
    await first.stop();

    await stores.readStore.checkpoints.save('tally', head - 3n);
    const later = await registerMany(6, 6);
    const second = newRunner({ projections: [tally] });
    await second.start();
    await second.waitFor(later);

    const doc = await (await stores.readStore.collection<Tally>(tally.collection)).get('all');
    expect(doc?.doc.names).toEqual([1, 2, 3, 4, 5, 6].map((n) => `Company ${String(n).padStart(4, '0')}`));
    expect(doc?.position).toBe(later);
  });

  it('rebuild() yields the documents live processing produced', async () => {
    await registerMany(1, 120);
    const runner = newRunner({ batchSize: 25, rebuildPageSize: 40 });
    await runner.start();
    const head = await registerMany(121, 150);
    await runner.waitFor(head);
    const live = await allDocs(await directoryOf());
    expect(live).toHaveLength(150);

    const progress: bigint[] = [];
    const result = await runner.rebuild('directory.v2', {
      onProgress: (done, rebuildHead) => {
        expect(rebuildHead).toBe(head);
        progress.push(done);
      },
    });
    expect(result.events).toBe(150);
    expect(result.durationMs).toBeGreaterThanOrEqual(0);
    expect(progress).toHaveLength(4);
    expect(progress.at(-1)).toBe(head);
    expect(await allDocs(await directoryOf())).toEqual(live);
    expect(runner.status()[0]?.state).toBe('running');

    // Live processing resumed after the rebuild.
    const after = await register(stores, { n: 151, name: 'After the rebuild' });
    await runner.waitFor(after.position!);
    expect((await (await directoryOf()).get(thirdPartyId(151)))?.doc.name).toBe('After the rebuild');
  });

  it('stop() interrupts a rebuild at a page boundary, and the next start finishes it', async () => {
    const head = await registerMany(1, 300);
    const runner = newRunner({ batchSize: 20, rebuildPageSize: 20 });
    let stopping: Promise<void> | null = null;
    const rebuilding = runner.rebuild('directory.v2', {
      onProgress: () => {
        stopping ??= runner.stop();
      },
    });
    await expect(rebuilding).rejects.toThrow(RebuildInterrupted);
    await stopping;
    const reached = await stores.readStore.checkpoints.get('directory.v2');
    expect(reached).not.toBeNull();
    expect(reached!).toBeLessThan(head);
    expect(await (await directoryOf()).count()).toBe(Number(reached));

    const next = newRunner();
    await next.start();
    await next.waitFor(head);
    expect(await (await directoryOf()).count()).toBe(300);
  });

  it('drops the documents of a projection that has no checkpoint (a new version of it) before building them again', async () => {
    const head = await registerMany(1, 2);
    const directory = await directoryOf();
    // Written by an older version: a later position than any event, which the guard would keep for ever.
    await directory.put({ id: thirdPartyId(1), name: 'stale shape' } as unknown as DirectoryEntry, 1_000n);
    await directory.put({ id: 'gone', name: 'no longer in the log' } as unknown as DirectoryEntry, 1_000n);
    const runner = newRunner();
    await runner.start();
    await runner.waitFor(head);
    expect((await allDocs(directory)).map((entry) => entry.name)).toEqual(['Company 0001', 'Company 0002']);
  });

  it('lag() reports head minus checkpoint', async () => {
    const head = await registerMany(1, 10);
    const runner = newRunner();
    expect(await runner.lag()).toEqual([{ name: 'directory.v2', checkpoint: null, head, lagEvents: head }]);

    await runner.start();
    await runner.waitFor(head);
    expect(await runner.lag()).toEqual([{ name: 'directory.v2', checkpoint: head, head, lagEvents: 0n }]);

    await runner.stop();
    const newHead = await registerMany(11, 13);
    expect(await runner.lag()).toEqual([{ name: 'directory.v2', checkpoint: head, head: newHead, lagEvents: newHead - head }]);
    expect(newHead - head).toBe(3n);
  });

  it('waitFor() rejects with the projections still behind when the position is not reached in time', async () => {
    const head = await registerMany(1, 2);
    const runner = newRunner();
    await expect(runner.waitFor(head, 30)).rejects.toThrow(`did not reach position ${head} in time: directory.v2 at none`);
  });

  it('retries with backoff when events come from a newer build, and applies them once upgraded', async () => {
    const before = await register(stores, { n: 1, name: 'Known shape' });
    // Written by a newer Suivi: schema version 3 of ThirdPartyRegistered, one past this build's.
    const newer = new EventCodec({ schemaVersions: { ThirdPartyRegistered: 3 } });
    await stores.eventStore.append(
      'thirdParty-newer',
      [
        newer.encode(
          {
            type: 'ThirdPartyRegistered',
            data: {
              thirdPartyId: 'newer',
              name: 'From the future',
              kind: 'COMPANY',
              roles: [],
              prospectStatus: null,
              leadSource: null,
              territory: null,
              vatNumber: null,
              email: null,
              phone: null,
              website: null,
              address: null,
              paymentTerms: null,
              customFields: {},
              ownerId: null,
              categories: [],
              tags: [],
              registeredAt: '2025-01-07T00:00:00.000Z',
            },
          },
          { actorId: 'bob', occurredAt: '2025-01-07T00:00:00.000Z', commandId: 'c', correlationId: 'c', causationId: null, source: 'api' },
          '00000000-0000-4000-9000-000000000001',
        ),
      ],
      'no_stream',
    );
    const head = (await stores.eventStore.headPosition())!;

    const outdated = newRunner({ retry: { initialDelayMs: 5, maxDelayMs: 20 } });
    await outdated.start();
    await outdated.waitFor(before.position!);
    await waitUntil(() => (outdated.status()[0]?.consecutiveFailures ?? 0) >= 3);
    const status = outdated.status()[0]!;
    expect(status.state).toBe('failed');
    expect(status.error?.name).toBe('UnknownSchemaVersion');
    expect(status.checkpoint).toBe(before.position);
    expect(logger.errors().filter((line) => line.includes('schema version 3'))).not.toHaveLength(0);
    await expect(outdated.waitFor(head, 30)).rejects.toThrow('did not reach');
    await outdated.stop();
    expect(outdated.status()[0]?.state).toBe('stopped');
    expect(await (await directoryOf()).get('newer')).toBeNull();

    const upgraded = newRunner({
      codec: new EventCodec({
        schemaVersions: { ...domainSchemaVersions, ThirdPartyRegistered: 3 },
        upcasters: [...domainUpcasters, { type: 'ThirdPartyRegistered', fromVersion: 2, upcast: (data) => data }],
      }),
    });
    await upgraded.start();
    await upgraded.waitFor(head);
    expect((await (await directoryOf()).get('newer'))?.doc.name).toBe('From the future');
    expect((await (await directoryOf()).get(thirdPartyId(1)))?.doc.name).toBe('Known shape');
  });

  describe('poison events', () => {
    type NameDoc = { id: string; name: string };
    let broken: boolean;
    let poisonCalls: number;

    /** Digests every registration except "Poison Pill" while `broken` is set. */
    const fragile: Projection<NameDoc> = {
      name: 'fragile',
      collection: { name: 'fragile_names', indexes: [] },
      canHandle: (type) => type === 'ThirdPartyRegistered',
      documentId: (event) => (event as EventEnvelope<ThirdPartyRegistered>).data.thirdPartyId,
      evolve: (_doc, envelope) => {
        const event = envelope as EventEnvelope<ThirdPartyRegistered>;
        if (event.data.name === 'Poison Pill') {
          poisonCalls += 1;
          if (broken) throw new Error('cannot digest Poison Pill');
        }
        return { id: event.data.thirdPartyId, name: event.data.name };
      },
    };

    const fragileDocs = async (): Promise<NameDoc[]> =>
      allDocs(await stores.readStore.collection<NameDoc>(fragile.collection));

    beforeEach(() => {
      broken = true;
      poisonCalls = 0;
    });

    it('parks an event after maxAttempts, applies later ones, and replays it once fixed', async () => {
      await register(stores, { n: 1, name: 'Before' });
      const poison = await register(stores, { n: 2, name: 'Poison Pill' });
      const head = (await register(stores, { n: 3, name: 'After' })).position!;

      const runner = newRunner({ projections: [fragile, directoryProjection] });
      await runner.start();
      await runner.waitFor(head);

      expect(poisonCalls).toBe(3);
      expect((await fragileDocs()).map((doc) => doc.name)).toEqual(['Before', 'After']);
      // The other projection is not held back by this one's poison.
      expect(await (await directoryOf()).count()).toBe(3);
      const parked = {
        id: `fragile:${poison.position}`,
        projection: 'fragile',
        position: poison.position!.toString(),
        eventId: poison.events[0]!.eventId,
        type: 'ThirdPartyRegistered',
        streamName: `thirdParty-${thirdPartyId(2)}`,
        error: 'cannot digest Poison Pill',
        attempts: 3,
        parkedAt: '2025-02-01T12:00:00.000Z',
      };
      expect(await runner.listParked('fragile')).toEqual([parked]);
      expect(await runner.listParked()).toEqual([parked]);
      expect(await runner.listParked('directory.v2')).toEqual([]);
      expect(logger.errors()).toContainEqual(expect.stringContaining(`parked ThirdPartyRegistered ${parked.eventId} at position ${poison.position}`));
      expect(runner.status().map((s) => s.state)).toEqual(['running', 'running']);

      // Still broken: the replay fails with the projection's error and the record stays.
      await expect(runner.replayParked('fragile', poison.position!)).rejects.toThrow('cannot digest Poison Pill');
      expect(await runner.listParked('fragile')).toEqual([{ ...parked, attempts: 4 }]);

      broken = false;
      await runner.replayParked('fragile', poison.position!);
      expect((await fragileDocs()).map((doc) => doc.name)).toEqual(['Before', 'Poison Pill', 'After']);
      expect(await runner.listParked()).toEqual([]);
      await expect(runner.replayParked('fragile', poison.position!)).rejects.toThrow('no parked event');

      // The loop came back after the replay.
      const later = await register(stores, { n: 4, name: 'Later' });
      await runner.waitFor(later.position!);
      expect(await fragileDocs()).toHaveLength(4);
    });

    it('parks a still-broken event again on every rebuild, even after an earlier replay removed its record', async () => {
      await register(stores, { n: 1, name: 'Before' });
      const poison = await register(stores, { n: 2, name: 'Poison Pill' });
      const runner = newRunner({ projections: [fragile] });

      await runner.rebuild('fragile');
      expect((await runner.listParked('fragile')).map((p) => p.position)).toEqual([poison.position!.toString()]);

      await runner.rebuild('fragile');
      expect(await runner.listParked('fragile')).toHaveLength(1);

      broken = false;
      await runner.replayParked('fragile', poison.position!);
      expect(await runner.listParked('fragile')).toEqual([]);

      broken = true;
      await runner.rebuild('fragile');
      expect(await runner.listParked('fragile')).toHaveLength(1);
      expect((await fragileDocs()).map((doc) => doc.name)).toEqual(['Before']);
      // One record per parked event, however often it was parked.
      const parked = await stores.readStore.collection(parkedEventsCollection);
      expect(await parked.count()).toBe(1);
    });

    it('refuses to replay a parked event whose document has since applied a later event', async () => {
      type Tally = { id: string; names: string[] };
      const tally: Projection<Tally> = {
        name: 'tally',
        collection: { name: 'tally', indexes: [] },
        canHandle: (type) => type === 'ThirdPartyRegistered',
        documentId: () => 'all',
        evolve: (doc, envelope) => {
          const event = envelope as EventEnvelope<ThirdPartyRegistered>;
          if (broken && event.data.name === 'Poison Pill') throw new Error('cannot digest Poison Pill');
          return { id: 'all', names: [...(doc?.names ?? []), event.data.name] };
        },
      };
      const poison = await register(stores, { n: 1, name: 'Poison Pill' });
      const head = (await register(stores, { n: 2, name: 'Next' })).position!;
      const runner = newRunner({ projections: [tally] });
      await runner.start();
      await runner.waitFor(head);

      broken = false;
      await expect(runner.replayParked('tally', poison.position!)).rejects.toThrow(ParkedEventSuperseded);
      expect(await runner.listParked('tally')).toHaveLength(1);
      expect((await (await stores.readStore.collection<Tally>(tally.collection)).get('all'))?.doc.names).toEqual(['Next']);

      await runner.rebuild('tally');
      expect((await (await stores.readStore.collection<Tally>(tally.collection)).get('all'))?.doc.names).toEqual([
        'Poison Pill',
        'Next',
      ]);
      expect(await runner.listParked('tally')).toEqual([]);
    });
  });
});

describe('ProjectionRunner fan-out', () => {
  type Person = { id: string; thirdPartyId: string; name: string };
  let broken = false;
  /** One document per registration, keyed by a suffix, so an erasure reaches documents other than its own. */
  const people = (fanOutField = 'thirdPartyId'): Projection<Person> => ({
    name: 'people',
    collection: { name: 'people', indexes: ['thirdPartyId'] },
    canHandle: (type) => type === 'ThirdPartyRegistered' || type === 'ThirdPartyForgotten',
    documentId: (event) => (event.type === 'ThirdPartyRegistered' ? `${(event.data as { thirdPartyId: string }).thirdPartyId}:person` : null),
    evolve: (doc, event) => {
      const data = event.data as { thirdPartyId: string; name?: string };
      if (event.type === 'ThirdPartyRegistered') return { id: `${data.thirdPartyId}:person`, thirdPartyId: data.thirdPartyId, name: data.name ?? '' };
      if (broken) throw new Error('cannot erase yet');
      return doc === null ? doc : { ...doc, name: '[erased]' };
    },
    fanOut: (event) =>
      event.type === 'ThirdPartyForgotten' ? [{ field: fanOutField, op: 'eq', value: (event.data as { thirdPartyId: string }).thirdPartyId }] : null,
  });
  const forget = (n: number) =>
    handleCommand({ store: stores.eventStore, codec: stores.codec, ids: stores.ids }, thirdPartyDecider, streams.thirdParty(thirdPartyId(n)), {
      type: 'ForgetThirdParty',
      data: { thirdPartyId: thirdPartyId(n), reason: 'SUBJECT_REQUEST', contactIds: [] },
    }, { actorId: 'dpo', now: new Date(), commandId: 'c', correlationId: 'c', causationId: null, source: 'api' });
  const names = async (): Promise<string[]> =>
    (await allDocs(await stores.readStore.collection<Person>(people().collection))).map((person) => person.name);

  afterEach(() => {
    broken = false;
  });

  it('applies an event to the documents its filters select, page after page, once', async () => {
    await registerMany(1, 3);
    const runner = newRunner({ projections: [people()], fanOutPageSize: 1, idleFlushMs: 5 });
    await runner.start();
    const forgotten = await forget(2);
    await runner.waitFor(forgotten.position!);
    expect(await names()).toEqual(['Company 0001', '[erased]', 'Company 0003']);
    // A rebuild applies it again, to the same documents.
    await runner.rebuild('people');
    expect(await names()).toEqual(['Company 0001', '[erased]', 'Company 0003']);
  });

  it('parks an event whose fan-out fails, and replays it to every document once fixed', async () => {
    await registerMany(1, 2);
    broken = true;
    const runner = newRunner({ projections: [people()], idleFlushMs: 5 });
    await runner.start();
    const forgotten = await forget(1);
    await runner.waitFor(forgotten.position!);
    expect((await runner.listParked('people')).map((record) => record.error)).toEqual(['cannot erase yet']);
    expect(await names()).toEqual(['Company 0001', 'Company 0002']);
    broken = false;
    await runner.replayParked('people', forgotten.position!);
    expect(await names()).toEqual(['[erased]', 'Company 0002']);
  });

  it('parks an event whose fan-out filters on a field the collection does not index', async () => {
    await registerMany(1, 1);
    const runner = newRunner({ projections: [people('name')], idleFlushMs: 5 });
    await runner.start();
    const forgotten = await forget(1);
    await runner.waitFor(forgotten.position!);
    expect((await runner.listParked('people'))[0]?.error).toContain('not a declared index');
  });
});

describe('ProjectionRunner configuration', () => {
  it('refuses two projections with the same name', () => {
    expect(() => newRunner({ projections: [directoryProjection, directoryProjection] })).toThrow('two projections are named directory.v2');
  });

  it('refuses a batch size that is not a positive integer', () => {
    expect(() => newRunner({ batchSize: 0 })).toThrow(RangeError);
  });

  it('names the unknown projection a rebuild was asked for', async () => {
    await expect(newRunner().rebuild('nope')).rejects.toThrow('no projection named nope');
  });
});

async function waitUntil(condition: () => boolean, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}
