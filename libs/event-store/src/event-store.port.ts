/**
 * The EventStore port. Positions and revisions are bigint end to end:
 * EventStoreDB commit positions do not fit in a JS number.
 */

/** What the writer believes about the stream before appending. */
export type ExpectedRevision =
  | 'no_stream' // the stream must not exist yet
  | 'stream_exists' // the stream must exist, whatever its revision
  | 'any' // no check
  | bigint; // the exact revision of the last event in the stream

/** An event ready to be stored: already encoded by the codec. */
export interface NewEvent {
  readonly eventId: string;
  readonly type: string;
  /** JSON-serialisable payload, as produced by the codec. */
  readonly data: unknown;
  /** JSON-serialisable envelope metadata, as produced by the codec. */
  readonly metadata: Record<string, unknown>;
}

export interface StoredEvent extends NewEvent {
  readonly streamName: string;
  /** Zero-based index of the event in its stream. */
  readonly revision: bigint;
  /** Global, strictly increasing position in the log (not necessarily contiguous). */
  readonly position: bigint;
  readonly recordedAt: Date;
}

export interface AppendResult {
  /** Revision of the last event appended (the stream's new revision). */
  readonly nextRevision: bigint;
  /** Global position of the last event appended. */
  readonly position: bigint;
}

export interface ReadStreamOptions {
  readonly direction?: 'forwards' | 'backwards';
  /** Inclusive. Forwards default: 0; backwards default: the end. */
  readonly fromRevision?: bigint;
  readonly maxCount?: number;
}

export interface ReadAllOptions {
  /** Exclusive: events strictly after this position. null = from the start. */
  readonly after: bigint | null;
  readonly maxCount: number;
}

export interface ReadAllPage {
  readonly events: StoredEvent[];
  /** Pass as `after` to read the next page; equals the input when nothing was read. */
  readonly lastPosition: bigint | null;
  readonly isEnd: boolean;
}

/**
 * An ordered, pull-based subscription: the next event is fetched only when the
 * consumer asks for it, so two handlers can never overlap. Catches up from
 * `after`, then goes live.
 */
export interface AllSubscription extends AsyncIterableIterator<StoredEvent> {
  close(): Promise<void>;
}

export interface SubscribeOptions {
  readonly after: bigint | null;
  /** How many events to fetch per round trip while catching up. */
  readonly batchSize?: number;
}

export interface EventStore {
  append(streamName: string, events: readonly NewEvent[], expected: ExpectedRevision): Promise<AppendResult>;
  /** Events of one stream; [] when the stream does not exist; throws StreamDeleted. */
  readStream(streamName: string, options?: ReadStreamOptions): Promise<StoredEvent[]>;
  readAll(options: ReadAllOptions): Promise<ReadAllPage>;
  subscribeToAll(options: SubscribeOptions): AllSubscription;
  /** Position of the last event in the log, null when the log is empty. */
  headPosition(): Promise<bigint | null>;
  /** Deletes a stream: later reads and appends throw StreamDeleted. Its events stay in $all. */
  deleteStream(streamName: string, expected: ExpectedRevision): Promise<void>;
  close(): Promise<void>;
}

export class WrongExpectedRevision extends Error {
  constructor(
    readonly streamName: string,
    readonly expected: ExpectedRevision,
    /** The stream's current revision, or 'no_stream'. */
    readonly actual: bigint | 'no_stream',
  ) {
    super(`stream ${streamName}: expected revision ${String(expected)}, actual ${String(actual)}`);
    this.name = 'WrongExpectedRevision';
  }
}

export class StreamDeleted extends Error {
  constructor(readonly streamName: string) {
    super(`stream ${streamName} is deleted`);
    this.name = 'StreamDeleted';
  }
}

/** The store cannot accept writes (read-only data directory, disk full, …). */
export class EventStoreUnavailable extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'EventStoreUnavailable';
  }
}
