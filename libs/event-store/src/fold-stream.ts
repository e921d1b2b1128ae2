import type { Decider, Message } from '#domain';
import type { EventCodec, EventEnvelope } from './codec.js';
import type { EventStore, StoredEvent } from './event-store.port.js';

/** A stream read, decoded and folded with a decider's evolve. */
export interface FoldedStream<State, Event extends Message = Message> {
  readonly state: State;
  /** The decoded events that were folded, in stream order. */
  readonly events: EventEnvelope<Event>[];
  /** Revision of the last event folded; null when none was. */
  readonly revision: bigint | null;
  /** Global position of the last event folded; null when none was. */
  readonly position: bigint | null;
}

/**
 * Reads a stream and folds it from its start. With `until`, folding stops at the
 * first event it refuses: the state is then a prefix of the history, one the
 * entity really had (an as-of view).
 */
export async function foldStream<State, Event extends Message>(
  deps: { readonly store: EventStore; readonly codec: EventCodec },
  decider: Pick<Decider<State, Message, Event>, 'initialState' | 'evolve'>,
  streamName: string,
  until?: (event: EventEnvelope<Event>) => boolean,
): Promise<FoldedStream<State, Event>> {
  const stored: StoredEvent[] = await deps.store.readStream(streamName);
  const keys = await deps.codec.prepareDecode(stored);
  let state = decider.initialState();
  const events: EventEnvelope<Event>[] = [];
  for (const raw of stored) {
    // Decoded one by one: with `until`, the events after the first refused one need not be readable.
    const event = deps.codec.decode<Event>(raw, keys);
    if (until && !until(event)) break;
    state = decider.evolve(state, { type: event.type, data: event.data } as Event);
    events.push(event);
  }
  const last = events.at(-1);
  return { state, events, revision: last?.revision ?? null, position: last?.position ?? null };
}
