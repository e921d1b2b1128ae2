import {
  followUpEventTypes,
  type FollowUpCancelReason,
  type FollowUpEvent,
  type FollowUpKind,
  type FollowUpMode,
  type FollowUpSkipReason,
} from '#domain';
import type { EventEnvelope } from '#event-store';
import { mergeFanOut, mergeSelection, rekeyMoved } from '../shared/merge.js';
import type { CollectionDefinition } from '#read-store';
import type { Projection } from '../projection.js';
import { eventSelection } from '../shared/event-selection.js';

/** What the log says of a step; the queue adds time (due, awaiting approval) when it is read. */
export type FollowUpStepRecord = 'SCHEDULED' | 'APPROVED' | 'DECIDED' | 'SENT' | 'SKIPPED' | 'CANCELLED';

export type FollowUpStepEntry = {
  readonly step: number;
  readonly mode: FollowUpMode;
  readonly dueAt: string;
  readonly record: FollowUpStepRecord;
  readonly messageId: string | null;
  readonly sentAt: string | null;
  readonly skipReason: FollowUpSkipReason | null;
  /** Failed hand-overs since the send was decided (retried each tick). */
  readonly failures: number;
  readonly lastError: string | null;
  /** When the record last changed (sent, skipped, approved…), by whom. */
  readonly changedAt: string;
  readonly changedBy: string | null;
};

/**
 * One follow-up and the steps of its current cycle. Ids only, like its events.
 * `open` and `nextDueAt` (the first step neither sent nor skipped, of a follow-up
 * not cancelled) are what the automation's tick looks up.
 */
export type FollowUpEntry = {
  readonly id: string;
  readonly kind: FollowUpKind;
  readonly thirdPartyId: string;
  /** The absorbed third party while a merge makes the record read as the survivor's (docs/decisions/0029-merge.md). */
  readonly mergedFrom?: string;
  readonly documentId: string | null;
  readonly ownerId: string | null;
  readonly cycle: number;
  readonly anchorAt: string;
  readonly language: string;
  readonly cancelReason: FollowUpCancelReason | null;
  readonly steps: FollowUpStepEntry[];
  readonly open: boolean;
  readonly nextDueAt: string | null;
  readonly lastPosition: string;
};

const selection = eventSelection<FollowUpEvent>(followUpEventTypes);

export const followUpsCollection: CollectionDefinition = {
  name: 'follow_ups',
  indexes: ['kind', 'thirdPartyId', 'documentId', 'ownerId', 'open', 'nextDueAt'],
};

const settled = (step: FollowUpStepEntry): boolean => step.record === 'SENT' || step.record === 'SKIPPED' || step.record === 'CANCELLED';

const withSteps = (doc: FollowUpEntry, steps: FollowUpStepEntry[], position: bigint, cancelReason = doc.cancelReason): FollowUpEntry => {
  const next = cancelReason === null ? steps.find((step) => !settled(step)) : undefined;
  return { ...doc, steps, cancelReason, open: next !== undefined, nextDueAt: next?.dueAt ?? null, lastPosition: position.toString() };
};

const changeStep = (
  doc: FollowUpEntry | null,
  event: EventEnvelope,
  cycle: number,
  number: number,
  change: (step: FollowUpStepEntry) => Partial<FollowUpStepEntry>,
): FollowUpEntry | null => {
  // A step event always follows its cycle's FollowUpScheduled; an older cycle's is history.
  if (doc === null || doc.cycle !== cycle) return doc;
  const steps = doc.steps.map((step) =>
    step.step === number ? { ...step, ...change(step), changedAt: event.metadata.occurredAt, changedBy: event.metadata.actorId } : step,
  );
  return withSteps(doc, steps, event.position);
};

export const evolveFollowUps = (doc: FollowUpEntry | null, envelope: EventEnvelope): FollowUpEntry | null => {
  if (mergeSelection.select(envelope) !== null) return rekeyMoved(doc, envelope);
  const event = selection.select(envelope);
  if (event === null) return doc;
  switch (event.type) {
    case 'FollowUpScheduled': {
      const { followUpId, kind, thirdPartyId, documentId, ownerId, cycle, anchorAt, language, steps, scheduledAt } = event.data;
      const entry: FollowUpEntry = {
        id: followUpId,
        kind,
        thirdPartyId,
        documentId,
        ownerId,
        cycle,
        anchorAt,
        language,
        cancelReason: null,
        steps: [],
        open: true,
        nextDueAt: null,
        lastPosition: '0',
      };
      const planned = steps.map(
        (plan): FollowUpStepEntry => ({
          step: plan.step,
          mode: plan.mode,
          dueAt: plan.dueAt,
          record: 'SCHEDULED',
          messageId: null,
          sentAt: null,
          skipReason: null,
          failures: 0,
          lastError: null,
          changedAt: scheduledAt,
          changedBy: null,
        }),
      );
      return withSteps(entry, planned, event.position);
    }
    case 'FollowUpSendDecided':
      return changeStep(doc, event, event.data.cycle, event.data.step, () => ({ record: 'DECIDED', messageId: event.data.messageId }));
    case 'FollowUpStepSent':
      return changeStep(doc, event, event.data.cycle, event.data.step, () => ({ record: 'SENT', messageId: event.data.messageId, sentAt: event.data.sentAt }));
    case 'FollowUpStepFailed':
      return changeStep(doc, event, event.data.cycle, event.data.step, () => ({ failures: event.data.attempt, lastError: event.data.error }));
    case 'FollowUpStepSkipped':
      return changeStep(doc, event, event.data.cycle, event.data.step, () => ({ record: 'SKIPPED', skipReason: event.data.reason }));
    case 'FollowUpStepSnoozed':
      return changeStep(doc, event, event.data.cycle, event.data.step, () => ({ dueAt: event.data.until }));
    case 'FollowUpStepApproved':
      return changeStep(doc, event, event.data.cycle, event.data.step, () => ({ record: 'APPROVED' }));
    case 'FollowUpCancelled': {
      if (doc === null || doc.cycle !== event.data.cycle) return doc;
      const steps = doc.steps.map((step) =>
        settled(step) ? step : { ...step, record: 'CANCELLED' as const, changedAt: event.data.cancelledAt, changedBy: event.data.cancelledBy },
      );
      return withSteps(doc, steps, event.position, event.data.reason);
    }
    default: {
      const unreachable: never = event;
      return unreachable;
    }
  }
};

export const followUpsProjection: Projection<FollowUpEntry> = {
  name: 'follow-ups.v1',
  collection: followUpsCollection,
  canHandle: (type) => selection.canHandle(type) || mergeSelection.canHandle(type),
  documentId: (envelope) => selection.select(envelope)?.data.followUpId ?? null,
  evolve: evolveFollowUps,
  fanOut: mergeFanOut('followUpIds'),
};
