import type { ContactEvent, ExchangeEvent, Message, NoteEvent, ThirdPartyEvent } from '#domain';
import type { EventEnvelope } from '#event-store';
import type { EnvelopeOf } from '../projection.js';

export type RelationshipEvent = ThirdPartyEvent | ContactEvent | ExchangeEvent | NoteEvent;

/** Every event type of the relationship core, for read models that follow all of them. */
export const relationshipEventTypes: readonly RelationshipEvent['type'][] = [
  'ThirdPartyRegistered',
  'ThirdPartyUpdated',
  'ThirdPartyOwnerAssigned',
  'ThirdPartyCategorised',
  'ThirdPartyArchived',
  'ProspectConverted',
  'ThirdPartyForgotten',
  'ContactAdded',
  'ContactUpdated',
  'ContactArchived',
  'ContactForgotten',
  'ExchangeLogged',
  'ExchangeUpdated',
  'ExchangeStatusChanged',
  'ExchangeDeleted',
  'NoteAdded',
];

/**
 * The events a read model follows: `canHandle` for the runner, and `select` to
 * narrow an envelope to the union whose `type` switch the compiler checks.
 */
export function eventSelection<E extends Message>(types: readonly E['type'][]): {
  readonly canHandle: (eventType: string) => boolean;
  readonly select: (event: EventEnvelope) => EnvelopeOf<E> | null;
} {
  const known: ReadonlySet<string> = new Set(types);
  return {
    canHandle: (eventType) => known.has(eventType),
    select: (event) => (known.has(event.type) ? (event as EnvelopeOf<E>) : null),
  };
}
