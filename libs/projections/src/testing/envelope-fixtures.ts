import type { EventSource, Message } from '#domain';
import type { EventEnvelope } from '#event-store';
import type { Doc } from '#read-store';
import type { Projection } from '../projection.js';

/** Test support for projection unit specs: envelopes without a store, and the runner's fold. */

export interface Place {
  readonly streamName: string;
  readonly revision: bigint;
  readonly position: bigint;
  /** metadata.occurredAt; default 2025-03-04T10:00:00.000Z. */
  readonly occurredAt?: string;
  readonly actorId?: string;
  readonly source?: EventSource;
  readonly eventId?: string;
}

export const envelopeOf = <E extends Message>(event: E, place: Place): EventEnvelope<E> => {
  const occurredAt = place.occurredAt ?? '2025-03-04T10:00:00.000Z';
  return {
    eventId: place.eventId ?? `event-${place.position}`,
    type: event.type,
    data: event.data,
    metadata: {
      actorId: place.actorId ?? 'user-1',
      occurredAt,
      commandId: `command-${place.position}`,
      correlationId: `command-${place.position}`,
      causationId: null,
      source: place.source ?? 'api',
      schemaVersion: 1,
    },
    streamName: place.streamName,
    revision: place.revision,
    position: place.position,
    recordedAt: new Date(Date.parse(occurredAt) + 10),
  };
};

/**
 * Applies events as the runner does: routed by documentId, skipping an event at
 * or below the position its document last applied. Starts from `from` (the
 * documents a previous fold returned) so that re-delivery can be tested.
 */
export const foldProjection = <D extends Doc>(
  projection: Projection<D>,
  events: readonly EventEnvelope[],
  from: ReadonlyMap<string, { readonly doc: D | null; readonly position: bigint }> = new Map(),
): Map<string, { doc: D | null; position: bigint }> => {
  const state = new Map(from);
  for (const event of events) {
    if (!projection.canHandle(event.type)) continue;
    const id = projection.documentId(event);
    if (id === null) continue;
    const current = state.get(id);
    if (current !== undefined && current.position >= event.position) continue;
    const doc = current?.doc ?? null;
    const next = projection.evolve(doc, event);
    if (next !== doc) state.set(id, { doc: next, position: event.position });
  }
  return state as Map<string, { doc: D | null; position: bigint }>;
};

/** The live documents of a fold, by id. */
export const docsOf = <D extends Doc>(state: ReadonlyMap<string, { readonly doc: D | null }>): Record<string, D> => {
  const docs: Record<string, D> = {};
  for (const [id, { doc }] of [...state].sort(([a], [b]) => a.localeCompare(b))) if (doc !== null) docs[id] = doc;
  return docs;
};
