import type { CommandContext, Decider, Message } from '#domain';
import type { EventCodec, EventEnvelope } from './codec.js';
import { WrongExpectedRevision, type EventStore, type StoredEvent } from './event-store.port.js';
import { foldStream } from './fold-stream.js';
import { idempotentEventId, randomIds, type IdGenerator } from './ids.js';

export interface CommandHandlerDeps {
  readonly store: EventStore;
  readonly codec: EventCodec;
  readonly ids?: IdGenerator;
}

export interface HandleCommandOptions {
  /**
   * The revision the client last saw (optimistic concurrency). When given, a
   * concurrent change is reported as WrongExpectedRevision, never re-decided.
   */
  readonly expectedRevision?: bigint;
  /** Re-decisions allowed on a conflict when no expectedRevision was given. */
  readonly maxRetries?: number;
}

export interface CommandResult<State, Event extends Message> {
  readonly state: State;
  /** Events this command appended (or had appended, for a replayed retry). */
  readonly events: EventEnvelope<Event>[];
  /** The stream's revision after the command; null when the stream is still empty. */
  readonly revision: bigint | null;
  /** Global position a reader must reach to see this command's effect. */
  readonly position: bigint | null;
  /** True when an earlier attempt with the same idempotency key already did the work. */
  readonly replayed: boolean;
}

/** Idempotency keys are scoped to the actor: two users cannot collide by choosing the same key. */
export const scopedIdempotencyKey = (context: CommandContext): string | null =>
  context.idempotencyKey ? `${context.actorId}\u0000${context.idempotencyKey}` : null;

const DEFAULT_RETRIES = 5;

/**
 * The write path: read the stream, fold it, decide, append with the revision
 * that was read. A retried command (same idempotency key) finds its own events
 * by their deterministic ids and returns the original result without appending.
 */
export async function handleCommand<State, Command extends Message, Event extends Message>(
  deps: CommandHandlerDeps,
  decider: Decider<State, Command, Event>,
  streamName: string,
  command: Command,
  context: CommandContext,
  options: HandleCommandOptions = {},
): Promise<CommandResult<State, Event>> {
  const ids = deps.ids ?? randomIds;
  const key = scopedIdempotencyKey(context);
  const retries = options.expectedRevision === undefined ? (options.maxRetries ?? DEFAULT_RETRIES) : 0;

  for (let attempt = 0; ; attempt++) {
    const { state, events: envelopes, revision, position: lastPosition } = await foldStream(deps, decider, streamName);

    if (key) {
      const earlier = findOwnEvents(envelopes, key, streamName);
      if (earlier) return { state, events: earlier, revision, position: earlier[earlier.length - 1]!.position, replayed: true };
    }

    if (options.expectedRevision !== undefined && options.expectedRevision !== (revision ?? -1n)) {
      throw new WrongExpectedRevision(streamName, options.expectedRevision, revision ?? 'no_stream');
    }

    const decided = decider.decide(command, state, context);
    if (decided.length === 0) return { state, events: [], revision, position: lastPosition, replayed: false };

    const metadata = {
      actorId: context.actorId,
      occurredAt: context.now.toISOString(),
      commandId: context.commandId,
      correlationId: context.correlationId,
      causationId: context.causationId,
      source: context.source,
    };
    // Throws SubjectForgotten when an event carries personal data about a forgotten subject.
    const keys = await deps.codec.prepareEncode(decided);
    const toAppend = decided.map((event, index) =>
      deps.codec.encode(event, metadata, key ? idempotentEventId(key, streamName, index) : ids.next(), keys),
    );

    try {
      const appended = await deps.store.append(streamName, toAppend, revision ?? 'no_stream');
      const firstRevision = appended.nextRevision - BigInt(toAppend.length) + 1n;
      const newState = decided.reduce(decider.evolve, state);
      const events = toAppend.map((event, index): EventEnvelope<Event> => {
        const storedEvent: StoredEvent = {
          ...event,
          streamName,
          revision: firstRevision + BigInt(index),
          // Only the last position is known from the append; earlier events of the
          // batch are before it, which is all a reader needs.
          position: appended.position,
          recordedAt: context.now,
        };
        // The keys that encrypted them: no second trip to the key store.
        return deps.codec.decode<Event>(storedEvent, keys);
      });
      return { state: newState, events, revision: appended.nextRevision, position: appended.position, replayed: false };
    } catch (error) {
      if (error instanceof WrongExpectedRevision && attempt < retries) continue;
      if (error instanceof WrongExpectedRevision && options.expectedRevision !== undefined) {
        throw new WrongExpectedRevision(streamName, options.expectedRevision, error.actual);
      }
      throw error;
    }
  }
}

function findOwnEvents<Event extends Message>(
  envelopes: EventEnvelope<Event>[],
  key: string,
  streamName: string,
): EventEnvelope<Event>[] | null {
  const firstId = idempotentEventId(key, streamName, 0);
  const start = envelopes.findIndex((e) => e.eventId === firstId);
  if (start === -1) return null;
  const own: EventEnvelope<Event>[] = [];
  for (let i = start; i < envelopes.length; i++) {
    if (envelopes[i]!.eventId !== idempotentEventId(key, streamName, i - start)) break;
    own.push(envelopes[i]!);
  }
  return own;
}
