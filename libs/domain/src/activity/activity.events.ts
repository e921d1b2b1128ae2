import type { Message } from '../shared/event.js';
import type { FieldChange } from '../shared/values.js';

export const activityKinds = ['TASK', 'CALL', 'MEETING'] as const;
export type ActivityKind = (typeof activityKinds)[number];

/**
 * An agenda item as scheduled: a task is due at an instant, a call or a meeting
 * runs from startAt to endAt. Instants are UTC ISO with milliseconds.
 */
export interface ActivityDetails {
  readonly thirdPartyId: string;
  readonly contactIds: string[];
  readonly kind: ActivityKind;
  readonly title: string;
  readonly description: string | null;
  /** The user who does it: reminders go to them, their calendar feed lists it. */
  readonly assigneeId: string;
  /** Tasks only. */
  readonly dueAt: string | null;
  /** Calls and meetings only. */
  readonly startAt: string | null;
  readonly endAt: string | null;
  /** ISO 8601 durations before dueAt/startAt (PT15M, PT2H, P1D), longest first. */
  readonly reminders: string[];
}

/** The fields an update may change, in the order its changes list them. */
export const activityDetailFields = [
  'contactIds',
  'kind',
  'title',
  'description',
  'assigneeId',
  'dueAt',
  'startAt',
  'endAt',
  'reminders',
] as const satisfies readonly (keyof ActivityDetails)[];

export type ActivityScheduled = Message<
  'ActivityScheduled',
  ActivityDetails & { readonly activityId: string; readonly scheduledBy: string }
>;

/** `contactIds` are the contacts after the update; `previousContactIds` those before (both are data subjects). */
export type ActivityUpdated = Message<
  'ActivityUpdated',
  {
    readonly activityId: string;
    readonly thirdPartyId: string;
    readonly contactIds: string[];
    readonly previousContactIds: string[];
    readonly changes: FieldChange[];
  }
>;

export type ActivityCompleted = Message<
  'ActivityCompleted',
  { readonly activityId: string; readonly thirdPartyId: string; readonly contactIds: string[]; readonly doneAt: string }
>;

export type ActivityReopened = Message<
  'ActivityReopened',
  { readonly activityId: string; readonly thirdPartyId: string; readonly contactIds: string[] }
>;

export type ActivityCancelled = Message<
  'ActivityCancelled',
  { readonly activityId: string; readonly thirdPartyId: string; readonly contactIds: string[]; readonly reason: string | null }
>;

export type ActivityEvent = ActivityScheduled | ActivityUpdated | ActivityCompleted | ActivityReopened | ActivityCancelled;
