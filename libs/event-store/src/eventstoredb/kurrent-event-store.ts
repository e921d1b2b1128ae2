import {
  ANY,
  BACKWARDS,
  END,
  FORWARDS,
  NO_STREAM,
  START,
  STREAM_EXISTS,
  AccessDeniedError,
  DeadlineExceededError,
  KurrentDBClient,
  StreamDeletedError,
  StreamNotFoundError,
  StreamTombstonedError,
  UnavailableError,
  WrongExpectedVersionError,
  excludeSystemEvents,
  jsonEvent,
  type AllStreamResolvedEvent,
  type AllStreamSubscription,
  type AppendStreamState,
  type JSONType,
  type ReadPosition,
  type ResolvedEvent,
  type StreamState,
} from '@kurrent/kurrentdb-client';
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
import { NothingToAppend } from '../sqlite/append-errors.js';
import { SerialSubscription } from '../serial-subscription.js';

/** Servers answer with this when a stream read carries no log position (servers older than 22.6). */
const NO_POSITION = 0xffffffffffffffffn;

/**
 * The production EventStore on EventStoreDB / KurrentDB.
 *
 * Positions: the port needs one strictly increasing bigint per event. Every append
 * through the gRPC API is an implicit transaction whose events are each written as
 * a self-committed prepare record, so each event's commit position equals its own
 * prepare position and is unique and increasing along $all. The commit position is
 * therefore that single number. To read strictly after position p we start at
 * {commit: p, prepare: p} — where the server includes the event at p itself — and
 * drop every event at or before p.
 *
 * System events ($-prefixed types, $$ metadata streams) are never part of our log:
 * readAll, headPosition and subscriptions filter them out on the server and again
 * here.
 */
export class KurrentEventStore implements EventStore {
  private readonly subscriptions = new Set<KurrentAllSubscription>();
  private closed = false;

  private constructor(private readonly client: KurrentDBClient) {}

  /** Accepts kurrentdb://, kurrent://, kdb:// and the older esdb:// scheme (with or without +discover). */
  static connect(connectionString: string): KurrentEventStore {
    const normalised = connectionString.replace(/^esdb(\+discover)?:\/\//i, (_match, discover: string | undefined) =>
      `kurrentdb${discover ?? ''}://`,
    );
    return new KurrentEventStore(KurrentDBClient.connectionString(normalised));
  }

  async append(streamName: string, events: readonly NewEvent[], expected: ExpectedRevision): Promise<AppendResult> {
    if (events.length === 0) throw new NothingToAppend(streamName);
    const payload = events.map((event) =>
      jsonEvent({ id: event.eventId, type: event.type, data: event.data as JSONType, metadata: event.metadata }),
    );
    try {
      const result = await this.client.appendToStream(streamName, payload, { streamState: toStreamState(expected) });
      // An append the server recognises as a retry of one it already stored succeeds
      // without a position: the stored events carry it.
      const position = result.position?.commit ?? (await this.lastPosition(streamName));
      return { nextRevision: result.nextExpectedRevision, position };
    } catch (error) {
      throw translate(error, streamName, expected);
    }
  }

  async readStream(streamName: string, options: ReadStreamOptions = {}): Promise<StoredEvent[]> {
    if (options.maxCount !== undefined && options.maxCount <= 0) return [];
    const backwards = options.direction === 'backwards';
    const events: StoredEvent[] = [];
    try {
      const reading = this.client.readStream(streamName, {
        direction: backwards ? BACKWARDS : FORWARDS,
        fromRevision: options.fromRevision ?? (backwards ? END : START),
        ...(options.maxCount !== undefined ? { maxCount: options.maxCount } : {}),
      });
      for await (const resolved of reading) {
        const stored = toStoredEvent(resolved);
        if (stored) events.push(stored);
      }
    } catch (error) {
      if (error instanceof StreamNotFoundError) return [];
      throw translate(error, streamName, 'any');
    }
    return events;
  }

  async readAll(options: ReadAllOptions): Promise<ReadAllPage> {
    const { after, maxCount } = options;
    if (maxCount <= 0) return { events: [], lastPosition: after, isEnd: false };
    const events: StoredEvent[] = [];
    let from = after;
    let exhausted = false;
    try {
      // One event more than asked tells whether this page is the last; the loop only
      // repeats when client-side filtering dropped events from a full server page.
      while (events.length <= maxCount) {
        const request = maxCount + 2 - events.length;
        let seen = 0;
        let last = from;
        const reading = this.client.readAll({
          fromPosition: toReadPosition(from),
          maxCount: request,
          filter: excludeSystemEvents(),
        });
        for await (const resolved of reading) {
          seen += 1;
          const position = resolved.event?.position?.commit ?? resolved.commitPosition;
          if (position === undefined || (from !== null && position <= from)) continue;
          last = position;
          const stored = toStoredEvent(resolved);
          if (stored) events.push(stored);
        }
        if (seen < request || last === from) {
          exhausted = true;
          break;
        }
        from = last;
      }
    } catch (error) {
      throw translate(error, '$all', 'any');
    }
    const page = events.slice(0, maxCount);
    return {
      events: page,
      lastPosition: page.length > 0 ? page[page.length - 1]!.position : after,
      isEnd: exhausted && events.length <= maxCount,
    };
  }

  subscribeToAll(options: SubscribeOptions): AllSubscription {
    const subscription = new KurrentAllSubscription(
      this.client,
      options.after,
      options.batchSize ?? 256,
      (s) => this.subscriptions.delete(s),
    );
    this.subscriptions.add(subscription);
    return subscription;
  }

  async headPosition(): Promise<bigint | null> {
    try {
      const reading = this.client.readAll({
        direction: BACKWARDS,
        fromPosition: END,
        maxCount: 1,
        filter: excludeSystemEvents(),
      });
      for await (const resolved of reading) {
        return resolved.event?.position?.commit ?? resolved.commitPosition ?? null;
      }
      return null;
    } catch (error) {
      throw translate(error, '$all', 'any');
    }
  }

  /**
   * Tombstones the stream: the port promises that later reads and appends fail,
   * which only a tombstone gives (a soft-deleted stream can be appended to again).
   * Its events stay in $all until the server's next scavenge.
   */
  async deleteStream(streamName: string, expected: ExpectedRevision): Promise<void> {
    let expectedRevision: StreamState;
    if (expected === 'stream_exists') {
      // The delete API has no "stream exists" condition: check it, then pin the revision seen.
      const current = await this.currentRevision(streamName);
      if (current === null) throw new WrongExpectedRevision(streamName, expected, 'no_stream');
      expectedRevision = current;
    } else {
      expectedRevision = expected === 'any' ? ANY : expected === 'no_stream' ? NO_STREAM : expected;
    }
    try {
      await this.client.tombstoneStream(streamName, { expectedRevision });
    } catch (error) {
      if (error instanceof WrongExpectedVersionError && error.actualState === undefined) {
        throw new WrongExpectedRevision(streamName, expected, (await this.currentRevision(streamName)) ?? 'no_stream');
      }
      throw translate(error, streamName, expected);
    }
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await Promise.all([...this.subscriptions].map((subscription) => subscription.close()));
    await this.client.dispose();
  }

  private async currentRevision(streamName: string): Promise<bigint | null> {
    const [last] = await this.readStream(streamName, { direction: 'backwards', maxCount: 1 });
    return last ? last.revision : null;
  }

  private async lastPosition(streamName: string): Promise<bigint> {
    const [last] = await this.readStream(streamName, { direction: 'backwards', maxCount: 1 });
    if (!last) throw new Error(`stream ${streamName} is empty right after an append`);
    return last.position;
  }
}

function toStreamState(expected: ExpectedRevision): AppendStreamState {
  switch (expected) {
    case 'any':
      return ANY;
    case 'no_stream':
      return NO_STREAM;
    case 'stream_exists':
      return STREAM_EXISTS;
    default:
      return expected;
  }
}

const toReadPosition = (after: bigint | null): ReadPosition =>
  after === null ? START : { commit: after, prepare: after };

function isSystem(type: string, streamName: string): boolean {
  return type.startsWith('$') || streamName.startsWith('$');
}

function toStoredEvent(resolved: ResolvedEvent | AllStreamResolvedEvent): StoredEvent | null {
  const event = resolved.event;
  if (!event || isSystem(event.type, event.streamId)) return null;
  const position = event.position?.commit ?? resolved.commitPosition;
  if (position === undefined || position === NO_POSITION) {
    throw new Error(
      `the EventStoreDB server did not report the log position of ${event.streamId}@${event.revision}; Suivi needs KurrentDB / EventStoreDB 22.6 or later`,
    );
  }
  const data = event.data instanceof Uint8Array ? (JSON.parse(Buffer.from(event.data).toString('utf8')) as unknown) : event.data;
  const metadata =
    event.metadata && typeof event.metadata === 'object' && !(event.metadata instanceof Uint8Array) && !Array.isArray(event.metadata)
      ? (event.metadata as Record<string, unknown>)
      : {};
  return {
    eventId: event.id,
    type: event.type,
    data,
    metadata,
    streamName: event.streamId,
    revision: event.revision,
    position,
    recordedAt: event.created,
  };
}

/** Some calls (server feature discovery) reject with the raw gRPC error: status 14 UNAVAILABLE, 4 DEADLINE_EXCEEDED. */
function isGrpcUnavailable(error: unknown): boolean {
  const code = typeof error === 'object' && error !== null ? (error as { code?: unknown }).code : undefined;
  return code === 14 || code === 4;
}

function translate(error: unknown, streamName: string, expected: ExpectedRevision): unknown {
  if (error instanceof WrongExpectedVersionError) {
    const actual = error.actualState;
    return new WrongExpectedRevision(
      streamName,
      expected,
      // The server reports deleted or missing streams with negative sentinels.
      typeof actual === 'bigint' && actual >= 0n ? actual : 'no_stream',
    );
  }
  if (error instanceof StreamDeletedError || error instanceof StreamTombstonedError) return new StreamDeleted(streamName);
  if (error instanceof UnavailableError || error instanceof DeadlineExceededError || isGrpcUnavailable(error)) {
    return new EventStoreUnavailable(
      `EventStoreDB is unreachable or too slow (${(error as Error).message}); the operation was not carried out. Check that the server in EVENTSTORE_URL is running and reachable, then retry.`,
      { cause: error },
    );
  }
  if (error instanceof AccessDeniedError) {
    return new EventStoreUnavailable(
      `EventStoreDB refused access (${error.message}); check the credentials in EVENTSTORE_URL and the user's stream ACLs.`,
      { cause: error },
    );
  }
  return error;
}

/**
 * Pull-based over the server's catch-up subscription: the gRPC subscription is
 * opened by the first next(), and the client's readable stream buffers at most
 * `batchSize` events (backpressure), so each next() hands over one event and
 * next() calls are chained so deliveries never overlap.
 */
class KurrentAllSubscription extends SerialSubscription {
  private source: AllStreamSubscription | null = null;
  private iterator: AsyncIterator<AllStreamResolvedEvent> | null = null;
  private closed = false;
  private readonly closedSignal: Promise<IteratorResult<StoredEvent>>;
  private signalClosed: () => void = () => undefined;

  constructor(
    private readonly client: KurrentDBClient,
    private cursor: bigint | null,
    private readonly batchSize: number,
    private readonly onClose: (subscription: KurrentAllSubscription) => void,
  ) {
    super();
    this.closedSignal = new Promise((resolve) => {
      this.signalClosed = () => resolve({ done: true, value: undefined });
    });
  }

  override async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.signalClosed();
    this.onClose(this);
    const source = this.source;
    if (source) {
      await source.unsubscribe().catch(() => undefined);
      source.destroy();
    }
  }

  protected async pull(): Promise<IteratorResult<StoredEvent>> {
    while (!this.closed) {
      this.iterator ??= this.open();
      const next = this.iterator.next();
      // The losing side of the race may reject once the stream is destroyed.
      next.catch(() => undefined);
      let result: IteratorResult<AllStreamResolvedEvent | StoredEvent>;
      try {
        result = await Promise.race([next, this.closedSignal]);
      } catch (error) {
        if (this.closed) break;
        throw translate(error, '$all', 'any');
      }
      if (this.closed || result.done) break;
      const resolved = result.value as AllStreamResolvedEvent;
      const position = resolved.event?.position?.commit ?? resolved.commitPosition;
      if (position === undefined || (this.cursor !== null && position <= this.cursor)) continue;
      const stored = toStoredEvent(resolved);
      if (!stored) continue;
      this.cursor = position;
      return { done: false, value: stored };
    }
    return { done: true, value: undefined };
  }

  private open(): AsyncIterator<AllStreamResolvedEvent> {
    this.source = this.client.subscribeToAll(
      { fromPosition: toReadPosition(this.cursor), filter: excludeSystemEvents() },
      { highWaterMark: this.batchSize },
    );
    return this.source[Symbol.asyncIterator]();
  }
}
