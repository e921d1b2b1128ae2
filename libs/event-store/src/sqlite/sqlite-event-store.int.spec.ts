import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import type Database from 'better-sqlite3';
import { EventStoreUnavailable } from '../event-store.port.js';
import { event, eventStoreContract, nextOf, streamName } from '../testing/event-store.contract.js';
import { SqliteEventStore, type SqliteEventStoreOptions } from './sqlite-event-store.js';

const tempDir = (): string => fs.mkdtempSync(path.join(os.tmpdir(), 'suivi-'));

const openSqlite = (durability: 'normal' | 'full') => async () => {
  const dir = tempDir();
  // A directory that does not exist yet: open() creates it.
  const file = path.join(dir, 'data', 'events.sqlite');
  const opened: SqliteEventStore[] = [];
  const openOne = (): SqliteEventStore => {
    const store = SqliteEventStore.open({ file, durability });
    opened.push(store);
    return store;
  };
  return {
    store: openOne(),
    reopen: async () => openOne(),
    cleanup: async () => {
      for (const store of opened) await store.close();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
};

const contractOptions = { startsEmpty: true, eventIdsUniqueAcrossStreams: true };
eventStoreContract('SQLite, synchronous=NORMAL', openSqlite('normal'), contractOptions);
eventStoreContract('SQLite, synchronous=FULL', openSqlite('full'), contractOptions);

describe('SqliteEventStore', () => {
  let dir: string;
  let file: string;
  const stores: SqliteEventStore[] = [];
  const open = (options: Partial<SqliteEventStoreOptions> = {}): SqliteEventStore => {
    const store = SqliteEventStore.open({ file, ...options });
    stores.push(store);
    return store;
  };

  beforeEach(() => {
    dir = tempDir();
    file = path.join(dir, 'events.sqlite');
  });

  afterEach(async () => {
    for (const store of stores.splice(0)) await store.close();
    fs.chmodSync(dir, 0o755);
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('uses WAL with synchronous NORMAL by default and FULL when asked', () => {
    expect(open().settings()).toEqual({ journalMode: 'wal', synchronous: 'NORMAL' });
    expect(open({ durability: 'full' }).settings()).toEqual({ journalMode: 'wal', synchronous: 'FULL' });
  });

  it('hands out gap-free positions to two connections writing at the same time from two threads', async () => {
    open(); // creates the schema before the writers race
    const perWriter = 300;
    const results = await runConcurrentWriters(file, ['alpha', 'beta'], perWriter);

    const positions = results.flatMap((r) => r.positions).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    expect(positions).toEqual(Array.from({ length: 2 * perWriter }, (_, i) => BigInt(i + 1)));

    const reader = open();
    const page = await reader.readAll({ after: null, maxCount: 10_000 });
    expect(page.events.map((e) => e.position)).toEqual(positions);
    // The writers really overlapped: their events alternate in the log.
    const writers = page.events.map((e) => (e.data as { writer: string }).writer);
    const switches = writers.filter((w, i) => i > 0 && w !== writers[i - 1]).length;
    expect(switches).toBeGreaterThan(1);
    // Both wrote to the same streams: every stream's revisions are contiguous.
    for (let s = 0; s < 3; s++) {
      const revisions = (await reader.readStream(`shared-${s}`)).map((e) => e.revision);
      expect(revisions).toEqual(Array.from({ length: revisions.length }, (_, i) => BigInt(i)));
    }
  });

  it('a subscription on one instance sees appends made through another one (polling)', async () => {
    const a = open({ pollIntervalMs: 20 });
    const b = open();
    const stream = streamName('cross');
    const subscription = a.subscribeToAll({ after: null });
    const waiting = nextOf(subscription, [stream]);
    await b.append(stream, [event('FromB')], 'no_stream');
    expect((await waiting).type).toBe('FromB');
    await subscription.close();
  });

  it('wakes a live subscription at once on an append through the same instance', async () => {
    const store = open({ pollIntervalMs: 60_000 });
    const stream = streamName('wake');
    const subscription = store.subscribeToAll({ after: null });
    const waiting = nextOf(subscription, [stream]);
    await new Promise((resolve) => setTimeout(resolve, 20));
    const started = Date.now();
    await store.append(stream, [event('Now')], 'no_stream');
    expect((await waiting).type).toBe('Now');
    expect(Date.now() - started).toBeLessThan(1000);
    await subscription.close();
  });

  it('rejects appends with EventStoreUnavailable on a read-only data file, and still serves reads', async () => {
    const stream = streamName('readonly');
    const writer = SqliteEventStore.open({ file });
    await writer.append(stream, [event('Kept')], 'no_stream');
    await writer.close();

    fs.chmodSync(file, 0o444);
    // Root ignores file permissions: there, open the file read-only instead.
    const permissionsBind = !canWrite(file);
    if (!permissionsBind) {
      process.stdout.write('read-only test: running as a user that file permissions do not bind (root); opening with readonly: true\n');
    }
    const store = open({ readonly: !permissionsBind });

    expect((await store.readStream(stream)).map((e) => e.type)).toEqual(['Kept']);
    expect((await store.readAll({ after: null, maxCount: 10 })).events).toHaveLength(1);
    const failure = await store.append(stream, [event('Refused')], 'any').then(
      () => null,
      (e: unknown) => e,
    );
    expect(failure).toBeInstanceOf(EventStoreUnavailable);
    expect((failure as Error).message).toMatch(/read-only/);
    expect((failure as Error).message).toContain(file);
    await expect(store.deleteStream(stream, 'any')).rejects.toBeInstanceOf(EventStoreUnavailable);
    expect(await store.readStream(stream)).toHaveLength(1);
    fs.chmodSync(file, 0o644);
  });

  it('reports an unusable data directory as EventStoreUnavailable naming the path', () => {
    const blocker = path.join(dir, 'not-a-directory');
    fs.writeFileSync(blocker, '');
    const target = path.join(blocker, 'events.sqlite');
    expect(() => SqliteEventStore.open({ file: target })).toThrow(EventStoreUnavailable);
    expect(() => SqliteEventStore.open({ file: target })).toThrow(blocker);
  });

  it('names the duplicate event id and writes nothing of the batch', async () => {
    const store = open();
    const first = event('First');
    await store.append(streamName('dup'), [first], 'no_stream');
    const stream = streamName('dup');
    await expect(store.append(stream, [event('Ok'), { ...event('Again'), eventId: first.eventId }], 'any')).rejects.toMatchObject({
      name: 'DuplicateEventId',
      eventId: first.eventId,
    });
    const repeated = event('Twice');
    await expect(store.append(stream, [repeated, repeated], 'any')).rejects.toMatchObject({ eventId: repeated.eventId });
    expect(await store.readStream(stream)).toEqual([]);
    expect(await store.headPosition()).toBe(1n);
  });

  describe('group commit', () => {
    it('commits concurrent appends together, each checked against its own expected revision', async () => {
      const store = open();
      const taken = streamName('taken');
      await store.append(taken, [event('Created')], 'no_stream');
      const streams = Array.from({ length: 20 }, (_, i) => streamName(`group${i}`));
      const shared = streamName('shared');
      const duplicate = event('Once');
      const outcomes = await Promise.allSettled([
        ...streams.map((stream) => store.append(stream, [event('A'), event('B')], 'no_stream')),
        store.append(taken, [event('Lost')], 'no_stream'),
        store.append(shared, [event('First')], 'no_stream'),
        store.append(shared, [event('Second')], 0n),
        store.append(streamName('dup1'), [duplicate], 'any'),
        store.append(streamName('dup2'), [duplicate], 'any'),
      ]);
      const failures = outcomes.flatMap((outcome, index) => (outcome.status === 'rejected' ? [[index, (outcome.reason as Error).name]] : []));
      expect(failures).toEqual([
        [20, 'WrongExpectedRevision'],
        [24, 'DuplicateEventId'],
      ]);
      expect((await store.readStream(taken)).map((stored) => stored.type)).toEqual(['Created']);
      expect((await store.readStream(shared)).map((stored) => [stored.type, stored.revision])).toEqual([
        ['First', 0n],
        ['Second', 1n],
      ]);
      // Gap-free and in the order the appends were made.
      const all = await store.readAll({ after: null, maxCount: 1000 });
      expect(all.events.map((stored) => stored.position)).toEqual(all.events.map((_, index) => BigInt(index + 1)));
      expect(all.events.slice(1, 41).map((stored) => stored.streamName)).toEqual(streams.flatMap((stream) => [stream, stream]));
    });

    it('writes a group with fewer pages than the same appends one by one', async () => {
      const walFrames = async (groupCommit: boolean): Promise<number> => {
        const own = path.join(dir, `frames-${groupCommit}.sqlite`);
        const store = SqliteEventStore.open({ file: own, groupCommit });
        stores.push(store);
        await store.append(streamName('warm'), [event('Warm')], 'any');
        const before = walSize(own);
        await Promise.all(Array.from({ length: 100 }, (_, i) => store.append(streamName(`frames${i}`), [event('A')], 'no_stream')));
        return walSize(own) - before;
      };
      const grouped = await walFrames(true);
      const separate = await walFrames(false);
      expect(grouped * 5).toBeLessThan(separate);
    });

    it('refuses a whole group as unavailable when the disk is full, and writes again once there is room', async () => {
      const store = open();
      await store.append(streamName('before'), [event('Before')], 'no_stream');
      // A database that may not grow: SQLite answers SQLITE_FULL, as on a full disk, and
      // may undo the whole transaction, savepoints and all.
      const db = (store as unknown as { db: Database.Database }).db;
      db.pragma(`max_page_count = ${Number(db.pragma('page_count', { simple: true }))}`);
      const big = 'x'.repeat(20_000);
      const outcomes = await Promise.allSettled(
        Array.from({ length: 5 }, (_, i) => store.append(streamName(`full${i}`), [event('Big', { big })], 'no_stream')),
      );
      for (const outcome of outcomes) {
        expect(outcome.status).toBe('rejected');
        expect((outcome as PromiseRejectedResult).reason).toBeInstanceOf(EventStoreUnavailable);
      }
      expect(await store.headPosition()).toBe(1n);
      db.pragma('max_page_count = 1073741823');
      await expect(store.append(streamName('after'), [event('After', { big })], 'no_stream')).resolves.toMatchObject({ position: 2n });
    });

    it('writes the appends it accepted before closing', async () => {
      const store = open();
      const stream = streamName('closing');
      const appended = store.append(stream, [event('Last')], 'no_stream');
      await store.close();
      await expect(appended).resolves.toMatchObject({ nextRevision: 0n });
      const reopened = open();
      expect((await reopened.readStream(stream)).map((stored) => stored.type)).toEqual(['Last']);
    });
  });

  it('refuses to work once closed', async () => {
    const store = open();
    await store.close();
    await expect(store.append(streamName('closed'), [event('A')], 'any')).rejects.toThrow(/closed/);
  });
});

/** Bytes in the store's write-ahead log: what its commits wrote since the last checkpoint. */
function walSize(file: string): number {
  return fs.existsSync(`${file}-wal`) ? fs.statSync(`${file}-wal`).size : 0;
}

function canWrite(file: string): boolean {
  try {
    fs.accessSync(file, fs.constants.W_OK);
    return true;
  } catch {
    return false;
  }
}

interface WriterResult {
  readonly positions: bigint[];
}

/**
 * Runs the real adapter in worker threads, each with its own connection, so the
 * appends truly compete for SQLite's write lock. Workers run outside Jest's
 * transform, so a small loader compiles the TypeScript sources with SWC.
 */
async function runConcurrentWriters(file: string, names: readonly string[], count: number): Promise<WriterResult[]> {
  const scratch = tempDir();
  const require = createRequire(import.meta.url);
  const swc = pathToFileURL(require.resolve('@swc/core')).href;
  const adapter = new URL('./sqlite-event-store.ts', import.meta.url).href;
  const loader = path.join(scratch, 'ts-loader.mjs');
  fs.writeFileSync(
    loader,
    `import { readFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import swc from ${JSON.stringify(swc)};
export async function resolve(specifier, context, next) {
  if (specifier.endsWith('.js') && context.parentURL?.endsWith('.ts') && specifier.startsWith('.')) {
    const ts = new URL(specifier.slice(0, -3) + '.ts', context.parentURL);
    if (existsSync(ts)) return { url: ts.href, shortCircuit: true };
  }
  return next(specifier, context);
}
export async function load(url, context, next) {
  if (!url.endsWith('.ts')) return next(url, context);
  const source = await readFile(new URL(url), 'utf8');
  const { code } = await swc.transform(source, {
    filename: fileURLToPath(url),
    jsc: { parser: { syntax: 'typescript' }, target: 'es2022' },
    module: { type: 'es6' },
  });
  return { format: 'module', source: code, shortCircuit: true };
}
`,
  );
  const worker = path.join(scratch, 'writer.mjs');
  fs.writeFileSync(
    worker,
    `import { register } from 'node:module';
import { randomUUID } from 'node:crypto';
import { parentPort, workerData } from 'node:worker_threads';
import { pathToFileURL } from 'node:url';
register(pathToFileURL(${JSON.stringify(loader)}).href);
const { SqliteEventStore } = await import(${JSON.stringify(adapter)});
const store = SqliteEventStore.open({ file: workerData.file });
parentPort.postMessage({ ready: true });
await new Promise((resolve) => parentPort.once('message', resolve));
const positions = [];
for (let i = 0; i < workerData.count; i++) {
  const event = { eventId: randomUUID(), type: 'Written', data: { writer: workerData.name, i }, metadata: {} };
  const result = await store.append('shared-' + (i % 3), [event], 'any');
  positions.push(result.position);
  // Bursts compete for the write lock; the pauses let the other writer in, since
  // SQLite's busy handler sleeps and a writer in a tight loop would starve it.
  if (i % 10 === 9) await new Promise((resolve) => setTimeout(resolve, 1));
}
await store.close();
parentPort.postMessage({ positions });
`,
  );

  try {
    const workers = names.map((name) => new Worker(worker, { workerData: { file, name, count } }));
    const ready = workers.map((w) => waitForMessage<{ ready: true }>(w));
    const done: Promise<WriterResult>[] = [];
    await Promise.all(ready);
    for (const w of workers) {
      done.push(waitForMessage<WriterResult>(w));
      w.postMessage('go');
    }
    const results = await Promise.all(done);
    await Promise.all(workers.map((w) => w.terminate()));
    return results;
  } finally {
    fs.rmSync(scratch, { recursive: true, force: true });
  }
}

function waitForMessage<T>(worker: Worker): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const onMessage = (message: T): void => {
      worker.off('error', reject);
      resolve(message);
    };
    worker.once('message', onMessage);
    worker.once('error', reject);
    worker.once('exit', (code) => reject(new Error(`writer thread exited with code ${code}`)));
  });
}
