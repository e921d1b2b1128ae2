import { fork } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { MongoClient } from 'mongodb';
import { SqliteEventStore } from '#event-store';
import { ProjectionRunner, projections } from '#projections';
import { MongoReadStore, type ReadStore } from '#read-store';
import { openBenchCodec } from '../support/bench-codec.js';
import { quietLogger, type BenchContext } from '../support/bench-context.js';
import type { CatchUpReport } from '../catch-up.child.js';
import { cachedEntry, copyFiles, storeEntry } from '../data/data-set.cache.js';
import { READ_FILE } from '../data/data-set.js';
import { measured, withoutValue, type FigureResult, type FigureSpec } from '../support/bench-report.js';
import { formatNumber } from '../support/stats.js';

export const catchUpSqlite: FigureSpec = {
  id: 'catch-up',
  figure: 'projection catch-up, all projections, SQLite read store',
  unit: 'events/s',
  target: { comparison: '>=', value: 50_000 },
  targetText: '>= 50,000 events/s',
};

export const catchUpMongo: FigureSpec = {
  id: 'catch-up-mongodb',
  figure: 'projection catch-up, all projections, MongoDB read store',
  unit: 'events/s',
  target: null,
  targetText: 'measured',
};

/** Batch size of the catch-up's second phase, once the worker's defaults have been timed. */
const COMPLETION_BATCH = 20_000;
const POLL_MS = 250;

/**
 * What a fresh deployment does on its first start: every projection follows
 * the log from position 0 with its own subscription until it reaches the head
 * (ProjectionRunner.start with the worker's defaults), into an empty read
 * store, in a child process. When that is not done within the time budget, the
 * rate so far is the figure (the slowest projection's checkpoint over the
 * time), and the rest of the catch-up runs with a larger batch so the query
 * figures get a complete read store. Leaves it in the data directory.
 */
export async function measureSqliteCatchUp(ctx: BenchContext): Promise<FigureResult> {
  for (const suffix of ['', '-wal', '-shm']) fs.rmSync(`${ctx.data.readFile}${suffix}`, { force: true });
  const budget = ctx.options.sizes.catchUpBudgetSeconds;
  const timed = await catchUpInChild(ctx, 'default', budget);
  ctx.log(`  worker defaults: ${formatNumber(timed.applied)} of ${formatNumber(timed.head)} events in ${formatNumber(timed.seconds, 1)} s${timed.complete ? '' : ' (time budget reached)'}`);
  let completion: ChildCatchUp | null = null;
  const cache = ctx.data.cache;
  const cached = cache === null ? null : cachedEntry(cache.readModels, [READ_FILE]);
  if (!timed.complete && cached !== null) {
    copyFiles(cached, ctx.data.dir, [READ_FILE]);
    ctx.log(`  the read models of this build and log are cached: copied the complete read store from ${cached}`);
  } else if (!timed.complete) {
    completion = await catchUpInChild(ctx, String(COMPLETION_BATCH), null);
    const events = completion.applied - timed.applied;
    ctx.log(`  the rest with batchSize ${formatNumber(COMPLETION_BATCH)}: ${formatNumber(events)} events in ${formatNumber(completion.seconds, 1)} s (${formatNumber(events / completion.seconds)} events/s)`);
  }
  if (cache !== null && cached === null) storeEntry(cache.readModels, ctx.data.dir, [READ_FILE]);
  const rate = timed.applied / timed.seconds;
  const display = timed.complete
    ? `${formatNumber(rate)} events/s (${formatNumber(timed.applied)} events in ${formatNumber(timed.seconds, 1)} s)`
    : `${formatNumber(rate)} events/s (first ${formatNumber(timed.seconds, 0)} s: ${formatNumber(timed.applied)} of ${formatNumber(timed.head)} events)`;
  return measured(catchUpSqlite, rate, display, ctx.compare, {
    workerDefaults: timed,
    completion: completion === null ? null : { ...completion, batchSize: COMPLETION_BATCH, eventsPerSecond: (completion.applied - timed.applied) / completion.seconds },
    budgetSeconds: budget,
    projections: projections.map((p) => p.name),
    readStoreBytes: fileSize(ctx.data.readFile),
  });
}

interface ChildCatchUp {
  readonly complete: boolean;
  /** Events every projection has applied (the slowest checkpoint; positions are contiguous on SQLite). */
  readonly applied: number;
  readonly head: number;
  readonly seconds: number;
}

const CHILD = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'catch-up.child.js');

async function catchUpInChild(ctx: BenchContext, batch: string, budgetSeconds: number | null): Promise<ChildCatchUp> {
  const head = await headOf(ctx.data.eventsFile);
  const startedAt = performance.now();
  const child = fork(CHILD, [ctx.data.eventsFile, ctx.data.readFile, batch], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  let report: CatchUpReport | null = null;
  child.on('message', (message) => (report = message as CatchUpReport));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  let exitCode: number | null | undefined;
  void exited.then((code) => (exitCode = code));
  const deadline = budgetSeconds === null ? Number.POSITIVE_INFINITY : startedAt + budgetSeconds * 1000;
  while (exitCode === undefined && performance.now() < deadline) await sleep(POLL_MS);
  let seconds = (performance.now() - startedAt) / 1000;
  if (exitCode === undefined) {
    // SIGKILL mid-batch is what a crash does: the read store keeps what was committed, checkpoints included.
    child.kill('SIGKILL');
    await exited;
  } else if (exitCode !== 0) {
    throw new Error(`the catch-up process failed (exit code ${exitCode})`);
  }
  const applied = slowestCheckpoint(ctx.data.readFile);
  const finished = report as CatchUpReport | null;
  if (finished !== null) seconds = finished.seconds;
  return { complete: finished !== null, applied, head, seconds };
}

async function headOf(eventsFile: string): Promise<number> {
  const store = SqliteEventStore.open({ file: eventsFile, readonly: true });
  try {
    return Number((await store.headPosition()) ?? 0n);
  } finally {
    await store.close();
  }
}

function slowestCheckpoint(readFile: string): number {
  if (!fs.existsSync(readFile)) return 0;
  const db = new Database(readFile, { readonly: true });
  try {
    const rows = db.prepare<[], { consumer: string; position: number }>('SELECT consumer, position FROM checkpoints').all();
    const byName = new Map(rows.map((row) => [row.consumer, Number(row.position)]));
    return Math.min(...projections.map((projection) => byName.get(projection.name) ?? 0));
  } catch {
    return 0;
  } finally {
    db.close();
  }
}

const fileSize = (file: string): number => (fs.existsSync(file) ? fs.statSync(file).size : 0);

/**
 * The same into MongoDB, when MONGODB_URL names one, in a database of its own
 * that is dropped afterwards. The wire-protocol servers a test machine runs may
 * be far slower than MongoDB, so the run stops after a time budget and reports
 * the rate reached so far.
 */
export async function measureMongoCatchUp(ctx: BenchContext): Promise<FigureResult> {
  const url = process.env['MONGODB_URL'];
  if (!url) return withoutValue(catchUpMongo, 'skipped', 'MONGODB_URL not set');
  const database = `suivi_bench_${process.pid}_${Date.now()}`;
  let readStore: MongoReadStore | null = null;
  try {
    readStore = await MongoReadStore.connect({ url, database });
    const result = await catchUp(ctx, readStore, ctx.options.sizes.mongoSeconds * 1000);
    const display =
      `${formatNumber(result.eventsPerSecond)} events/s (${formatNumber(result.events)} events in ${formatNumber(result.seconds, 1)} s` +
      `${result.complete ? '' : `, stopped after ${ctx.options.sizes.mongoSeconds} s`})`;
    return measured(catchUpMongo, result.eventsPerSecond, display, ctx.compare, { ...result, server: redact(url) });
  } catch (error) {
    return withoutValue(catchUpMongo, 'error', error instanceof Error ? error.message : String(error));
  } finally {
    await readStore?.close();
    const client = new MongoClient(url);
    try {
      await client.connect();
      await client.db(database).dropDatabase();
    } catch {
      // The figure already says what failed; a database left behind is only clutter.
    } finally {
      await client.close();
    }
  }
}

interface CatchUp {
  readonly events: number;
  readonly seconds: number;
  readonly eventsPerSecond: number;
  readonly complete: boolean;
  readonly head: string;
}

async function catchUp(ctx: BenchContext, readStore: ReadStore, budgetMs: number | null): Promise<CatchUp> {
  const store = SqliteEventStore.open({ file: ctx.data.eventsFile });
  const codec = openBenchCodec(ctx.data.eventsFile);
  const runner = new ProjectionRunner({ store, readStore, codec, logger: quietLogger(ctx.log) });
  try {
    const head = (await store.headPosition()) ?? 0n;
    const startedAt = performance.now();
    await runner.start();
    let complete = true;
    if (budgetMs === null) {
      await runner.waitFor(head, 3_600_000);
    } else {
      complete = await runner.waitFor(head, budgetMs).then(
        () => true,
        () => false,
      );
    }
    const seconds = (performance.now() - startedAt) / 1000;
    // Positions are contiguous on SQLite: the slowest checkpoint counts the events every projection applied.
    const reached = runner.status().reduce((min, status) => (status.checkpoint === null || status.checkpoint < min ? (status.checkpoint ?? 0n) : min), head);
    await runner.stop();
    const events = Number(reached);
    return { events, seconds, eventsPerSecond: events / seconds, complete, head: head.toString() };
  } finally {
    await runner.stop();
    await store.close();
    await codec.close();
  }
}

const redact = (url: string): string => url.replace(/\/\/[^@/]*@/, '//***@');
