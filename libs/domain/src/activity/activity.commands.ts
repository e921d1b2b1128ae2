import type { ThirdPartyReference } from '../contact/contact.commands.js';
import type { ContactReference } from '../exchange/exchange.commands.js';
import type { Message } from '../shared/event.js';

export type ScheduleActivity = Message<
  'ScheduleActivity',
  {
    readonly activityId: string;
    readonly thirdParty: ThirdPartyReference | null;
    readonly contacts: readonly ContactReference[];
    readonly kind: string;
    readonly title: string;
    readonly description?: string | null;
    /** Defaults to the actor. */
    readonly assigneeId?: string | null;
    readonly dueAt?: string | null;
    readonly startAt?: string | null;
    readonly endAt?: string | null;
    readonly reminders?: readonly string[];
  }
>;

/** Only fields present change; null clears a clearable field. `contacts` (when given) replaces the contacts. */
export type UpdateActivity = Message<
  'UpdateActivity',
  {
    readonly activityId: string;
    readonly contacts?: readonly ContactReference[];
    readonly kind?: string;
    readonly title?: string;
    readonly description?: string | null;
    readonly assigneeId?: string;
    readonly dueAt?: string | null;
    readonly startAt?: string | null;
    readonly endAt?: string | null;
    readonly reminders?: readonly string[];
  }
>;

export type CompleteActivity = Message<'CompleteActivity', { readonly activityId: string }>;
export type ReopenActivity = Message<'ReopenActivity', { readonly activityId: string }>;
export type CancelActivity = Message<'CancelActivity', { readonly activityId: string; readonly reason?: string | null }>;

export type ActivityCommand = ScheduleActivity | UpdateActivity | CompleteActivity | ReopenActivity | CancelActivity;
