import type { Message } from '#domain';
import type { EventEnvelope } from '#event-store';
import type { CollectionDefinition, Doc } from '#read-store';

/**
 * A read model: pure functions over events. The runner feeds it the global log
 * in order and stores what `evolve` returns, guarded by the event's position.
 */
export interface Projection<D extends Doc = Doc> {
  /** Checkpoint name. Bump its version suffix when the document shape changes, to rebuild. */
  readonly name: string;
  readonly collection: CollectionDefinition;
  canHandle(eventType: string): boolean;
  /** The document an event touches; null when this projection ignores that event. */
  documentId(event: EventEnvelope): string | null;
  /**
   * The new document, or null to delete it. Must be pure and deterministic.
   * Returning `doc` itself (same reference) means "unchanged": nothing is written.
   */
  evolve(doc: D | null, event: EventEnvelope): D | null;
}

/**
 * The envelopes of an event union, one per member, so that a switch on `type`
 * narrows `data` (EventEnvelope<A | B> would pair any type with any data).
 */
export type EnvelopeOf<E extends Message> = E extends Message ? EventEnvelope<E> : never;
