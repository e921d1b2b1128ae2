import type { Message } from '#domain';
import type { EventEnvelope } from '#event-store';
import type { CollectionDefinition, Doc, Filter } from '#read-store';

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
   * `previous` is only given to a chained projection (see `chain`).
   */
  evolve(doc: D | null, event: EventEnvelope, previous?: D | null): D | null;
  /**
   * The documents, besides `documentId`'s, an event must also be applied to: a
   * conjunction of filters on declared indexes, or null. The runner pages through
   * them (by id) and applies `evolve(doc, event)` to each, guarded by position
   * like any write. Used by erasure: one ContactForgotten reaches every exchange,
   * timeline entry and journal entry about the contact. The filters must read
   * fields that `evolve` leaves unchanged, so that paging is not disturbed.
   */
  fanOut?(event: EventEnvelope): readonly Filter[] | null;
  /**
   * The kinds of data subject whose personal data this read model replaces with
   * markers ("[erased]", [], null) when they are forgotten: listed on erasure
   * certificates. Absent: it holds none.
   */
  readonly forgets?: readonly ('thirdParty' | 'contact')[];
  /**
   * Set on a projection whose every document depends on the one before it in log
   * order (a hash chain). The runner then calls `evolve(null, event, previous)`
   * with the document it produced for the previous event (null at the start of
   * the log), and after a restart resumes from the document of the last
   * checkpointed event, which it finds through `orderField`. A parked event is
   * left out of the chain and cannot be replayed alone.
   */
  readonly chain?: ProjectionChain;
}

export interface ProjectionChain {
  /** A declared index whose string order is log order. */
  readonly orderField: string;
  /** The value of `orderField` for the document of the event at `position`. */
  orderKey(position: bigint): string;
}

/**
 * The envelopes of an event union, one per member, so that a switch on `type`
 * narrows `data` (EventEnvelope<A | B> would pair any type with any data).
 */
export type EnvelopeOf<E extends Message> = E extends Message ? EventEnvelope<E> : never;
