import { randomUUID } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import {
  StreamDeleted,
  WrongExpectedRevision,
  type AllSubscription,
  type EventStore,
  type ExpectedRevision,
  type NewEvent,
  type StoredEvent,
} from '../event-store.port.js';

export interface OpenedEventStore {
  readonly store: EventStore;
  /** Opens the same data again (after the test closed `store`); omitted when the engine cannot. */
  readonly reopen?: () => Promise<EventStore>;
  /** Closes whatever is still open and removes the data. */
  readonly cleanup: () => Promise<void>;
}

export interface ContractOptions {
  /** The store starts empty for every test (embedded files); false for a shared server. */
  readonly startsEmpty?: boolean;
  /** The log refuses an event id already used in any stream (SQLite); EventStoreDB only deduplicates retries. */
  readonly eventIdsUniqueAcrossStreams?: boolean;
}

/** How long a test waits for a subscription to deliver before it fails instead of hanging. */
const DELIVERY_TIMEOUT_MS = 5000;

/**
 * The behaviour every EventStore adapter must show. Stream names are unique per
 * test so the suite also runs against a shared EventStoreDB server, where other
 * writers may interleave events in $all: assertions on $all only look at the
 * test's own streams unless the store starts empty.
 */
export function eventStoreContract(
  name: string,
  open: () => Promise<OpenedEventStore>,
  options: ContractOptions = {},
): void {
  describe(`EventStore contract: ${name}`, () => {
    let opened: OpenedEventStore;
    let store: EventStore;
    const subscriptions: AllSubscription[] = [];

    beforeEach(async () => {
      opened = await open();
      store = opened.store;
    });

    afterEach(async () => {
      await Promise.all(subscriptions.splice(0).map((s) => s.close()));
      await opened.cleanup();
    });

    const subscribe = (after: bigint | null, batchSize?: number): AllSubscription => {
      const subscription = store.subscribeToAll(batchSize === undefined ? { after } : { after, batchSize });
      subscriptions.push(subscription);
      return subscription;
    };

    describe('append and read', () => {
      it('round-trips events with their data, metadata, type, id, revision and bigint position', async () => {
        const stream = streamName('roundtrip');
        const first = event('ThingCreated', { name: 'Zoë «Ünïcode» 🚀', nested: { list: [1, 2.5, null, true] } });
        const second = event('ThingRenamed', { name: 'x'.repeat(10_000) }, { actorId: 'user-1', schemaVersion: 2 });

        const result = await store.append(stream, [first, second], 'no_stream');

        expect(result.nextRevision).toBe(1n);
        expect(typeof result.position).toBe('bigint');
        const read = await store.readStream(stream);
        expect(read.map(strip)).toEqual([
          { ...first, streamName: stream, revision: 0n },
          { ...second, streamName: stream, revision: 1n },
        ]);
        expect(typeof read[0]!.position).toBe('bigint');
        expect(read[0]!.position).toBeLessThan(read[1]!.position);
        expect(read[1]!.position).toBe(result.position);
        for (const stored of read) {
          expect(stored.recordedAt).toBeInstanceOf(Date);
          expect(Number.isNaN(stored.recordedAt.getTime())).toBe(false);
        }
      });

      it('returns [] for a stream that does not exist', async () => {
        expect(await store.readStream(streamName('missing'))).toEqual([]);
      });

      it('refuses an empty append', async () => {
        await expect(store.append(streamName('empty'), [], 'any')).rejects.toThrow(/nothing to append/i);
      });

      it('continues revisions across appends', async () => {
        const stream = streamName('revisions');
        await store.append(stream, [event('A'), event('B')], 'no_stream');
        const result = await store.append(stream, [event('C')], 1n);
        expect(result.nextRevision).toBe(2n);
        expect((await store.readStream(stream)).map((e) => [e.type, e.revision])).toEqual([
          ['A', 0n],
          ['B', 1n],
          ['C', 2n],
        ]);
      });
    });

    describe('expected revision', () => {
      const expectWrongRevision = async (
        attempt: Promise<unknown>,
        stream: string,
        expected: ExpectedRevision,
        actual: bigint | 'no_stream',
      ): Promise<void> => {
        const error = await attempt.then(
          () => null,
          (e: unknown) => e,
        );
        expect(error).toBeInstanceOf(WrongExpectedRevision);
        expect(error).toMatchObject({ streamName: stream, expected, actual });
      };

      it("'no_stream' succeeds on a new stream and fails once it has events", async () => {
        const stream = streamName('nostream');
        await expect(store.append(stream, [event('A')], 'no_stream')).resolves.toMatchObject({ nextRevision: 0n });
        await expectWrongRevision(store.append(stream, [event('B')], 'no_stream'), stream, 'no_stream', 0n);
        expect(await store.readStream(stream)).toHaveLength(1);
      });

      it("'stream_exists' fails on a new stream and succeeds once it has events", async () => {
        const stream = streamName('exists');
        await expectWrongRevision(store.append(stream, [event('A')], 'stream_exists'), stream, 'stream_exists', 'no_stream');
        expect(await store.readStream(stream)).toEqual([]);
        await store.append(stream, [event('A')], 'no_stream');
        await expect(store.append(stream, [event('B')], 'stream_exists')).resolves.toMatchObject({ nextRevision: 1n });
      });

      it("'any' succeeds whatever the stream's state", async () => {
        const stream = streamName('any');
        await expect(store.append(stream, [event('A')], 'any')).resolves.toMatchObject({ nextRevision: 0n });
        await expect(store.append(stream, [event('B')], 'any')).resolves.toMatchObject({ nextRevision: 1n });
      });

      it('an exact revision must equal the revision of the last event', async () => {
        const stream = streamName('exact');
        await expectWrongRevision(store.append(stream, [event('A')], 0n), stream, 0n, 'no_stream');
        await store.append(stream, [event('A'), event('B')], 'no_stream');
        await expectWrongRevision(store.append(stream, [event('C')], 0n), stream, 0n, 1n);
        await expectWrongRevision(store.append(stream, [event('C')], 5n), stream, 5n, 1n);
        await expect(store.append(stream, [event('C')], 1n)).resolves.toMatchObject({ nextRevision: 2n });
        expect((await store.readStream(stream)).map((e) => e.type)).toEqual(['A', 'B', 'C']);
      });

      it('of concurrent appends with the same expected revision exactly one wins', async () => {
        const stream = streamName('race');
        await store.append(stream, [event('Created')], 'no_stream');

        const outcomes = await Promise.allSettled(
          Array.from({ length: 10 }, (_, i) => store.append(stream, [event('Raced', { i })], 0n)),
        );

        const won = outcomes.filter((o) => o.status === 'fulfilled');
        const lost = outcomes.flatMap((o) => (o.status === 'rejected' ? [o.reason as unknown] : []));
        expect(won).toHaveLength(1);
        expect(lost).toHaveLength(9);
        for (const error of lost) {
          expect(error).toBeInstanceOf(WrongExpectedRevision);
          expect(error).toMatchObject({ expected: 0n, actual: 1n });
        }
        expect((await store.readStream(stream)).map((e) => e.revision)).toEqual([0n, 1n]);
      });
    });

    describe('readStream options', () => {
      const fiveEvents = async (): Promise<string> => {
        const stream = streamName('read');
        await store.append(stream, ['E0', 'E1', 'E2', 'E3', 'E4'].map((type) => event(type)), 'no_stream');
        return stream;
      };
      const types = (events: StoredEvent[]): string[] => events.map((e) => e.type);

      it('reads backwards from the end', async () => {
        const stream = await fiveEvents();
        expect(types(await store.readStream(stream, { direction: 'backwards' }))).toEqual(['E4', 'E3', 'E2', 'E1', 'E0']);
        expect(types(await store.readStream(stream, { direction: 'backwards', maxCount: 2 }))).toEqual(['E4', 'E3']);
        expect(types(await store.readStream(stream, { direction: 'backwards', fromRevision: 2n }))).toEqual(['E2', 'E1', 'E0']);
        expect(types(await store.readStream(stream, { direction: 'backwards', fromRevision: 3n, maxCount: 2 }))).toEqual([
          'E3',
          'E2',
        ]);
      });

      it('reads forwards from an inclusive revision with a maximum count', async () => {
        const stream = await fiveEvents();
        expect(types(await store.readStream(stream, { fromRevision: 2n }))).toEqual(['E2', 'E3', 'E4']);
        expect(types(await store.readStream(stream, { fromRevision: 1n, maxCount: 2 }))).toEqual(['E1', 'E2']);
        expect(types(await store.readStream(stream, { maxCount: 1 }))).toEqual(['E0']);
        expect(await store.readStream(stream, { fromRevision: 5n })).toEqual([]);
      });
    });

    describe('$all', () => {
      it('pages after an exclusive position with strictly increasing positions across streams', async () => {
        const start = await store.headPosition();
        const mine = [streamName('all-a'), streamName('all-b'), streamName('all-c')];
        const written: string[] = [];
        for (let round = 0; round < 3; round++) {
          for (const stream of mine) {
            const e = event('Paged', { round });
            written.push(e.eventId);
            await store.append(stream, [e], 'any');
          }
        }

        const seen: StoredEvent[] = [];
        let after = start;
        let pages = 0;
        for (;;) {
          const page = await store.readAll({ after, maxCount: 2 });
          pages += 1;
          expect(page.events.length).toBeLessThanOrEqual(2);
          if (page.events.length > 0) {
            expect(page.events[0]!.position).toBeGreaterThan(after ?? -1n);
            expect(page.lastPosition).toBe(page.events[page.events.length - 1]!.position);
          } else {
            expect(page.lastPosition).toBe(after);
          }
          seen.push(...page.events);
          after = page.lastPosition;
          if (page.isEnd) break;
          expect(pages).toBeLessThan(1000);
        }

        for (let i = 1; i < seen.length; i++) expect(seen[i]!.position).toBeGreaterThan(seen[i - 1]!.position);
        const own = seen.filter((e) => mine.includes(e.streamName));
        expect(own.map((e) => e.eventId)).toEqual(written);
        if (options.startsEmpty) {
          expect(seen).toHaveLength(9);
          expect(pages).toBe(5);
        }

        const empty = await store.readAll({ after, maxCount: 10 });
        expect(empty).toMatchObject({ events: [], lastPosition: after, isEnd: true });
      });

      it('reads the whole log from the start when after is null', async () => {
        const stream = streamName('from-start');
        const appended = await store.append(stream, [event('A')], 'no_stream');
        const page = await store.readAll({ after: null, maxCount: options.startsEmpty ? 10 : 1 });
        expect(page.events.length).toBeGreaterThan(0);
        if (options.startsEmpty) {
          expect(page.events.map((e) => e.position)).toEqual([appended.position]);
          expect(page.isEnd).toBe(true);
        }
      });

      it('reports the head position', async () => {
        if (options.startsEmpty) expect(await store.headPosition()).toBeNull();
        const first = await store.append(streamName('head'), [event('A')], 'any');
        const head1 = await store.headPosition();
        expect(head1).not.toBeNull();
        expect(head1!).toBeGreaterThanOrEqual(first.position);
        const second = await store.append(streamName('head'), [event('B'), event('C')], 'any');
        const head2 = await store.headPosition();
        expect(head2!).toBeGreaterThanOrEqual(second.position);
        if (options.startsEmpty) {
          expect(head1).toBe(first.position);
          expect(head2).toBe(second.position);
        }
      });
    });

    describe('subscribeToAll', () => {
      it('catches up from a position, then delivers live appends', async () => {
        const before = await store.headPosition();
        const stream = streamName('sub');
        await store.append(stream, [event('Old1'), event('Old2')], 'no_stream');
        const subscription = subscribe(before, 1);

        expect((await nextOf(subscription, [stream])).type).toBe('Old1');
        expect((await nextOf(subscription, [stream])).type).toBe('Old2');

        // Nothing is left: the next delivery must be an append made after subscribing.
        const waiting = nextOf(subscription, [stream]);
        await sleep(20);
        await store.append(stream, [event('Live1')], 'any');
        const live = await waiting;
        expect(live.type).toBe('Live1');

        await store.append(stream, [event('Live2')], 'any');
        expect((await nextOf(subscription, [stream])).type).toBe('Live2');
      });

      it('starts strictly after the given position', async () => {
        const stream = streamName('sub-after');
        const first = await store.append(stream, [event('Skipped')], 'no_stream');
        await store.append(stream, [event('Wanted')], 'any');
        const subscription = subscribe(first.position);
        expect((await nextOf(subscription, [stream])).type).toBe('Wanted');
      });

      it('delivers in order, once each, and never two at a time to a slow handler', async () => {
        const before = await store.headPosition();
        const streamsUsed = [streamName('slow-a'), streamName('slow-b')];
        const subscription = subscribe(before, 3);
        const expected: string[] = [];
        for (let i = 0; i < 6; i++) {
          const e = event('Slow', { i });
          expected.push(e.eventId);
          await store.append(streamsUsed[i % 2]!, [e], 'any');
        }

        let inFlight = 0;
        let maxInFlight = 0;
        const received: StoredEvent[] = [];
        const handle = async (stored: StoredEvent): Promise<void> => {
          inFlight += 1;
          maxInFlight = Math.max(maxInFlight, inFlight);
          await sleep(5);
          received.push(stored);
          inFlight -= 1;
        };
        // Appends keep arriving while the handler is busy.
        const writer = (async () => {
          for (let i = 6; i < 10; i++) {
            const e = event('Slow', { i });
            expected.push(e.eventId);
            await store.append(streamsUsed[i % 2]!, [e], 'any');
            await sleep(3);
          }
        })();
        const consumer = (async () => {
          for await (const stored of withTimeout(subscription)) {
            if (!streamsUsed.includes(stored.streamName)) continue;
            await handle(stored);
            if (received.length === 10) break;
          }
        })();
        await Promise.all([writer, consumer]);

        expect(maxInFlight).toBe(1);
        expect(received.map((e) => e.eventId)).toEqual(expected);
        for (let i = 1; i < received.length; i++) {
          expect(received[i]!.position).toBeGreaterThan(received[i - 1]!.position);
        }
      });

      // Only where nothing else writes: every next() must land on one of this test's events.
      if (options.startsEmpty) {
        it('serves next() calls made without waiting one at a time, in order', async () => {
          const stream = streamName('eager');
          await store.append(stream, ['A', 'B', 'C', 'D'].map((type) => event(type)), 'no_stream');
          const subscription = subscribe(null, 2);

          const settledOrder: number[] = [];
          const calls = [0, 1, 2, 3].map((i) =>
            subscription.next().then((r) => {
              settledOrder.push(i);
              return r;
            }),
          );
          const results = await Promise.all(calls);
          expect(settledOrder).toEqual([0, 1, 2, 3]);
          expect(results.map((r) => (r.done ? null : r.value.type))).toEqual(['A', 'B', 'C', 'D']);
        });
      }

      it('close() ends the iterator, including a pending next()', async () => {
        const subscription = subscribe(await store.headPosition());
        const stream = streamName('close');
        const pending = nextOf(subscription, [stream]).then(
          (e) => e.type,
          (e: unknown) => e,
        );
        await sleep(20);
        await subscription.close();
        await expect(pending).resolves.toBeInstanceOf(EndedError);
        await expect(subscription.next()).resolves.toEqual({ done: true, value: undefined });
        await store.append(stream, [event('AfterClose')], 'any');
        await expect(subscription.next()).resolves.toEqual({ done: true, value: undefined });
      });

      it('return() ends the iterator, as breaking out of for await does', async () => {
        const before = await store.headPosition();
        const stream = streamName('return');
        await store.append(stream, [event('A'), event('B')], 'no_stream');
        const subscription = subscribe(before);
        for await (const stored of withTimeout(subscription)) {
          if (stored.streamName === stream) break;
        }
        await expect(subscription.next()).resolves.toEqual({ done: true, value: undefined });
        const other = subscribe(before);
        await expect(other.return!()).resolves.toEqual({ done: true, value: undefined });
        await expect(other.next()).resolves.toEqual({ done: true, value: undefined });
      });

      it('closing the store ends its live subscriptions', async () => {
        const subscription = subscribe(await store.headPosition());
        const pending = nextOf(subscription, [streamName('closing')]).then(
          () => 'delivered',
          (e: unknown) => e,
        );
        await sleep(20);
        await store.close();
        await expect(pending).resolves.toBeInstanceOf(EndedError);
      });
    });

    describe('deleteStream', () => {
      it('makes later reads and appends throw StreamDeleted; the events stay in $all', async () => {
        const before = await store.headPosition();
        const stream = streamName('deleted');
        const appended = await store.append(stream, [event('A'), event('B')], 'no_stream');

        await store.deleteStream(stream, 1n);

        await expect(store.readStream(stream)).rejects.toBeInstanceOf(StreamDeleted);
        await expect(store.readStream(stream)).rejects.toMatchObject({ streamName: stream });
        await expect(store.append(stream, [event('C')], 'any')).rejects.toBeInstanceOf(StreamDeleted);
        await expect(store.append(stream, [event('C')], 'no_stream')).rejects.toBeInstanceOf(StreamDeleted);
        const all = await readAllOf(store, before, [stream]);
        expect(all.map((e) => e.type)).toEqual(['A', 'B']);
        expect(all[1]!.position).toBe(appended.position);
      });

      it('checks the expected revision', async () => {
        const stream = streamName('delete-check');
        await store.append(stream, [event('A'), event('B')], 'no_stream');
        const error = await store.deleteStream(stream, 0n).then(
          () => null,
          (e: unknown) => e,
        );
        expect(error).toBeInstanceOf(WrongExpectedRevision);
        expect(error).toMatchObject({ expected: 0n, actual: 1n });
        expect(await store.readStream(stream)).toHaveLength(2);
        await store.deleteStream(stream, 'stream_exists');
        await expect(store.readStream(stream)).rejects.toBeInstanceOf(StreamDeleted);
      });
    });

    describe('event ids', () => {
      it('never stores an event id twice in a stream', async () => {
        const stream = streamName('dup');
        const original = event('Once');
        const first = await store.append(stream, [original], 'any');
        // Rejected, or recognised as the same write: either way one copy only.
        const again = await store.append(stream, [original], 'any').then(
          (result) => result,
          (e: unknown) => e,
        );
        if (again instanceof Error) {
          expect(again.message).toContain(original.eventId);
        } else {
          expect(again).toMatchObject({ position: first.position });
        }
        expect((await store.readStream(stream)).map((e) => e.eventId)).toEqual([original.eventId]);
      });

      if (options.eventIdsUniqueAcrossStreams) {
        it('rejects an event id already used in another stream, writing nothing', async () => {
          const original = event('Once');
          await store.append(streamName('dup-a'), [original], 'any');
          const other = streamName('dup-b');
          const attempt = store.append(other, [event('Fresh'), { ...event('Copy'), eventId: original.eventId }], 'any');
          await expect(attempt).rejects.toThrow(original.eventId);
          expect(await store.readStream(other)).toEqual([]);
        });
      }
    });

    it('keeps its events across a reopen (when the adapter offers one)', async () => {
      if (!opened.reopen) {
        console.warn(`${name}: no reopen() offered, durability across a reopen not checked`);
        return;
      }
      const stream = streamName('durable');
      const events = [event('A', { n: 1 }), event('B', { n: 2 })];
      const appended = await store.append(stream, events, 'no_stream');
      const before = await store.readStream(stream);
      await store.close();

      const reopened = await opened.reopen();
      expect(await reopened.readStream(stream)).toEqual(before);
      expect(await reopened.headPosition()).toBeGreaterThanOrEqual(appended.position);
      const next = await reopened.append(stream, [event('C')], 1n);
      expect(next.position).toBeGreaterThan(appended.position);
    });
  });
}

/** Raised by nextOf when the subscription ends before delivering. */
export class EndedError extends Error {
  constructor() {
    super('subscription ended');
    this.name = 'EndedError';
  }
}

export const streamName = (label: string): string => `contract${label.replace(/[^a-z]/gi, '')}-${randomUUID()}`;

export const event = (type: string, data: Record<string, unknown> = {}, metadata: Record<string, unknown> = {}): NewEvent => ({
  eventId: randomUUID(),
  type,
  data,
  metadata: { actorId: 'contract', ...metadata },
});

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

const strip = ({ position: _p, recordedAt: _r, ...rest }: StoredEvent) => rest;

/** The next event of one of `streams`, skipping others; fails instead of hanging. */
export async function nextOf(subscription: AllSubscription, streams: readonly string[]): Promise<StoredEvent> {
  const deadline = Date.now() + DELIVERY_TIMEOUT_MS;
  for (;;) {
    const remaining = deadline - Date.now();
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`no event of ${streams.join(', ')} within ${DELIVERY_TIMEOUT_MS} ms`)), remaining);
    });
    try {
      const result = await Promise.race([subscription.next(), timeout]);
      if (result.done) throw new EndedError();
      if (streams.includes(result.value.streamName)) return result.value;
    } finally {
      clearTimeout(timer);
    }
  }
}

async function* withTimeout(subscription: AllSubscription): AsyncGenerator<StoredEvent> {
  try {
    for (;;) {
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`no event within ${DELIVERY_TIMEOUT_MS} ms`)), DELIVERY_TIMEOUT_MS);
      });
      try {
        const result = await Promise.race([subscription.next(), timeout]);
        if (result.done) return;
        yield result.value;
      } finally {
        clearTimeout(timer);
      }
    }
  } finally {
    await subscription.return?.();
  }
}

async function readAllOf(store: EventStore, after: bigint | null, streams: readonly string[]): Promise<StoredEvent[]> {
  const found: StoredEvent[] = [];
  for (;;) {
    const page = await store.readAll({ after, maxCount: 100 });
    found.push(...page.events.filter((e) => streams.includes(e.streamName)));
    if (page.isEnd) return found;
    after = page.lastPosition;
  }
}
