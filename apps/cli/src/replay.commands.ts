import { existsSync, mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { Command } from 'commander';
import cliProgress from 'cli-progress';
import {
  type AllSubscription,
  type AppendResult,
  type EventCodec,
  type EventStore,
  type ReadAllOptions,
  type ReadAllPage,
  type StoredEvent,
} from '#event-store';
import { EVENT_STORE_FILE, KEY_STORE_FILE, loadConfig, openCodec, READ_STORE_FILE } from '#platform';
import { handledAt, ProjectionRunner, projections as allProjections, type Projection } from '#projections';
import { SqliteReadStore } from '#read-store';
import { openLiveLogForReading } from './cli-stores.js';

/**
 * `suivi replay --until DATE --projection NAME --out DIR`: a read model as it
 * stood at a past instant, rebuilt into a SQLite read store of its own in DIR.
 * The live stores are only read: the event log is opened read-only (SQLite) and
 * the live read store is not opened at all.
 *
 * "As it stood at DATE" means what Suivi knew then: the log is cut at the first
 * event handled after DATE (metadata.occurredAt, the instant its command was
 * handled), so the replay holds exactly a prefix of the log, as a projection
 * would have seen it and as a copy of the store taken at DATE holds. The same
 * cut as the metrics' as-of (`handledAt`, docs/decisions/0031) and the
 * per-stream as-of views (0010), so that a replayed read model and a metric as
 * of the same instant agree. Not recordedAt: the store's own clock cannot be
 * injected, so a history written under a fixed clock (tests, the bench) would
 * have no reproducible past; the two differ by the milliseconds of one append.
 * Business dates in the data (an exchange's occurredAt, a conversion's
 * convertedAt) are not used either: a fact entered late would then appear in a
 * past that did not know it.
 */
export interface ReplaySession {
  readonly store: EventStore;
  readonly codec: EventCodec;
  /** The live data directory (SQLite stores): DIR must not be it. */
  readonly dataDir: string;
}

export interface ReplayArgs {
  readonly until: string;
  /** A projection's full or base name, or `all`. */
  readonly projection: string;
  readonly out: string;
  readonly force?: boolean;
}

export interface ReplayOutput {
  out(line: string): void;
  note(line: string): void;
  /** Whether to draw a progress bar (a terminal on standard error). */
  readonly progress: boolean;
}

export interface ReplayResult {
  readonly until: Date;
  /** The last event of the prefix (and when its command was handled); null when none was handled by `until`. */
  readonly last: { readonly position: bigint; readonly handledAt: Date } | null;
  readonly projections: readonly { readonly name: string; readonly events: number; readonly durationMs: number }[];
  readonly parked: number;
  readonly readStoreFile: string;
}

/** Written next to the read store, for whoever opens it later. */
export const REPLAY_MANIFEST_FILE = 'replay.json';

const standardOutput: ReplayOutput = {
  out: (line) => process.stdout.write(`${line}\n`),
  note: (line) => process.stderr.write(`${line}\n`),
  progress: process.stderr.isTTY === true,
};

/**
 * An instant given on the command line: an ISO-8601 date-time with its offset
 * (`2026-03-01T09:30:00Z`, `…+01:00`), or a date alone, read as the start of that
 * day in UTC. A date-time without an offset is refused: it would mean a
 * different instant on each machine.
 */
export function parseInstant(option: string, raw: string): Date {
  const value = raw.trim();
  const dateOnly = /^\d{4}-\d{2}-\d{2}$/.test(value);
  const withOffset = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/i.test(value);
  if (!dateOnly && !withOffset) {
    throw new Error(`${option} must be a date (2026-03-01, read as 00:00 UTC) or a date-time with its offset (2026-03-01T09:30:00Z), got "${raw}"`);
  }
  const instant = new Date(dateOnly ? `${value}T00:00:00Z` : value);
  if (Number.isNaN(instant.getTime())) throw new Error(`${option} is not a valid date: "${raw}"`);
  // Date() rolls 2026-02-30 over to March: refuse what the calendar does not have.
  if (instant.toISOString().slice(0, 10) !== value.slice(0, 10) && (dateOnly || /Z$/i.test(value))) {
    throw new Error(`${option} is not a valid date: "${raw}"`);
  }
  return instant;
}

/** The projections `name` designates: one by its full or base name, or every one for `all`. */
export function selectProjections(name: string, from: readonly Projection[] = allProjections): Projection[] {
  const wanted = name.trim();
  if (wanted === 'all') return [...from];
  const found = from.find((p) => p.name === wanted || p.name.split('.')[0] === wanted);
  if (!found) {
    throw new Error(`no projection named "${wanted}": give one of ${from.map((p) => p.name.split('.')[0]).join(', ')}, or all`);
  }
  return [found];
}

/**
 * The log as it stood at `until`: a read-only view of another store that ends
 * at the first event handled after `until`. Given to a ProjectionRunner, its
 * rebuild applies exactly that prefix, with the runner's own handling of
 * erasures, fan-outs, chains and parked events.
 */
export class LogAsOf implements EventStore {
  private lastIncluded: StoredEvent | null = null;
  private cutAt: bigint | null = null;

  constructor(
    private readonly inner: EventStore,
    readonly until: Date,
  ) {}

  /** The last event handed out so far. */
  get last(): StoredEvent | null {
    return this.lastIncluded;
  }

  async readAll(options: ReadAllOptions): Promise<ReadAllPage> {
    if (this.cutAt !== null && (options.after ?? 0n) >= this.cutAt) return { events: [], lastPosition: options.after, isEnd: true };
    const page = await this.inner.readAll(options);
    const limit = this.until.getTime();
    // Negated so that an event without a handling instant (NaN) ends the prefix, as logPrefix does.
    const cut = page.events.findIndex((event) => !(handledAt(event) <= limit));
    const events = cut === -1 ? page.events : page.events.slice(0, cut);
    const last = events.at(-1);
    if (last && (this.lastIncluded === null || last.position > this.lastIncluded.position)) this.lastIncluded = last;
    if (cut !== -1) {
      // Remembered so that a later read (another projection's rebuild) stops at the same place without reading on.
      this.cutAt = page.events[cut]!.position;
      return { events, lastPosition: last?.position ?? options.after, isEnd: true };
    }
    return { events, lastPosition: page.lastPosition, isEnd: page.isEnd };
  }

  /**
   * The position of the last event handled by `until`, found by bisection on
   * positions (log n reads of one event). It assumes handling instants grow with
   * the position, which writers' skewed clocks can break: it only sizes the
   * progress bar, the cut itself is made by readAll.
   */
  async headPosition(): Promise<bigint | null> {
    const head = await this.inner.headPosition();
    if (head === null) return null;
    const limit = this.until.getTime();
    let lo = 0n;
    let hi = head;
    while (lo < hi) {
      const mid = (lo + hi + 1n) / 2n;
      const [event] = (await this.inner.readAll({ after: mid - 1n, maxCount: 1 })).events;
      if (event && event.position <= hi && handledAt(event) <= limit) lo = event.position;
      else hi = mid - 1n;
    }
    return lo === 0n ? null : lo;
  }

  readStream(): Promise<StoredEvent[]> {
    return Promise.reject(new Error('a replay reads the global log only'));
  }

  subscribeToAll(): AllSubscription {
    throw new Error('a replay reads the log up to a past instant; it does not follow it');
  }

  append(): Promise<AppendResult> {
    return Promise.reject(new Error('a replay never writes to the event log'));
  }

  deleteStream(): Promise<void> {
    return Promise.reject(new Error('a replay never writes to the event log'));
  }

  async close(): Promise<void> {
    // The inner store belongs to the caller.
  }
}

/**
 * DIR, ready for a new replay: created when missing; when not empty, refused
 * unless `force`, which removes only what a replay writes there. A directory
 * holding an event log is refused whatever `force` says: it is a data
 * directory, maybe the live one.
 */
function prepareOutput(dir: string, liveDataDir: string, force: boolean): string {
  const resolved = path.resolve(dir);
  if (resolved === path.resolve(liveDataDir)) {
    throw new Error(`--out ${dir} is the live data directory (SUIVI_DATA_DIR): give a directory of its own for the replay`);
  }
  if (existsSync(path.join(resolved, EVENT_STORE_FILE)) || existsSync(path.join(resolved, KEY_STORE_FILE))) {
    throw new Error(`--out ${dir} holds ${EVENT_STORE_FILE} or ${KEY_STORE_FILE}: it is a data directory, which a replay must not touch; give another directory`);
  }
  if (existsSync(resolved)) {
    const entries = readdirSync(resolved);
    if (entries.length > 0 && !force) {
      throw new Error(`--out ${dir} is not empty (${entries.slice(0, 3).join(', ')}${entries.length > 3 ? ', …' : ''}): give an empty or new directory, or --force to replace the replay there`);
    }
    for (const file of [READ_STORE_FILE, `${READ_STORE_FILE}-wal`, `${READ_STORE_FILE}-shm`, REPLAY_MANIFEST_FILE]) {
      rmSync(path.join(resolved, file), { force: true });
    }
  } else {
    mkdirSync(resolved, { recursive: true });
  }
  return resolved;
}

const quietLogger = (output: ReplayOutput) => ({
  log: () => undefined,
  warn: (message: string) => output.note(`warning: ${message}`),
  error: (message: string) => output.note(`error: ${message}`),
});

export async function replay(session: ReplaySession, args: ReplayArgs, output: ReplayOutput = standardOutput): Promise<ReplayResult> {
  const until = parseInstant('--until', args.until);
  const selected = selectProjections(args.projection);
  const dir = prepareOutput(args.out, session.dataDir, args.force === true);
  const log = new LogAsOf(session.store, until);
  const readStoreFile = path.join(dir, READ_STORE_FILE);
  const readStore = SqliteReadStore.open({ file: readStoreFile });
  // Rebuild pages are flushed every batchSize events: larger batches rewrite each index page less often.
  const runner = new ProjectionRunner({ store: log, readStore, codec: session.codec, projections: selected, logger: quietLogger(output), batchSize: 5_000 });
  const bar = output.progress
    ? new cliProgress.SingleBar(
        { format: 'replay [{bar}] {percentage}% | {value}/{total} | {rate} ev/s | ETA {eta_formatted}', etaBuffer: 50, stream: process.stderr },
        cliProgress.Presets.shades_classic,
      )
    : null;
  try {
    const head = await log.headPosition();
    if (head === null) {
      output.note(`no event was handled at or before ${until.toISOString()}: the replay holds empty read models`);
    }
    // One after the other: each decodes only the events it handles, and run together they
    // drift apart further than the runner's cache of decoded events reaches (measured: the
    // bench's quick data set replays in about half the time this way).
    const total = Number(head ?? 0n) * selected.length;
    const started = Date.now();
    bar?.start(Math.max(total, 1), 0, { rate: 0 });
    const results: { name: string; events: number; durationMs: number }[] = [];
    for (const [index, projection] of selected.entries()) {
      const result = await runner.rebuild(projection.name, {
        onProgress: (position) => {
          if (!bar) return;
          const value = index * Number(head ?? 0n) + Number(position);
          bar.setTotal(Math.max(total, value, 1));
          bar.update(value, { rate: Math.round(value / Math.max((Date.now() - started) / 1000, 0.001)) });
        },
      });
      results.push({ name: projection.name, ...result });
    }
    bar?.stop();
    const parked = (await runner.listParked()).length;
    const last = log.last === null ? null : { position: log.last.position, handledAt: new Date(handledAt(log.last)) };
    writeFileSync(
      path.join(dir, REPLAY_MANIFEST_FILE),
      `${JSON.stringify(
        {
          format: 'suivi.replay.v1',
          until: until.toISOString(),
          cut: 'the longest prefix of the log whose events were handled (metadata.occurredAt) at or before `until`',
          lastEvent: last === null ? null : { position: last.position.toString(), handledAt: last.handledAt.toISOString() },
          readStore: READ_STORE_FILE,
          projections: results.map((r) => ({ name: r.name, eventsRead: r.events, durationMs: r.durationMs })),
          parkedEvents: parked,
        },
        null,
        2,
      )}\n`,
    );
    const seconds = Math.max((Date.now() - started) / 1000, 0.001);
    const events = results[0]?.events ?? 0;
    output.out(
      `replayed ${selected.length === 1 ? results[0]!.name : `${selected.length} projections`} as of ${until.toISOString()}: ` +
        (last === null ? 'no event' : `${events} events up to position ${last.position} (handled ${last.handledAt.toISOString()})`) +
        ` in ${seconds.toFixed(1)} s (${Math.round(events / seconds)} events/s) → ${readStoreFile}`,
    );
    if (selected.length > 1) for (const r of results) output.out(`  ${r.name.padEnd(24)} ${(r.durationMs / 1000).toFixed(1)} s`);
    if (parked > 0) {
      output.note(`warning: ${parked} events failed in a projection and were set aside: the replay's read models lack them (see the parked_events collection in ${readStoreFile})`);
    }
    return { until, last, projections: results, parked, readStoreFile };
  } finally {
    bar?.stop();
    await runner.stop();
    await readStore.close();
  }
}

/** The live log opened for reading only; the codec reads the subject keys. */
export async function withReplaySession<T>(work: (session: ReplaySession) => Promise<T>): Promise<T> {
  const config = loadConfig();
  const store = openLiveLogForReading(config);
  const codec = await openCodec(config);
  try {
    return await work({ store, codec, dataDir: config.dataDir });
  } finally {
    await codec.close();
    await store.close();
  }
}

export function registerReplayCommands(program: Command): void {
  program
    .command('replay')
    .requiredOption('--until <date>', 'the instant to rebuild as of: 2026-03-01 (00:00 UTC) or 2026-03-01T09:30:00Z; the log is cut at the first event handled after it')
    .requiredOption('--projection <name>', `a projection (${allProjections.map((p) => p.name.split('.')[0]).join(', ')}) or all`)
    .requiredOption('--out <dir>', 'a new or empty directory for the replay read store (read.sqlite) and replay.json')
    .option('--force', 'replace the replay already in --out')
    .description('rebuild read models as of a past instant into a separate SQLite read store; the live stores are only read')
    .action((options: { until: string; projection: string; out: string; force?: boolean }) =>
      withReplaySession(async (session) => {
        await replay(session, options);
      }),
    );
}
