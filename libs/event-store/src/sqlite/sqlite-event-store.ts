import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import {
  EventStoreUnavailable,
  StreamDeleted,
  WrongExpectedRevision,
  type AllSubscription,
  type AppendResult,
  type EventStore,
  type ExpectedRevision,
  type NewEvent,
  type ReadAllOptions,
  type ReadAllPage,
  type ReadStreamOptions,
  type StoredEvent,
  type SubscribeOptions,
} from '../event-store.port.js';
import { DuplicateEventId, NothingToAppend } from './append-errors.js';
import { SerialSubscription } from '../serial-subscription.js';

export interface SqliteEventStoreOptions {
  /** Path of the database file; its directory is created when missing. */
  readonly file: string;
  /**
   * 'normal' (default): synchronous=NORMAL — in WAL mode a power loss can lose the
   * last commits but never corrupts the log. 'full': every commit is fsynced.
   */
  readonly durability?: 'normal' | 'full';
  /** How often a live subscription looks for appends made by other connections. Default 50 ms. */
  readonly pollIntervalMs?: number;
  /** How long a writer waits for another process holding the write lock. Default 5000 ms. */
  readonly busyTimeoutMs?: number;
  /** Open without write access (a reporting replica, or a volume mounted read-only). */
  readonly readonly?: boolean;
  /**
   * Group commit (default true): appends that arrive while the event loop is
   * busy are committed together, one transaction and one sync for all of
   * them, each still checked against its own expected revision.
   */
  readonly groupCommit?: boolean;
}

interface PendingAppend {
  readonly streamName: string;
  readonly events: readonly NewEvent[];
  readonly expected: ExpectedRevision;
  readonly resolve: (result: AppendResult) => void;
  readonly reject: (error: unknown) => void;
}

/**
 * Read as plain numbers, converted once here: a log never reaches 2^53 events,
 * and letting the driver make a BigInt of every integer column of every row
 * was a fifth of the time of reading the log back.
 */
interface EventRow {
  global_position: number;
  event_id: string;
  stream_name: string;
  stream_revision: number;
  type: string;
  data: string;
  metadata: string;
  recorded_at: number;
}

interface StreamRow {
  revision: bigint;
  deleted: bigint;
}

const SCHEMA = `
  -- global_position is the rowid: SQLite gives a new row max(rowid) + 1, decided
  -- under the write lock. Events are never deleted (stream deletion is a flag), so
  -- positions are contiguous and never reused; AUTOINCREMENT would only add a
  -- sqlite_sequence write to every append.
  CREATE TABLE IF NOT EXISTS events (
    global_position INTEGER PRIMARY KEY,
    event_id        TEXT    NOT NULL UNIQUE,
    stream_name     TEXT    NOT NULL,
    stream_revision INTEGER NOT NULL,
    type            TEXT    NOT NULL,
    data            TEXT    NOT NULL,
    metadata        TEXT    NOT NULL,
    recorded_at     INTEGER NOT NULL, -- milliseconds since the Unix epoch
    UNIQUE (stream_name, stream_revision)
  );
  CREATE TABLE IF NOT EXISTS streams (
    stream_name TEXT    PRIMARY KEY,
    revision    INTEGER NOT NULL, -- revision of the last event, -1 when deleted before any event
    deleted     INTEGER NOT NULL DEFAULT 0
  ) WITHOUT ROWID;
`;

const EVENT_COLUMNS =
  'global_position, event_id, stream_name, stream_revision, type, data, metadata, recorded_at';
const MAX_REVISION = 9223372036854775807n;

/**
 * Pages the subscriptions read lately. Every projection follows the log with a
 * subscription of its own, and they advance together (one process, one event
 * loop), so one read and one parse of a page serves them all.
 */
const SHARED_PAGES = 32;

interface SharedPage {
  /** The page holds every event after this position up to its last one. */
  readonly after: bigint;
  readonly events: readonly StoredEvent[];
}

/**
 * The embedded EventStore: one SQLite file in WAL mode. Every append is one
 * BEGIN IMMEDIATE transaction, so positions are handed out under the write lock
 * and become visible all at once on commit: a reader can never see position n+1
 * before position n, whichever process wrote them.
 */
export class SqliteEventStore implements EventStore {
  private readonly subscriptions = new Set<SqliteAllSubscription>();
  private readonly sharedPages: SharedPage[] = [];
  private appendWaiters = new Set<() => void>();
  private closed = false;
  private pendingAppends: PendingAppend[] = [];
  private readonly groupTx: (pending: readonly PendingAppend[]) => (AppendResult | { readonly failed: unknown })[];

  private readonly selectStream: Database.Statement<[string], StreamRow>;
  private readonly insertEvent: Database.Statement<[string, string, bigint, string, string, string, number]>;
  private readonly upsertStream: Database.Statement<[string, bigint]>;
  private readonly markDeleted: Database.Statement<[string, bigint]>;
  private readonly selectEventId: Database.Statement<[string], { n: bigint }>;
  private readonly readForwards: Database.Statement<[string, bigint, number], EventRow>;
  private readonly readBackwards: Database.Statement<[string, bigint, number], EventRow>;
  private readonly readAfter: Database.Statement<[bigint, number], EventRow>;
  private readonly selectHead: Database.Statement<[], { head: bigint | null }>;
  private readonly appendTx: (streamName: string, events: readonly NewEvent[], expected: ExpectedRevision) => AppendResult;
  private readonly deleteTx: (streamName: string, expected: ExpectedRevision) => void;

  private constructor(
    private readonly db: Database.Database,
    private readonly file: string,
    private readonly pollIntervalMs: number,
    private readonly busyTimeoutMs: number,
    private readonly groupCommit: boolean,
  ) {
    const prepare = <P extends unknown[], R = unknown>(sql: string) => db.prepare<P, R>(sql).safeIntegers(true);
    const prepareRows = <P extends unknown[]>(sql: string) => db.prepare<P, EventRow>(sql).safeIntegers(false);
    this.selectStream = prepare('SELECT revision, deleted FROM streams WHERE stream_name = ?');
    this.insertEvent = prepare(
      `INSERT INTO events (event_id, stream_name, stream_revision, type, data, metadata, recorded_at)
       VALUES (?, ?, ?, ?, ?, ?, ?)`,
    );
    this.upsertStream = prepare(
      `INSERT INTO streams (stream_name, revision) VALUES (?, ?)
       ON CONFLICT (stream_name) DO UPDATE SET revision = excluded.revision`,
    );
    this.markDeleted = prepare(
      `INSERT INTO streams (stream_name, revision, deleted) VALUES (?, ?, 1)
       ON CONFLICT (stream_name) DO UPDATE SET deleted = 1`,
    );
    this.selectEventId = prepare('SELECT count(*) AS n FROM events WHERE event_id = ?');
    this.readForwards = prepareRows(
      `SELECT ${EVENT_COLUMNS} FROM events WHERE stream_name = ? AND stream_revision >= ?
       ORDER BY stream_revision ASC LIMIT ?`,
    );
    this.readBackwards = prepareRows(
      `SELECT ${EVENT_COLUMNS} FROM events WHERE stream_name = ? AND stream_revision <= ?
       ORDER BY stream_revision DESC LIMIT ?`,
    );
    this.readAfter = prepareRows(
      `SELECT ${EVENT_COLUMNS} FROM events WHERE global_position > ? ORDER BY global_position ASC LIMIT ?`,
    );
    this.selectHead = prepare('SELECT max(global_position) AS head FROM events');

    this.appendTx = db.transaction((streamName: string, events: readonly NewEvent[], expected: ExpectedRevision) => {
      const current = this.currentRevision(streamName);
      checkExpected(streamName, expected, current);
      const recordedAt = Date.now();
      let revision = current ?? -1n;
      let position = 0n;
      for (const event of events) {
        revision += 1n;
        const info = this.insertEvent.run(
          event.eventId,
          streamName,
          revision,
          event.type,
          JSON.stringify(event.data),
          JSON.stringify(event.metadata),
          recordedAt,
        );
        position = BigInt(info.lastInsertRowid);
      }
      this.upsertStream.run(streamName, revision);
      return { nextRevision: revision, position };
    }).immediate;

    // Each append of a group in a savepoint of its own (a nested transaction):
    // one that fails, on its expected revision or a duplicate event id, is
    // undone alone and the others commit.
    this.groupTx = db.transaction((pending: readonly PendingAppend[]) =>
      pending.map((append) => {
        const outcome = this.appendOne(append);
        // SQLite undoes the whole transaction on some errors (a full disk, an I/O
        // error): then nothing of the group is written, and the group fails as one.
        if ('failed' in outcome && !db.inTransaction) throw outcome.failed;
        return outcome;
      }),
    ).immediate;

    this.deleteTx = db.transaction((streamName: string, expected: ExpectedRevision) => {
      const current = this.currentRevision(streamName);
      checkExpected(streamName, expected, current);
      this.markDeleted.run(streamName, current ?? -1n);
    }).immediate;
  }

  static open(options: SqliteEventStoreOptions): SqliteEventStore {
    const file = options.file;
    const busyTimeoutMs = options.busyTimeoutMs ?? 5000;
    if (file !== ':memory:' && !options.readonly) {
      const dir = path.dirname(path.resolve(file));
      try {
        fs.mkdirSync(dir, { recursive: true });
      } catch (error) {
        const code = (error as NodeJS.ErrnoException).code ?? 'error';
        throw new EventStoreUnavailable(
          `cannot create the directory ${dir} of event store ${path.resolve(file)} (${code}). Point SUIVI_DATA_DIR to a directory the user running Suivi may create and write.`,
          { cause: error },
        );
      }
    }
    let db: Database.Database;
    try {
      db = new Database(file, { readonly: options.readonly ?? false });
    } catch (error) {
      throw unavailable(error, file, busyTimeoutMs) ?? error;
    }
    try {
      db.pragma(`busy_timeout = ${busyTimeoutMs}`);
      if (!options.readonly) {
        db.pragma('journal_mode = WAL');
        db.pragma(`synchronous = ${options.durability === 'full' ? 'FULL' : 'NORMAL'}`);
        // A read-only file may already hold the schema: only write it when missing,
        // so opening such a file still serves reads.
        const tables = db
          .prepare<[], { name: string }>("SELECT name FROM sqlite_master WHERE type = 'table' AND name IN ('events', 'streams')")
          .all();
        if (tables.length < 2) db.exec(SCHEMA);
      }
      return new SqliteEventStore(db, file, options.pollIntervalMs ?? 50, busyTimeoutMs, options.groupCommit ?? true);
    } catch (error) {
      db.close();
      throw unavailable(error, file, busyTimeoutMs) ?? error;
    }
  }

  /**
   * Appending nothing is refused (NothingToAppend): an empty append has no position
   * of its own to return, and a caller doing it almost always has a bug.
   */
  async append(streamName: string, events: readonly NewEvent[], expected: ExpectedRevision): Promise<AppendResult> {
    this.assertOpen();
    if (events.length === 0) throw new NothingToAppend(streamName);
    if (!this.groupCommit) {
      let result: AppendResult;
      try {
        result = this.appendTx(streamName, events, expected);
      } catch (error) {
        throw this.translateWriteError(error, events);
      }
      this.notifyAppended();
      return result;
    }
    return new Promise<AppendResult>((resolve, reject) => {
      // The first append of a group waits one turn of the event loop, in which the
      // requests already received add theirs; a lone writer pays only that turn.
      if (this.pendingAppends.length === 0) setImmediate(() => this.commitPending());
      this.pendingAppends.push({ streamName, events, expected, resolve, reject });
    });
  }

  /** One append in its own transaction, or in a savepoint inside a group's. */
  private appendOne(append: PendingAppend): AppendResult | { readonly failed: unknown } {
    try {
      return this.appendTx(append.streamName, append.events, append.expected);
    } catch (error) {
      return { failed: error };
    }
  }

  /** Commits the appends gathered since the last group, then answers each. */
  private commitPending(): void {
    const pending = this.pendingAppends;
    this.pendingAppends = [];
    if (pending.length === 0) return;
    if (this.closed) {
      for (const append of pending) append.reject(new EventStoreUnavailable(`event store ${this.file} is closed; nothing was written`));
      return;
    }
    let outcomes: (AppendResult | { readonly failed: unknown })[];
    try {
      // A lone append needs no savepoint: its own transaction, as without group commit.
      outcomes = pending.length === 1 ? [this.appendOne(pending[0]!)] : this.groupTx(pending);
    } catch (error) {
      // The commit itself failed (disk full, locked too long): none of them was written.
      for (const append of pending) append.reject(this.translateWriteError(error, append.events));
      return;
    }
    let appended = false;
    pending.forEach((append, index) => {
      const outcome = outcomes[index]!;
      if ('failed' in outcome) {
        append.reject(this.translateWriteError(outcome.failed, append.events));
      } else {
        appended = true;
        append.resolve(outcome);
      }
    });
    if (appended) this.notifyAppended();
  }

  async readStream(streamName: string, options: ReadStreamOptions = {}): Promise<StoredEvent[]> {
    this.assertOpen();
    if (this.selectStream.get(streamName)?.deleted) throw new StreamDeleted(streamName);
    const limit = options.maxCount ?? -1;
    const rows =
      options.direction === 'backwards'
        ? this.readBackwards.all(streamName, options.fromRevision ?? MAX_REVISION, limit)
        : this.readForwards.all(streamName, options.fromRevision ?? 0n, limit);
    return rows.map(toStoredEvent);
  }

  async readAll(options: ReadAllOptions): Promise<ReadAllPage> {
    this.assertOpen();
    return this.readAllNow(options.after, options.maxCount);
  }

  subscribeToAll(options: SubscribeOptions): AllSubscription {
    this.assertOpen();
    const subscription = new SqliteAllSubscription(this, options.after, options.batchSize ?? 256, this.pollIntervalMs);
    this.subscriptions.add(subscription);
    return subscription;
  }

  async headPosition(): Promise<bigint | null> {
    this.assertOpen();
    return this.selectHead.get()?.head ?? null;
  }

  async deleteStream(streamName: string, expected: ExpectedRevision): Promise<void> {
    this.assertOpen();
    try {
      this.deleteTx(streamName, expected);
    } catch (error) {
      throw this.translateWriteError(error, []);
    }
  }

  async close(): Promise<void> {
    if (this.closed) return;
    // Appends already accepted are written, not dropped.
    this.commitPending();
    this.closed = true;
    await Promise.all([...this.subscriptions].map((subscription) => subscription.close()));
    this.db.close();
  }

  /** The connection's journal mode and synchronous level, as SQLite reports them (diagnostics). */
  settings(): { journalMode: string; synchronous: 'OFF' | 'NORMAL' | 'FULL' | 'EXTRA' } {
    this.assertOpen();
    const journalMode = String(this.db.pragma('journal_mode', { simple: true }));
    const level = Number(this.db.pragma('synchronous', { simple: true }));
    const synchronous = (['OFF', 'NORMAL', 'FULL', 'EXTRA'] as const)[level] ?? 'FULL';
    return { journalMode, synchronous };
  }

  /** @internal Synchronous page read shared by readAll and subscriptions. */
  readAllNow(after: bigint | null, maxCount: number): ReadAllPage {
    if (maxCount <= 0) return { events: [], lastPosition: after, isEnd: false };
    const rows = this.readAfter.all(after ?? 0n, maxCount + 1);
    const isEnd = rows.length <= maxCount;
    const events = (isEnd ? rows : rows.slice(0, maxCount)).map(toStoredEvent);
    return { events, lastPosition: events.length > 0 ? events[events.length - 1]!.position : after, isEnd };
  }

  /**
   * @internal The subscriptions' page read: the events after `after`, from a
   * page another subscription read lately when one covers that position, else
   * from the file. May answer fewer than `maxCount` events short of the head (a
   * subscription reads again); empty only at the head. Events are immutable
   * once stored (erasure destroys keys, never rows), so a page never goes stale.
   */
  readSharedPage(after: bigint | null, maxCount: number): readonly StoredEvent[] {
    const from = after ?? 0n;
    for (const page of this.sharedPages) {
      const last = page.events[page.events.length - 1]!;
      if (page.after <= from && from < last.position) {
        let index = 0;
        while (page.events[index]!.position <= from) index += 1;
        return index === 0 && page.events.length <= maxCount ? page.events : page.events.slice(index, index + maxCount);
      }
    }
    const { events } = this.readAllNow(after, maxCount);
    if (events.length > 0) {
      this.sharedPages.push({ after: from, events });
      if (this.sharedPages.length > SHARED_PAGES) this.sharedPages.shift();
    }
    return events;
  }

  /** @internal Calls `listener` once, on the next append through this instance; the returned function drops it. */
  onNextAppend(listener: () => void): () => void {
    this.appendWaiters.add(listener);
    return () => {
      this.appendWaiters.delete(listener);
    };
  }

  /** @internal */
  forget(subscription: SqliteAllSubscription): void {
    this.subscriptions.delete(subscription);
  }

  get isClosed(): boolean {
    return this.closed;
  }

  private notifyAppended(): void {
    if (this.appendWaiters.size === 0) return;
    const waiters = this.appendWaiters;
    this.appendWaiters = new Set();
    for (const wake of waiters) wake();
  }

  private currentRevision(streamName: string): bigint | null {
    const row = this.selectStream.get(streamName);
    if (!row) return null;
    if (row.deleted) throw new StreamDeleted(streamName);
    return row.revision;
  }

  private assertOpen(): void {
    if (this.closed) throw new Error(`event store ${this.file} is closed`);
  }

  private translateWriteError(error: unknown, events: readonly NewEvent[]): unknown {
    // Matched by code, not instanceof: the class identity of SqliteError is not
    // stable when the module is loaded in more than one module registry (test runners).
    if (sqliteCode(error) === 'SQLITE_CONSTRAINT_UNIQUE' && /events\.event_id/.test((error as Error).message)) {
      const seen = new Set<string>();
      const duplicate =
        events.find((event) => (seen.has(event.eventId) ? true : (seen.add(event.eventId), false))) ??
        events.find((event) => (this.selectEventId.get(event.eventId)?.n ?? 0n) > 0n);
      return new DuplicateEventId(duplicate?.eventId ?? '(unknown)', { cause: error });
    }
    return unavailable(error, this.file, this.busyTimeoutMs) ?? error;
  }
}

function checkExpected(streamName: string, expected: ExpectedRevision, current: bigint | null): void {
  const actual = current ?? 'no_stream';
  switch (expected) {
    case 'any':
      return;
    case 'no_stream':
      if (current !== null) throw new WrongExpectedRevision(streamName, expected, actual);
      return;
    case 'stream_exists':
      if (current === null) throw new WrongExpectedRevision(streamName, expected, actual);
      return;
    default:
      if (current !== expected) throw new WrongExpectedRevision(streamName, expected, actual);
  }
}

function toStoredEvent(row: EventRow): StoredEvent {
  return {
    eventId: row.event_id,
    type: row.type,
    data: JSON.parse(row.data) as unknown,
    metadata: JSON.parse(row.metadata) as Record<string, unknown>,
    streamName: row.stream_name,
    revision: BigInt(row.stream_revision),
    position: BigInt(row.global_position),
    recordedAt: new Date(row.recorded_at),
  };
}

function sqliteCode(error: unknown): string {
  return typeof error === 'object' && error !== null ? String((error as { code?: unknown }).code ?? '') : '';
}

/** Maps the SQLite failures an operator can fix to EventStoreUnavailable, with what to do. */
function unavailable(error: unknown, file: string, busyTimeoutMs: number): EventStoreUnavailable | null {
  const code = sqliteCode(error);
  const where = path.resolve(file);
  if (code.startsWith('SQLITE_READONLY')) {
    return new EventStoreUnavailable(
      `event store ${where} is read-only (${code}); nothing was written. Make the file, its directory and its -wal/-shm files writable by the user running Suivi, or set SUIVI_DATA_DIR to a writable directory.`,
      { cause: error },
    );
  }
  if (code.startsWith('SQLITE_FULL')) {
    return new EventStoreUnavailable(
      `the disk holding event store ${where} is full (${code}); nothing was written. Free space on that volume, then retry.`,
      { cause: error },
    );
  }
  if (code.startsWith('SQLITE_IOERR')) {
    return new EventStoreUnavailable(
      `I/O error on event store ${where} (${code}); the operation was not recorded. Check the disk and file system (dmesg, free space, mount state), then retry.`,
      { cause: error },
    );
  }
  if (code.startsWith('SQLITE_CANTOPEN') || code === 'ENOENT') {
    return new EventStoreUnavailable(
      `cannot open event store ${where} (${code}). Check that the path exists or can be created, and that the user running Suivi may read and write it and its directory.`,
      { cause: error },
    );
  }
  if (code.startsWith('SQLITE_BUSY')) {
    return new EventStoreUnavailable(
      `event store ${where} stayed locked by another connection for more than ${busyTimeoutMs} ms (${code}); nothing was written. Look for a stuck process holding the file, then retry.`,
      { cause: error },
    );
  }
  return null;
}

/**
 * Pull-based: each next() serves one event from the current page, reads the next
 * page only when the previous one is used up, and when the log is exhausted waits
 * for an append through the same store (immediate) or the poll timer (appends from
 * other connections). next() calls are chained, so deliveries never overlap.
 */
class SqliteAllSubscription extends SerialSubscription {
  private page: readonly StoredEvent[] = [];
  private index = 0;
  private closed = false;
  private wakeUp: (() => void) | null = null;

  constructor(
    private readonly store: SqliteEventStore,
    private cursor: bigint | null,
    private readonly batchSize: number,
    private readonly pollIntervalMs: number,
  ) {
    super();
  }

  override async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.page = [];
    this.store.forget(this);
    this.wakeUp?.();
  }

  protected async pull(): Promise<IteratorResult<StoredEvent>> {
    while (!this.closed) {
      const event = this.page[this.index];
      if (event) {
        this.index += 1;
        this.cursor = event.position;
        return { done: false, value: event };
      }
      if (this.store.isClosed) break;
      if (this.page.length > 0) {
        // Reads are synchronous and a consumer that keeps up never waits, so a
        // catch-up would otherwise hold the event loop (timers, the HTTP server
        // of the same process, its health probes) until it reached the head.
        await new Promise<void>((resolve) => setImmediate(resolve));
        if (this.closed || this.store.isClosed) break;
      }
      const next = this.store.readSharedPage(this.cursor, this.batchSize);
      if (next.length > 0) {
        this.page = next;
        this.index = 0;
        continue;
      }
      await this.waitForAppend();
    }
    return { done: true, value: undefined };
  }

  private waitForAppend(): Promise<void> {
    return new Promise<void>((resolve) => {
      const wake = (): void => {
        clearTimeout(timer);
        stopListening();
        this.wakeUp = null;
        resolve();
      };
      const stopListening = this.store.onNextAppend(wake);
      const timer = setTimeout(wake, this.pollIntervalMs);
      this.wakeUp = wake;
    });
  }
}
