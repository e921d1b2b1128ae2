import { DomainRuleViolated, InvalidInput, NotFound } from '../shared/errors.js';
import type { CommandContext, Decider } from '../shared/event.js';
import { diffFields, jsonEqual } from '../shared/field-changes.js';
import { requireActiveThirdParty, requireContactOf } from '../shared/references.js';
import { isoInstant, LIMITS, oneOf, optionalText, requiredText } from '../shared/validation.js';
import type { JsonValue } from '../shared/values.js';
import type { ContactReference } from '../exchange/exchange.commands.js';
import type { ActivityCommand, CancelActivity, CompleteActivity, ReopenActivity, ScheduleActivity, UpdateActivity } from './activity.commands.js';
import { activityDetailFields, activityKinds, type ActivityDetails, type ActivityEvent } from './activity.events.js';
import { reminderList } from './reminder-offset.js';

/**
 * A cancelled activity keeps what it was, so that its cancellation can still be
 * described; `thirdPartyId` sits at the top so that write scope judges it like
 * any record under a third party.
 */
export type ActivityState =
  | { readonly status: 'none' }
  | ({ readonly status: 'scheduled' } & ActivityRecord)
  | ({ readonly status: 'cancelled' } & ActivityRecord);

export interface ActivityRecord {
  readonly activityId: string;
  readonly thirdPartyId: string;
  readonly details: ActivityDetails;
  readonly doneAt: string | null;
}

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

const initialState = (): ActivityState => ({ status: 'none' });

const evolve = (state: ActivityState, event: ActivityEvent): ActivityState => {
  switch (event.type) {
    case 'ActivityScheduled': {
      const { activityId, scheduledBy: _scheduledBy, ...details } = event.data;
      return { status: 'scheduled', activityId, thirdPartyId: details.thirdPartyId, details, doneAt: null };
    }
    case 'ActivityUpdated': {
      if (state.status === 'none') return state;
      const details: Mutable<ActivityDetails> = { ...state.details, contactIds: event.data.contactIds };
      for (const { field, to } of event.data.changes) {
        if ((activityDetailFields as readonly string[]).includes(field)) (details as Record<string, unknown>)[field] = to;
      }
      return { ...state, details };
    }
    case 'ActivityCompleted':
      return state.status === 'none' ? state : { ...state, doneAt: event.data.doneAt };
    case 'ActivityReopened':
      return state.status === 'none' ? state : { ...state, doneAt: null };
    case 'ActivityCancelled':
      return state.status === 'none' ? state : { ...state, status: 'cancelled' };
    default: {
      const unreachable: never = event;
      return unreachable;
    }
  }
};

// ---------------------------------------------------------------------------
// validation

const longText = { max: LIMITS.longText, multiline: true } as const;

const validContacts = (references: readonly ContactReference[] | undefined, thirdPartyId: string, archivedAllowed: ReadonlySet<string>): string[] => {
  if (references === undefined) return [];
  if (!Array.isArray(references)) throw new InvalidInput('contactIds', 'must be a list');
  const ids: string[] = [];
  references.forEach((reference, index) => {
    const id = requireContactOf(reference, thirdPartyId, `contactIds[${index}]`, archivedAllowed);
    if (!ids.includes(id)) ids.push(id);
  });
  if (ids.length > LIMITS.listItems) throw new InvalidInput('contactIds', `must have at most ${LIMITS.listItems} items`);
  return ids;
};

const optionalInstant = (field: string, raw: unknown): string | null => (raw === null || raw === undefined ? null : isoInstant(field, raw));

/**
 * A task has a due instant and no time span; a call or a meeting has a span
 * that ends after it starts, and no due instant. Checked on the whole record,
 * so that an update changing the kind must bring the matching times.
 */
const requireTimesOfKind = (details: ActivityDetails): void => {
  if (details.kind === 'TASK') {
    if (details.dueAt === null) throw new InvalidInput('dueAt', 'is required for a TASK');
    if (details.startAt !== null) throw new InvalidInput('startAt', 'is only for a CALL or a MEETING; a TASK has a dueAt');
    if (details.endAt !== null) throw new InvalidInput('endAt', 'is only for a CALL or a MEETING; a TASK has a dueAt');
    return;
  }
  if (details.dueAt !== null) throw new InvalidInput('dueAt', `is only for a TASK; a ${details.kind} has a startAt and an endAt`);
  if (details.startAt === null) throw new InvalidInput('startAt', `is required for a ${details.kind}`);
  if (details.endAt === null) throw new InvalidInput('endAt', `is required for a ${details.kind}`);
  if (details.endAt <= details.startAt) throw new InvalidInput('endAt', 'must be after startAt');
};

const validAssignee = (raw: unknown, fallback: string): string => {
  if (raw === null || raw === undefined) return fallback;
  if (typeof raw !== 'string' || raw.length === 0) throw new InvalidInput('assigneeId', 'must be a user id');
  return raw;
};

// ---------------------------------------------------------------------------
// decisions

const schedule = (command: ScheduleActivity, state: ActivityState, context: CommandContext): ActivityEvent[] => {
  const d = command.data;
  const thirdPartyId = requireActiveThirdParty(d.thirdParty, 'thirdPartyId');
  const details: ActivityDetails = {
    thirdPartyId,
    contactIds: validContacts(d.contacts, thirdPartyId, new Set()),
    kind: oneOf('kind', d.kind, activityKinds),
    title: requiredText('title', d.title, { max: LIMITS.short }),
    description: optionalText('description', d.description, longText),
    assigneeId: validAssignee(d.assigneeId, context.actorId),
    dueAt: optionalInstant('dueAt', d.dueAt),
    startAt: optionalInstant('startAt', d.startAt),
    endAt: optionalInstant('endAt', d.endAt),
    reminders: reminderList('reminders', d.reminders ?? []),
  };
  requireTimesOfKind(details);
  if (state.status === 'cancelled') throw new DomainRuleViolated(`activity ${d.activityId} was cancelled`);
  if (state.status === 'scheduled') {
    // A repeated schedule (a retried logExchange) is a no-op; a different one under the same id is a conflict.
    if (jsonEqual(state.details as unknown as JsonValue, details as unknown as JsonValue)) return [];
    throw new DomainRuleViolated(`activity ${d.activityId} is already scheduled`);
  }
  return [{ type: 'ActivityScheduled', data: { activityId: d.activityId, ...details, scheduledBy: context.actorId } }];
};

type Live = Extract<ActivityState, { status: 'scheduled' }>;

/** Only a scheduled activity changes: unknown → NotFound, cancelled → conflict. */
const changeable = (state: ActivityState, activityId: string): Live => {
  if (state.status === 'none') throw new NotFound('activity', activityId);
  if (state.status === 'cancelled') throw new DomainRuleViolated(`activity ${activityId} is cancelled and cannot be changed`);
  return state;
};

const update = (command: UpdateActivity, state: ActivityState): ActivityEvent[] => {
  const d = command.data;
  const current = changeable(state, d.activityId);
  const before = current.details;
  const next: Mutable<ActivityDetails> = { ...before };
  // A contact already on the activity may stay after being archived; new ones must be active.
  if (d.contacts !== undefined) next.contactIds = validContacts(d.contacts, before.thirdPartyId, new Set(before.contactIds));
  if (d.kind !== undefined) next.kind = oneOf('kind', d.kind, activityKinds);
  if (d.title !== undefined) next.title = requiredText('title', d.title, { max: LIMITS.short });
  if (d.description !== undefined) next.description = optionalText('description', d.description, longText);
  if (d.assigneeId !== undefined) next.assigneeId = validAssignee(d.assigneeId, before.assigneeId);
  if (d.dueAt !== undefined) next.dueAt = optionalInstant('dueAt', d.dueAt);
  if (d.startAt !== undefined) next.startAt = optionalInstant('startAt', d.startAt);
  if (d.endAt !== undefined) next.endAt = optionalInstant('endAt', d.endAt);
  if (d.reminders !== undefined) next.reminders = reminderList('reminders', d.reminders);
  requireTimesOfKind(next);
  const changes = diffFields(before, next, activityDetailFields);
  if (changes.length === 0) return [];
  return [
    {
      type: 'ActivityUpdated',
      data: { activityId: d.activityId, thirdPartyId: before.thirdPartyId, contactIds: next.contactIds, previousContactIds: before.contactIds, changes },
    },
  ];
};

const complete = (command: CompleteActivity, state: ActivityState, context: CommandContext): ActivityEvent[] => {
  const current = changeable(state, command.data.activityId);
  if (current.doneAt !== null) return [];
  const { activityId, thirdPartyId, details } = current;
  return [{ type: 'ActivityCompleted', data: { activityId, thirdPartyId, contactIds: details.contactIds, doneAt: context.now.toISOString() } }];
};

const reopen = (command: ReopenActivity, state: ActivityState): ActivityEvent[] => {
  const current = changeable(state, command.data.activityId);
  if (current.doneAt === null) return [];
  const { activityId, thirdPartyId, details } = current;
  return [{ type: 'ActivityReopened', data: { activityId, thirdPartyId, contactIds: details.contactIds } }];
};

const cancel = (command: CancelActivity, state: ActivityState): ActivityEvent[] => {
  const { activityId } = command.data;
  if (state.status === 'none') throw new NotFound('activity', activityId);
  const reason = optionalText('reason', command.data.reason, longText);
  if (state.status === 'cancelled') return [];
  return [{ type: 'ActivityCancelled', data: { activityId, thirdPartyId: state.thirdPartyId, contactIds: state.details.contactIds, reason } }];
};

const decide = (command: ActivityCommand, state: ActivityState, context: CommandContext): ActivityEvent[] => {
  switch (command.type) {
    case 'ScheduleActivity':
      return schedule(command, state, context);
    case 'UpdateActivity':
      return update(command, state);
    case 'CompleteActivity':
      return complete(command, state, context);
    case 'ReopenActivity':
      return reopen(command, state);
    case 'CancelActivity':
      return cancel(command, state);
    default: {
      const unreachable: never = command;
      return unreachable;
    }
  }
};

export const activityDecider: Decider<ActivityState, ActivityCommand, ActivityEvent> = { initialState, evolve, decide };
