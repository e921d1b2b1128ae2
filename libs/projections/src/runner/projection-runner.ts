import { setTimeout as sleep } from 'node:timers/promises';
import { isErasureEvent, subjectsForgottenBy } from '#domain';
import { UnknownSchemaVersion, type EventCodec, type EventEnvelope, type EventStore, type StoredEvent } from '#event-store';
import { UndeclaredField, type Collection, type Doc, type Filter, type ReadStore } from '#read-store';
import type { Projection } from '../projection.js';
import { projections as allProjections } from '../projection-list.js';
import { ProjectionBatch } from './projection-batch.js';
import { PARK_SEQUENCE_CONSUMER, parkedEventId, parkedEventsCollection, type ParkedEvent } from './parked-events.js';

/** Where the runner reports; console by default. */
export interface ProjectionLogger {
  log(message: string): void;
  warn(message: string): void;
  error(message: string): void;
}

export interface ProjectionRunnerOptions {
  readonly store: EventStore;
  readonly readStore: ReadStore;
  readonly codec: EventCodec;
  /** Default: every projection of Suivi (`projections`). */
  readonly projections?: readonly Projection[];
  readonly logger?: ProjectionLogger;
  /** Stamps `parkedAt`. */
  readonly clock?: { now(): Date };
  /** Events per flush while following the head of the log, and per page read (default 500). */
  readonly batchSize?: number;
  /** Flush when the subscription has had nothing for this long (default 20 ms). */
  readonly idleFlushMs?: number;
  /** Flush a batch at the latest this long after its first event, even under a steady trickle (default 25 ms). */
  readonly maxBatchDelayMs?: number;
  /**
   * Catching up: while the events applied were recorded more than `afterMs` ago
   * (default 1,000 ms), a batch grows to `batchSize` events (default 10,000) or
   * `maxDelayMs` (default 1,000 ms) before it is flushed.
   */
  readonly catchUp?: { readonly afterMs?: number; readonly batchSize?: number; readonly maxDelayMs?: number };
  /** Attempts at an event whose evolve throws before it is parked (default 3). */
  readonly maxAttempts?: number;
  /** Backoff of a loop after an infrastructure failure (default 200 ms doubling to 30 s). */
  readonly retry?: { readonly initialDelayMs?: number; readonly maxDelayMs?: number };
  /** Events per readAll page during a rebuild (default 1,000). */
  readonly rebuildPageSize?: number;
  /** Documents per page of a fan-out (default 500). */
  readonly fanOutPageSize?: number;
  /**
   * This process's cache of data subjects' keys: a key another process destroys
   * is dropped from it when the runner meets the erasure event, rather than when
   * its TTL runs out.
   */
  readonly keys?: { evict(subjectId: string): void };
}

/**
 * `failed`: the loop hit an infrastructure error and is waiting to retry (see `error`).
 * `rebuilding`: `rebuild()` owns the projection; the live loop resumes after it.
 */
export type ProjectionState = 'running' | 'stopped' | 'failed' | 'rebuilding';

export interface ProjectionStatus {
  readonly name: string;
  readonly state: ProjectionState;
  /** Last position applied and saved; null when the projection never ran. */
  readonly checkpoint: bigint | null;
  /** The latest failure, cleared once the loop makes progress again. */
  readonly error: Error | null;
  readonly consecutiveFailures: number;
}

export interface ProjectionLag {
  readonly name: string;
  readonly checkpoint: bigint | null;
  readonly head: bigint | null;
  /**
   * head − checkpoint. A count of events on the SQLite store (contiguous
   * positions); on EventStoreDB a distance in the log, zero exactly when caught up.
   */
  readonly lagEvents: bigint;
}

export interface RebuildOptions {
  /** Called after each page with the position reached and the head when the rebuild began. */
  readonly onProgress?: (done: bigint, head: bigint | null) => void;
}

export interface RebuildResult {
  /** Events read from the log (handled or not). */
  readonly events: number;
  readonly durationMs: number;
}

export class UnknownProjection extends Error {
  constructor(readonly projection: string) {
    super(`no projection named ${projection}`);
    this.name = 'UnknownProjection';
  }
}

export class WaitForTimeout extends Error {
  constructor(
    readonly position: bigint,
    readonly behind: readonly { readonly name: string; readonly checkpoint: bigint | null }[],
  ) {
    const list = behind.map((b) => `${b.name} at ${b.checkpoint ?? 'none'}`).join(', ');
    super(`projections did not reach position ${position} in time: ${list}`);
    this.name = 'WaitForTimeout';
  }
}

export class RebuildInterrupted extends Error {
  constructor(
    readonly projection: string,
    /** Where the rebuild got to; the live loop continues from there on the next start. */
    readonly checkpoint: bigint | null,
  ) {
    super(`rebuild of ${projection} interrupted at position ${checkpoint ?? 'none'}; it resumes from there on the next start`);
    this.name = 'RebuildInterrupted';
  }
}

/** The document a parked event touches has already applied a later event: replaying it alone would be out of order. */
export class ParkedEventSuperseded extends Error {
  constructor(
    readonly projection: string,
    readonly position: bigint,
    readonly documentId: string,
  ) {
    super(
      `${projection}: document ${documentId} already applied an event after position ${position}; ` +
        `replaying it alone would apply it out of order, rebuild the projection instead`,
    );
    this.name = 'ParkedEventSuperseded';
  }
}

export class ParkedEventNotFound extends Error {
  constructor(
    readonly projection: string,
    readonly position: bigint,
  ) {
    super(`no parked event for ${projection} at position ${position}`);
    this.name = 'ParkedEventNotFound';
  }
}

interface Loop {
  readonly controller: AbortController;
  readonly done: Promise<void>;
}

interface Slot {
  readonly projection: Projection;
  collection: Collection<Doc> | null;
  state: ProjectionState;
  error: Error | null;
  failures: number;
  checkpoint: bigint | null;
  loop: Loop | null;
  /** A rebuild or replay owns the projection; the live loop must not start. */
  busy: boolean;
  interrupt: boolean;
  /** Tail of the rebuild/replay queue: those operations run one at a time per projection. */
  exclusive: Promise<unknown>;
  /** A chained projection's document for the last event applied: what the next one follows. */
  tail: Doc | null;
  /** An erasure event was applied since the read store was last compacted. */
  erased: boolean;
}

interface Waiter {
  readonly position: bigint;
  readonly resolve: () => void;
}

type Applied = { readonly ok: true } | { readonly ok: false; readonly error: unknown };

const IDLE = Symbol('idle');
const STOPPED = Symbol('stopped');
const APPLIED: Applied = { ok: true };

/** A checkpoint the log does not reach: the log lost events the projection had applied. */
const pastTheHead = (checkpoint: bigint, head: bigint | null): boolean => head === null || checkpoint > head;

/** Decoded events kept for the other projections' loops: several pages of the log. */
const DECODED_EVENTS = 4_096;

const asError = (error: unknown): Error => (error instanceof Error ? error : new Error(String(error)));
const messageOf = (error: unknown): string => asError(error).message;

/**
 * Runs projections: each one consumes the global log in order from its own
 * checkpoint, writes documents in batches guarded by position, and saves its
 * checkpoint only after the documents, so a crash at any point costs at most a
 * harmless re-application.
 *
 * A batch is flushed when it is full, when it is older than maxBatchDelayMs, or
 * when the subscription has delivered nothing for idleFlushMs. The idle timer is
 * how the runner knows it has caught up: it works the same on every adapter and
 * costs no round trip, whereas comparing with headPosition() would query the
 * store on every live event and never match on EventStoreDB, whose $all head can
 * be a system event that subscriptions do not deliver.
 */
export class ProjectionRunner {
  private readonly store: EventStore;
  private readonly readStore: ReadStore;
  private readonly codec: EventCodec;
  private readonly logger: ProjectionLogger;
  private readonly clock: { now(): Date };
  private readonly batchSize: number;
  private readonly idleFlushMs: number;
  private readonly maxBatchDelayMs: number;
  private readonly catchUpAfterMs: number;
  private readonly catchUpBatchSize: number;
  private readonly catchUpDelayMs: number;
  private readonly maxAttempts: number;
  private readonly initialDelayMs: number;
  private readonly maxDelayMs: number;
  private readonly rebuildPageSize: number;
  private readonly fanOutPageSize: number;
  private readonly keys: { evict(subjectId: string): void } | null;
  private readonly slots = new Map<string, Slot>();
  /**
   * Events decoded lately, by position: every projection's loop reads the same
   * events at about the same time, and decoding (decryption, upcasting) is done
   * once for all of them. Envelopes are never modified (evolve is pure).
   */
  private readonly decodedEvents = new Map<bigint, EventEnvelope>();
  private readonly waiters = new Set<Waiter>();
  private parked: Collection<ParkedEvent> | null = null;
  private readying: Promise<void> | null = null;
  private started = false;

  constructor(options: ProjectionRunnerOptions) {
    this.store = options.store;
    this.readStore = options.readStore;
    this.codec = options.codec;
    this.logger = options.logger ?? console;
    this.clock = options.clock ?? { now: () => new Date() };
    this.batchSize = positiveInteger('batchSize', options.batchSize ?? 500);
    this.idleFlushMs = positiveInteger('idleFlushMs', options.idleFlushMs ?? 20);
    this.maxBatchDelayMs = positiveInteger('maxBatchDelayMs', options.maxBatchDelayMs ?? 25);
    this.catchUpAfterMs = positiveInteger('catchUp.afterMs', options.catchUp?.afterMs ?? 1_000);
    this.catchUpBatchSize = positiveInteger('catchUp.batchSize', options.catchUp?.batchSize ?? 10_000);
    this.catchUpDelayMs = positiveInteger('catchUp.maxDelayMs', options.catchUp?.maxDelayMs ?? 1_000);
    this.maxAttempts = positiveInteger('maxAttempts', options.maxAttempts ?? 3);
    this.initialDelayMs = positiveInteger('retry.initialDelayMs', options.retry?.initialDelayMs ?? 200);
    this.maxDelayMs = positiveInteger('retry.maxDelayMs', options.retry?.maxDelayMs ?? 30_000);
    this.rebuildPageSize = positiveInteger('rebuildPageSize', options.rebuildPageSize ?? 1_000);
    this.fanOutPageSize = positiveInteger('fanOutPageSize', options.fanOutPageSize ?? 500);
    this.keys = options.keys ?? null;
    for (const projection of options.projections ?? allProjections) {
      if (this.slots.has(projection.name)) throw new Error(`two projections are named ${projection.name}`);
      if (projection.name.includes(':')) throw new Error(`projection name ${projection.name} must not contain ":"`);
      this.slots.set(projection.name, {
        projection,
        collection: null,
        state: 'stopped',
        error: null,
        failures: 0,
        checkpoint: null,
        loop: null,
        busy: false,
        interrupt: false,
        exclusive: Promise.resolve(),
        tail: null,
        erased: false,
      });
    }
  }

  /** Starts one loop per projection in the background; resolves once their collections are open. */
  async start(): Promise<void> {
    if (this.started) return;
    await this.ready();
    this.started = true;
    for (const slot of this.slots.values()) this.startLoop(slot);
  }

  /**
   * Graceful shutdown: stops the subscriptions, flushes pending writes, saves
   * checkpoints. A rebuild in progress stops at its next page (RebuildInterrupted).
   */
  async stop(): Promise<void> {
    this.started = false;
    for (const slot of this.slots.values()) if (slot.busy) slot.interrupt = true;
    await Promise.all([...this.slots.values()].map((slot) => this.stopLoop(slot)));
    await Promise.all([...this.slots.values()].map((slot) => slot.exclusive));
  }

  status(): ProjectionStatus[] {
    return [...this.slots.values()].map((slot) => ({
      name: slot.projection.name,
      state: slot.state,
      checkpoint: slot.checkpoint,
      error: slot.error,
      consecutiveFailures: slot.failures,
    }));
  }

  /**
   * Resolves when every projection has applied the log up to `position`
   * (read-your-writes after a command); rejects with WaitForTimeout otherwise.
   */
  async waitFor(position: bigint, timeoutMs = 10_000): Promise<void> {
    await this.ready();
    if (this.reached(position)) return;
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiters.delete(waiter);
        reject(new WaitForTimeout(position, this.behind(position)));
      }, timeoutMs);
      const waiter: Waiter = {
        position,
        resolve: () => {
          clearTimeout(timer);
          resolve();
        },
      };
      this.waiters.add(waiter);
    });
  }

  /** Distance of each projection from the head of the log, from the saved checkpoints. */
  async lag(): Promise<ProjectionLag[]> {
    const head = await this.store.headPosition();
    return Promise.all(
      [...this.slots.values()].map(async (slot) => {
        const checkpoint = await this.readStore.checkpoints.get(slot.projection.name);
        const distance = head === null ? 0n : head - (checkpoint ?? 0n);
        return { name: slot.projection.name, checkpoint, head, lagEvents: distance > 0n ? distance : 0n };
      }),
    );
  }

  /** Parked events, of one projection or all, in log order. */
  async listParked(projection?: string): Promise<ParkedEvent[]> {
    await this.ready();
    const records: ParkedEvent[] = [];
    let after: string | null = null;
    for (;;) {
      const page = await this.parkedCollection().find({
        where: projection === undefined ? [] : [{ field: 'projection', op: 'eq', value: projection }],
        first: 100,
        after,
      });
      records.push(...page.items.map((item) => item.doc));
      if (!page.hasNextPage || page.endCursor === null) break;
      after = page.endCursor;
    }
    return records.sort((a, b) =>
      a.projection === b.projection
        ? compareBigInt(BigInt(a.position), BigInt(b.position))
        : a.projection < b.projection
          ? -1
          : 1,
    );
  }

  /**
   * Applies a parked event through the current projection code and removes its
   * park record. Throws the projection's error (the record stays, with the new
   * error), or ParkedEventSuperseded when its document has moved past it.
   */
  async replayParked(projectionName: string, position: bigint): Promise<void> {
    const slot = this.slot(projectionName);
    if (slot.projection.chain) {
      // Every later document of a chain depends on this one: applying it alone would fork the chain.
      throw new Error(`${projectionName} is a chain: a parked event cannot be replayed alone; rebuild the projection instead`);
    }
    await this.ready();
    await this.exclusively(slot, async () => {
      const recordId = parkedEventId(projectionName, position);
      const record = (await this.parkedCollection().get(recordId))?.doc;
      if (!record) throw new ParkedEventNotFound(projectionName, position);
      // The live loop may hold this document in an unflushed batch: stop it so the
      // replay and the loop never write the same document concurrently.
      await this.stopLoop(slot);
      const stored = await this.readEventAt(position);
      await this.replayOne(slot, stored, record);
      await this.parkedCollection().delete(recordId, await this.nextParkSequence());
      this.logger.log(`projection ${projectionName}: replayed parked ${stored.type} at position ${position}`);
    });
  }

  /**
   * Drops the projection's documents, park records and checkpoint, and applies
   * the whole log again from position 0 in pages. The live loop (if the runner is
   * started) resumes afterwards from where the rebuild ended, even if it failed.
   */
  async rebuild(projectionName: string, options: RebuildOptions = {}): Promise<RebuildResult> {
    const slot = this.slot(projectionName);
    await this.ready();
    return this.exclusively(slot, async () => {
      slot.interrupt = false;
      await this.stopLoop(slot);
      slot.state = 'rebuilding';
      slot.error = null;
      const began = performance.now();
      let events = 0;
      try {
        const collection = this.collectionOf(slot);
        await collection.clear();
        await this.dropParked(projectionName);
        await this.readStore.checkpoints.reset(projectionName);
        this.setCheckpoint(slot, null);
        slot.tail = null;
        const head = await this.store.headPosition();
        this.logger.log(`projection ${projectionName}: rebuilding up to position ${head ?? 'none'}`);
        const batch = new ProjectionBatch(collection);
        let after: bigint | null = null;
        for (;;) {
          if (slot.interrupt) {
            await this.flush(slot, batch);
            throw new RebuildInterrupted(projectionName, slot.checkpoint);
          }
          const page = await this.store.readAll({ after, maxCount: this.rebuildPageSize });
          for (const event of page.events) {
            await this.apply(slot, batch, event);
            events += 1;
            if (batch.events >= this.batchSize) await this.flush(slot, batch);
          }
          if (page.events.length > 0 && page.lastPosition !== null) {
            after = page.lastPosition;
            options.onProgress?.(after, head);
          }
          if (page.isEnd || page.events.length === 0) break;
        }
        await this.flush(slot, batch, slot.erased ? () => this.compact(slot) : undefined);
        const durationMs = Math.round(performance.now() - began);
        this.logger.log(`projection ${projectionName}: rebuilt from ${events} events in ${durationMs} ms`);
        slot.state = 'stopped';
        return { events, durationMs };
      } catch (error) {
        slot.state = 'failed';
        slot.error = asError(error);
        throw error;
      } finally {
        slot.interrupt = false;
      }
    });
  }

  private slot(name: string): Slot {
    const slot = this.slots.get(name);
    if (!slot) throw new UnknownProjection(name);
    return slot;
  }

  /** Opens the collections and loads the checkpoints once; retried on the next call if it failed. */
  private ready(): Promise<void> {
    this.readying ??= (async () => {
      this.parked = await this.readStore.collection<ParkedEvent>(parkedEventsCollection);
      const head = await this.store.headPosition();
      for (const slot of this.slots.values()) {
        slot.collection = await this.readStore.collection<Doc>(slot.projection.collection);
        const checkpoint = await this.readStore.checkpoints.get(slot.projection.name);
        // Past the head, nothing of it is true to the log: none applied (its loop rebuilds it).
        this.setCheckpoint(slot, checkpoint !== null && pastTheHead(checkpoint, head) ? null : checkpoint);
      }
    })().catch((error: unknown) => {
      this.readying = null;
      throw error;
    });
    return this.readying;
  }

  private collectionOf(slot: Slot): Collection<Doc> {
    if (!slot.collection) throw new Error(`collection of ${slot.projection.name} is not open`);
    return slot.collection;
  }

  private parkedCollection(): Collection<ParkedEvent> {
    if (!this.parked) throw new Error('parked events collection is not open');
    return this.parked;
  }

  private async exclusively<T>(slot: Slot, work: () => Promise<T>): Promise<T> {
    const previous = slot.exclusive;
    let release!: () => void;
    slot.exclusive = new Promise<void>((resolve) => (release = resolve));
    await previous;
    slot.busy = true;
    try {
      return await work();
    } finally {
      slot.busy = false;
      if (this.started) this.startLoop(slot);
      release();
    }
  }

  private startLoop(slot: Slot): void {
    if (slot.loop || slot.busy) return;
    const controller = new AbortController();
    slot.state = 'running';
    slot.loop = { controller, done: this.run(slot, controller.signal) };
  }

  private async stopLoop(slot: Slot): Promise<void> {
    const loop = slot.loop;
    if (!loop) return;
    loop.controller.abort();
    await loop.done;
    if (slot.loop === loop) slot.loop = null;
  }

  /** One projection's live loop: never rejects; infrastructure failures are retried with backoff. */
  private async run(slot: Slot, signal: AbortSignal): Promise<void> {
    const name = slot.projection.name;
    while (!signal.aborted) {
      try {
        await this.consume(slot, signal);
      } catch (error) {
        slot.failures += 1;
        slot.error = asError(error);
        slot.state = 'failed';
        if (signal.aborted) {
          this.logger.error(`projection ${name}: failed while stopping: ${messageOf(error)}`);
          return;
        }
        const delay = Math.min(this.initialDelayMs * 2 ** Math.min(slot.failures - 1, 30), this.maxDelayMs);
        this.logger.error(
          `projection ${name}: ${messageOf(error)} (failure ${slot.failures} in a row); retrying in ${delay} ms`,
        );
        await sleep(delay, undefined, { signal }).catch(() => undefined);
      }
    }
    slot.state = 'stopped';
    this.logger.log(`projection ${name}: stopped at position ${slot.checkpoint ?? 'none'}`);
  }

  /** Follows the live subscription until the signal aborts (then flushes) or something fails. */
  private async consume(slot: Slot, signal: AbortSignal): Promise<void> {
    const name = slot.projection.name;
    const collection = this.collectionOf(slot);
    let checkpoint = await this.readStore.checkpoints.get(name);
    const head = checkpoint === null ? null : await this.store.headPosition();
    if (checkpoint !== null && pastTheHead(checkpoint, head)) {
      // The read store holds events the log no longer has: a power cut under
      // synchronous=NORMAL lost the log's last commits but not the read store's,
      // and new events will take those positions again. Following on from the
      // checkpoint would skip them; only a rebuild is true to the log.
      this.logger.error(
        `projection ${name}: its checkpoint ${checkpoint} is past the head of the log (${head ?? 'empty'}); ` +
          'the log lost events it had applied (a power cut?), so it is rebuilt from the log',
      );
      await collection.clear();
      await this.readStore.checkpoints.reset(name);
      checkpoint = null;
    }
    this.setCheckpoint(slot, checkpoint);
    if (checkpoint === null && (await collection.count()) > 0) {
      // Documents without a checkpoint were written by another version of the
      // projection (its name changed with its document shape) or by a first batch
      // that never saved one: from position 0, they must not stand in the way.
      this.logger.log(`projection ${name}: no checkpoint, so its documents are dropped and built again from the log`);
      await collection.clear();
    }
    // From the store, not memory: links staged before a failed flush were never written.
    slot.tail = await this.chainTail(slot, checkpoint);
    const subscription = this.store.subscribeToAll({ after: checkpoint, batchSize: this.batchSize });
    slot.state = 'running';
    this.logger.log(`projection ${name}: following the log after position ${checkpoint ?? 'none'}`);
    const batch = new ProjectionBatch(collection);
    try {
      let pending = quiet(subscription.next());
      for (;;) {
        const next = await nextOrIdle(pending, signal, batch.events === 0 ? null : this.idleFlushMs);
        if (next === STOPPED) break;
        if (next === IDLE) {
          await this.flushLive(slot, batch);
          continue;
        }
        if (next.done) throw new Error('the subscription ended');
        await this.apply(slot, batch, next.value);
        pending = quiet(subscription.next());
        if (slot.erased) {
          // The erased documents are written and the read store drops the old versions it keeps,
          // before the checkpoint: a reader waiting for the erasure finds it done, in the files too.
          await this.flushLive(slot, batch, () => this.compact(slot));
        } else if (this.isDue(batch, next.value)) {
          await this.flushLive(slot, batch);
        }
      }
      await this.flushLive(slot, batch);
    } catch (error) {
      // Keep what was applied before the failure, so a retry does not redo it; if
      // the read store is what failed, this fails too and the retry redoes it.
      await this.flush(slot, batch).catch(() => undefined);
      throw error;
    } finally {
      await subscription.close().catch((error: unknown) => {
        this.logger.warn(`projection ${name}: closing the subscription failed: ${messageOf(error)}`);
      });
    }
  }

  /**
   * Whether to write the batch now. At the head of the log, soon: a reader waits
   * for what was just written. Behind it, seldom: every flush is a transaction
   * whose cost is in the index pages it rewrites, and large batches rewrite each
   * page once for many events. How far behind is read from the event's
   * recordedAt, the same way on every adapter (no round trip to ask for the head).
   */
  private isDue(batch: ProjectionBatch<Doc>, last: StoredEvent): boolean {
    const now = performance.now();
    const behind = Date.now() - last.recordedAt.getTime() > this.catchUpAfterMs;
    return behind
      ? batch.events >= this.catchUpBatchSize || batch.ageMs(now) >= this.catchUpDelayMs
      : batch.events >= this.batchSize || batch.ageMs(now) >= this.maxBatchDelayMs;
  }

  private async flushLive(slot: Slot, batch: ProjectionBatch<Doc>, beforeCheckpoint?: () => Promise<void>): Promise<void> {
    await this.flush(slot, batch, beforeCheckpoint);
    slot.failures = 0;
    slot.error = null;
    slot.state = 'running';
  }

  private async flush(slot: Slot, batch: ProjectionBatch<Doc>, beforeCheckpoint?: () => Promise<void>): Promise<void> {
    const position = batch.lastPosition;
    if (position === null) return;
    const writes = batch.writes();
    if (writes.length > 0) await batch.collection.writeMany(writes);
    await beforeCheckpoint?.();
    // Only after the documents: a crash in between re-applies events whose writes
    // the position guard then ignores, whereas the reverse order would lose them.
    await this.readStore.checkpoints.save(slot.projection.name, position);
    batch.reset();
    this.setCheckpoint(slot, position);
  }

  /**
   * Applies one event to the batch. Errors of the projection itself are retried
   * then parked; errors of the stores propagate to the loop, which retries later.
   */
  private async apply(slot: Slot, batch: ProjectionBatch<Doc>, stored: StoredEvent): Promise<void> {
    // Before decoding anything after it: the keys the erasure destroys must not be read from a stale cache.
    if (isErasureEvent(stored.type)) {
      for (const subject of subjectsForgottenBy(stored)) this.keys?.evict(subject);
      // Nor from events decoded while the keys still existed.
      this.decodedEvents.clear();
    }
    if (slot.projection.canHandle(stored.type)) {
      if (isErasureEvent(stored.type)) slot.erased = true;
      let attempts = 1;
      let outcome = await this.applyOnce(slot, batch, stored);
      while (!outcome.ok && attempts < this.maxAttempts) {
        attempts += 1;
        outcome = await this.applyOnce(slot, batch, stored);
      }
      if (!outcome.ok) await this.park(slot, stored, outcome.error, attempts);
    }
    batch.consumed(stored.position, performance.now());
  }

  private async applyOnce(slot: Slot, batch: ProjectionBatch<Doc>, stored: StoredEvent): Promise<Applied> {
    const { projection } = slot;
    let envelope = this.decodedEvents.get(stored.position);
    if (envelope?.eventId !== stored.eventId) {
      // Outside the try: a key store that cannot answer is the stores' failure, retried by the loop, not poison.
      const keys = await this.codec.prepareDecode([stored]);
      try {
        envelope = this.codec.decode(stored, keys);
      } catch (error) {
        if (error instanceof UnknownSchemaVersion) throw error;
        return { ok: false, error };
      }
      this.decodedEvents.set(stored.position, envelope);
      if (this.decodedEvents.size > DECODED_EVENTS) this.decodedEvents.delete(this.decodedEvents.keys().next().value!);
    }
    let id: string | null;
    let fanOut: readonly Filter[] | null;
    try {
      id = projection.documentId(envelope);
      fanOut = projection.chain ? null : (projection.fanOut?.(envelope) ?? null);
    } catch (error) {
      // An event from a newer build is not poison: this worker is out of date and
      // must wait (and say so) rather than skip events a newer one would apply.
      if (error instanceof UnknownSchemaVersion) throw error;
      return { ok: false, error };
    }
    if (projection.chain) return id === null ? APPLIED : this.applyChained(slot, batch, stored.position, envelope, id);
    if (id !== null) {
      const applied = await this.applyTo(projection, batch, id, envelope, stored.position);
      if (!applied.ok) return applied;
    }
    return fanOut === null ? APPLIED : this.applyFanOut(projection, batch, envelope, fanOut, id, stored.position);
  }

  private async applyTo(projection: Projection, batch: ProjectionBatch<Doc>, id: string, envelope: EventEnvelope, position: bigint): Promise<Applied> {
    const current = await batch.read(id);
    // Re-delivery after a crash between the document writes and the checkpoint.
    if (current.position !== null && current.position >= position) return APPLIED;
    try {
      const next = projection.evolve(current.doc, envelope);
      if (next !== null && next.id !== id) {
        throw new Error(`evolve returned document ${next.id} for an event routed to ${id}`);
      }
      if (next !== current.doc) batch.stage(id, next, position);
      return APPLIED;
    } catch (error) {
      return { ok: false, error };
    }
  }

  /**
   * Applies the event to every document the projection's fan-out selects, a page
   * at a time. What the batch staged is written first, so that the filter sees
   * it; each page is written before the next is read, so a fan-out over many
   * documents holds one page in memory. Documents that applied the event already
   * (a re-delivery, a retry) are skipped by the position guard.
   */
  private async applyFanOut(
    projection: Projection,
    batch: ProjectionBatch<Doc>,
    envelope: EventEnvelope,
    filters: readonly Filter[],
    ownId: string | null,
    position: bigint,
  ): Promise<Applied> {
    await batch.writePending();
    let after: string | null = null;
    for (;;) {
      let page;
      try {
        page = await batch.collection.find({ where: filters, first: this.fanOutPageSize, after });
      } catch (error) {
        // A filter on a field the collection does not index is the projection's bug, not the store's.
        if (error instanceof UndeclaredField) return { ok: false, error };
        throw error;
      }
      for (const { doc } of page.items) {
        if (doc.id === ownId) continue;
        const applied = await this.applyTo(projection, batch, doc.id, envelope, position);
        if (!applied.ok) return applied;
      }
      await batch.writePending();
      if (!page.hasNextPage || page.endCursor === null) return APPLIED;
      after = page.endCursor;
    }
  }

  /**
   * Asks the read store to drop the old versions of documents it may keep (the
   * SQLite WAL), once erased documents are written. A failure is reported, not
   * fatal: the next compaction, or the next checkpoint of the store, does it.
   */
  private async compact(slot: Slot): Promise<void> {
    slot.erased = false;
    try {
      await this.readStore.compact?.();
    } catch (error) {
      this.logger.warn(
        `projection ${slot.projection.name}: compacting the read store after an erasure failed (${messageOf(error)}); ` +
          'earlier versions of erased documents may stay in its files until its next checkpoint',
      );
    }
  }

  /**
   * No read of the current document: an event re-delivered after a crash between
   * the writes and the checkpoint yields the same document again (same previous
   * one, pure evolve), and the position guard ignores the rewrite.
   */
  private applyChained(slot: Slot, batch: ProjectionBatch<Doc>, position: bigint, envelope: EventEnvelope, id: string): Applied {
    try {
      const next = slot.projection.evolve(null, envelope, slot.tail);
      if (next === null || next.id !== id) {
        throw new Error(`evolve returned ${next === null ? 'no document' : `document ${next.id}`} for an event routed to ${id}`);
      }
      batch.stage(id, next, position);
      slot.tail = next;
      return APPLIED;
    } catch (error) {
      return { ok: false, error };
    }
  }

  /** A chained projection's document of the last checkpointed event, where it resumes. */
  private async chainTail(slot: Slot, checkpoint: bigint | null): Promise<Doc | null> {
    const chain = slot.projection.chain;
    if (!chain || checkpoint === null) return null;
    const page = await this.collectionOf(slot).find({
      where: [{ field: chain.orderField, op: 'lte', value: chain.orderKey(checkpoint) }],
      sort: { field: chain.orderField, direction: 'desc' },
      first: 1,
    });
    return page.items[0]?.doc ?? null;
  }

  private async park(slot: Slot, stored: StoredEvent, error: unknown, attempts: number): Promise<void> {
    const name = slot.projection.name;
    const record: ParkedEvent = {
      id: parkedEventId(name, stored.position),
      projection: name,
      position: stored.position.toString(),
      eventId: stored.eventId,
      type: stored.type,
      streamName: stored.streamName,
      error: messageOf(error),
      attempts,
      parkedAt: this.clock.now().toISOString(),
    };
    await this.parkedCollection().put(record, await this.nextParkSequence());
    // The correlation id leads from this line to the request and the command that caused the event.
    const correlation = stored.metadata['correlationId'];
    this.logger.error(
      `projection ${name}: parked ${stored.type} ${stored.eventId} at position ${stored.position} ` +
        `after ${attempts} attempts${typeof correlation === 'string' ? ` (correlation ${correlation})` : ''}: ${record.error}`,
    );
  }

  private async replayOne(slot: Slot, stored: StoredEvent, record: ParkedEvent): Promise<void> {
    const { projection } = slot;
    const collection = this.collectionOf(slot);
    const keys = await this.codec.prepareDecode([stored]);
    let envelope;
    let id: string | null;
    let fanOut: readonly Filter[] | null;
    try {
      envelope = this.codec.decode(stored, keys);
      id = projection.documentId(envelope);
      fanOut = projection.fanOut?.(envelope) ?? null;
    } catch (error) {
      await this.recordReplayFailure(record, error);
      throw error;
    }
    if (fanOut !== null) {
      // The documents the fan-out reaches: those that applied it before it was parked are skipped by position.
      const batch = new ProjectionBatch(collection);
      const applied = await this.applyFanOut(projection, batch, envelope, fanOut, id, stored.position);
      if (!applied.ok) {
        await this.recordReplayFailure(record, applied.error);
        throw applied.error;
      }
      if (isErasureEvent(stored.type)) await this.compact(slot);
    }
    if (id === null) return;
    const current = await collection.get(id);
    if (current && current.position >= stored.position) {
      throw new ParkedEventSuperseded(projection.name, stored.position, id);
    }
    const doc = current?.doc ?? null;
    let next: Doc | null;
    try {
      next = projection.evolve(doc, envelope);
      if (next !== null && next.id !== id) {
        throw new Error(`evolve returned document ${next.id} for an event routed to ${id}`);
      }
    } catch (error) {
      await this.recordReplayFailure(record, error);
      throw error;
    }
    if (next === doc) return;
    const wrote = next === null ? await collection.delete(id, stored.position) : await collection.put(next, stored.position);
    // Refused by the guard: a tombstone from a later event, invisible to get().
    if (!wrote) throw new ParkedEventSuperseded(projection.name, stored.position, id);
  }

  private async recordReplayFailure(record: ParkedEvent, error: unknown): Promise<void> {
    const updated: ParkedEvent = { ...record, error: messageOf(error), attempts: record.attempts + 1 };
    await this.parkedCollection().put(updated, await this.nextParkSequence());
  }

  private async readEventAt(position: bigint): Promise<StoredEvent> {
    const page = await this.store.readAll({ after: position > 0n ? position - 1n : null, maxCount: 1 });
    const event = page.events[0];
    if (!event || event.position !== position) throw new Error(`no event at position ${position} in the log`);
    return event;
  }

  private async dropParked(projection: string): Promise<void> {
    const records = await this.listParked(projection);
    if (records.length === 0) return;
    const position = await this.nextParkSequence();
    await this.parkedCollection().writeMany(records.map((record) => ({ id: record.id, doc: null, position })));
  }

  private async nextParkSequence(): Promise<bigint> {
    const next = ((await this.readStore.checkpoints.get(PARK_SEQUENCE_CONSUMER)) ?? 0n) + 1n;
    await this.readStore.checkpoints.save(PARK_SEQUENCE_CONSUMER, next);
    return next;
  }

  private setCheckpoint(slot: Slot, checkpoint: bigint | null): void {
    slot.checkpoint = checkpoint;
    for (const waiter of this.waiters) {
      if (this.reached(waiter.position)) {
        this.waiters.delete(waiter);
        waiter.resolve();
      }
    }
  }

  private reached(position: bigint): boolean {
    return this.behind(position).length === 0;
  }

  private behind(position: bigint): { name: string; checkpoint: bigint | null }[] {
    return [...this.slots.values()]
      .filter((slot) => slot.checkpoint === null || slot.checkpoint < position)
      .map((slot) => ({ name: slot.projection.name, checkpoint: slot.checkpoint }));
  }
}

const positiveInteger = (name: string, value: number): number => {
  if (!Number.isInteger(value) || value < 1) throw new RangeError(`${name} must be a positive integer, got ${value}`);
  return value;
};

const compareBigInt = (a: bigint, b: bigint): number => (a < b ? -1 : a > b ? 1 : 0);

/** A promise we may stop waiting for: its later rejection must not be reported as unhandled. */
const quiet = <T>(promise: Promise<T>): Promise<T> => {
  promise.catch(() => undefined);
  return promise;
};

/**
 * The next event, or IDLE when none arrived within `idleMs`, or STOPPED. Built by
 * hand rather than with Promise.race, which would leave one reaction per call on
 * the long-lived abort promise.
 */
const nextOrIdle = <T>(
  pending: Promise<IteratorResult<T>>,
  signal: AbortSignal,
  idleMs: number | null,
): Promise<IteratorResult<T> | typeof IDLE | typeof STOPPED> =>
  new Promise((resolve, reject) => {
    if (signal.aborted) {
      resolve(STOPPED);
      return;
    }
    let timer: ReturnType<typeof setTimeout> | undefined;
    const settle = (finish: () => void): void => {
      clearTimeout(timer);
      signal.removeEventListener('abort', onAbort);
      finish();
    };
    const onAbort = (): void => settle(() => resolve(STOPPED));
    signal.addEventListener('abort', onAbort, { once: true });
    if (idleMs !== null) timer = setTimeout(() => settle(() => resolve(IDLE)), idleMs);
    pending.then(
      (result) => settle(() => resolve(result)),
      (error: unknown) => settle(() => reject(asError(error))),
    );
  });
