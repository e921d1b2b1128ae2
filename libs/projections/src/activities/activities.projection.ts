import { reminderInstant, type ActivityEvent, type ActivityKind } from '#domain';
import type { EventEnvelope } from '#event-store';
import { eitherFanOut, mergeFanOut, mergeSelection, rekeyMoved } from '../shared/merge.js';
import type { CollectionDefinition } from '#read-store';
import type { Projection } from '../projection.js';
import { erasedText, erasureFanOut, erasureSelection } from '../shared/erasure.js';
import { eventSelection } from '../shared/event-selection.js';
import { utcInstant } from '../shared/read-model-keys.js';

/**
 * A task, call or meeting as the agenda lists it. A type alias (not an
 * interface) so it is a `Doc`. Instants are UTC ISO with milliseconds.
 */
export type ActivityEntry = {
  readonly id: string;
  readonly thirdPartyId: string;
  /** The absorbed third party while a merge makes the record read as the survivor's (docs/decisions/0029-merge.md). */
  readonly mergedFrom?: string;
  readonly contactIds: string[];
  readonly kind: ActivityKind;
  readonly title: string;
  readonly description: string | null;
  readonly assigneeId: string;
  readonly dueAt: string | null;
  readonly startAt: string | null;
  readonly endAt: string | null;
  /** dueAt of a task, startAt of a call or meeting: what lists sort and filter on, and reminders count back from. */
  readonly at: string;
  readonly reminders: string[];
  /** The earliest instant a reminder fires at; null without reminders. The reminder automation looks from there. */
  readonly remindFrom: string | null;
  readonly done: boolean;
  readonly doneAt: string | null;
  readonly status: 'SCHEDULED' | 'CANCELLED';
  readonly cancelledAt: string | null;
  readonly scheduledBy: string;
  readonly scheduledAt: string;
  readonly updatedAt: string;
  /** Revision of the activity's stream: the expectedVersion a client sends back. */
  readonly version: string;
  readonly lastPosition: string;
};

const selection = eventSelection<ActivityEvent>(['ActivityScheduled', 'ActivityUpdated', 'ActivityCompleted', 'ActivityReopened', 'ActivityCancelled']);

export const activitiesCollection: CollectionDefinition = {
  name: 'activities',
  indexes: ['thirdPartyId', 'contactIds', 'assigneeId', 'kind', 'at', 'remindFrom', 'done', 'status'],
  listFields: ['contactIds'],
};

/** `at` and `remindFrom` follow the times and reminders: recomputed on every change. */
const timed = <T extends Pick<ActivityEntry, 'dueAt' | 'startAt' | 'reminders'>>(entry: T): T & Pick<ActivityEntry, 'at' | 'remindFrom'> => {
  const at = entry.dueAt ?? entry.startAt ?? '';
  const first = entry.reminders[0];
  return { ...entry, at, remindFrom: first === undefined || at === '' ? null : reminderInstant(at, first) };
};

const INSTANT_FIELDS = new Set(['dueAt', 'startAt', 'endAt']);

export const evolveActivities = (doc: ActivityEntry | null, envelope: EventEnvelope): ActivityEntry | null => {
  // A forgotten third party or contact: the texts about them become markers; the schedule stays.
  if (erasureSelection.select(envelope) !== null) {
    return doc === null ? doc : { ...doc, title: erasedText(doc.title) ?? '', description: erasedText(doc.description), lastPosition: envelope.position.toString() };
  }
  if (mergeSelection.select(envelope) !== null) return rekeyMoved(doc, envelope);
  const event = selection.select(envelope);
  if (event === null) return doc;
  const recordedAt = utcInstant(event.metadata.occurredAt);
  const stamped = { updatedAt: recordedAt, version: event.revision.toString(), lastPosition: event.position.toString() };
  switch (event.type) {
    case 'ActivityScheduled': {
      const d = event.data;
      return timed({
        id: d.activityId,
        thirdPartyId: d.thirdPartyId,
        contactIds: d.contactIds,
        kind: d.kind,
        title: d.title,
        description: d.description,
        assigneeId: d.assigneeId,
        dueAt: d.dueAt,
        startAt: d.startAt,
        endAt: d.endAt,
        reminders: d.reminders,
        done: false,
        doneAt: null,
        status: 'SCHEDULED' as const,
        cancelledAt: null,
        scheduledBy: d.scheduledBy,
        scheduledAt: recordedAt,
        ...stamped,
      });
    }
    case 'ActivityUpdated': {
      if (doc === null) return doc;
      const next: Record<string, unknown> = { ...doc, contactIds: event.data.contactIds, ...stamped };
      for (const { field, to } of event.data.changes) {
        if (field in doc) next[field] = typeof to === 'string' && INSTANT_FIELDS.has(field) ? utcInstant(to) : to;
      }
      return timed(next as ActivityEntry);
    }
    case 'ActivityCompleted':
      return doc === null ? doc : { ...doc, done: true, doneAt: utcInstant(event.data.doneAt), ...stamped };
    case 'ActivityReopened':
      return doc === null ? doc : { ...doc, done: false, doneAt: null, ...stamped };
    case 'ActivityCancelled':
      return doc === null ? doc : { ...doc, status: 'CANCELLED', cancelledAt: recordedAt, ...stamped };
    default: {
      const unreachable: never = event;
      return unreachable;
    }
  }
};

export const activitiesProjection: Projection<ActivityEntry> = {
  name: 'activities.v1',
  collection: activitiesCollection,
  canHandle: (type) => selection.canHandle(type) || erasureSelection.canHandle(type) || mergeSelection.canHandle(type),
  documentId: (envelope) => selection.select(envelope)?.data.activityId ?? null,
  evolve: evolveActivities,
  fanOut: eitherFanOut(mergeFanOut('activityIds'), erasureFanOut({
    byThirdParty: (thirdPartyId) => [{ field: 'thirdPartyId', op: 'eq', value: thirdPartyId }],
    byContact: (contactId) => [{ field: 'contactIds', op: 'contains', value: contactId }],
  })),
  forgets: ['thirdParty', 'contact'],
};
