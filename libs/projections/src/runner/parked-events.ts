import type { CollectionDefinition } from '#read-store';

/**
 * An event a projection could not apply after its retries. The projection went
 * on without it; an operator fixes the code and replays it, or rebuilds.
 */
export type ParkedEvent = {
  /** `${projection}:${position}` */
  readonly id: string;
  readonly projection: string;
  /** Global position, as a decimal string. */
  readonly position: string;
  readonly eventId: string;
  readonly type: string;
  readonly streamName: string;
  readonly error: string;
  readonly attempts: number;
  /** ISO-8601 instant, from the runner's clock. */
  readonly parkedAt: string;
};

export const parkedEventsCollection: CollectionDefinition = {
  name: 'parked_events',
  indexes: ['projection', 'parkedAt'],
};

export const parkedEventId = (projection: string, position: bigint): string => `${projection}:${position}`;

/**
 * Park records are written under positions of their own, drawn from this
 * sequence (kept in the checkpoint store), not under the event's position:
 * deleting a record leaves a tombstone, and an event parked again after a
 * rebuild must be able to write over its old tombstone.
 */
export const PARK_SEQUENCE_CONSUMER = '$parked-events-sequence';
