import type { RetentionReviewEvent } from '#domain';
import type { EventEnvelope } from '#event-store';
import type { CollectionDefinition } from '#read-store';
import type { Projection } from '../projection.js';
import { eventSelection } from '../shared/event-selection.js';

export const erasureProposalStatuses = ['PENDING', 'APPROVED', 'REJECTED', 'WITHDRAWN'] as const;
export type ErasureProposalStatus = (typeof erasureProposalStatuses)[number];

/**
 * The latest erasure proposal of one retention policy for one third party, and
 * what became of it. Ids only: the events carry no personal data, and neither
 * does the queue. A type alias (not an interface) so it is a `Doc`.
 */
export type ErasureProposalEntry = {
  /** The proposal id, derived from the policy and the third party. */
  readonly id: string;
  readonly policy: string;
  readonly thirdPartyId: string;
  readonly lastInteractionAt: string;
  readonly proposedAt: string;
  readonly status: ErasureProposalStatus;
  /** When it was approved, rejected or withdrawn; null while pending. */
  readonly decidedAt: string | null;
  /** Who approved or rejected it; null while pending or when withdrawn by the automation. */
  readonly decidedBy: string | null;
  /** Why it was rejected. */
  readonly reason: string | null;
  readonly lastPosition: string;
};

const selection = eventSelection<RetentionReviewEvent>(['ErasureProposed', 'ErasureApproved', 'ErasureRejected', 'ErasureProposalWithdrawn']);

export const retentionQueueCollection: CollectionDefinition = {
  name: 'retention_queue',
  indexes: ['status', 'policy', 'thirdPartyId', 'proposedAt'],
};

const decided = (
  doc: ErasureProposalEntry | null,
  event: EventEnvelope,
  change: Pick<ErasureProposalEntry, 'status' | 'decidedAt' | 'decidedBy' | 'reason'>,
): ErasureProposalEntry | null =>
  // A decision always follows its proposal in the same stream, so the document exists.
  doc === null ? doc : { ...doc, ...change, lastPosition: event.position.toString() };

export const evolveRetentionQueue = (doc: ErasureProposalEntry | null, envelope: EventEnvelope): ErasureProposalEntry | null => {
  const event = selection.select(envelope);
  if (event === null) return doc;
  switch (event.type) {
    case 'ErasureProposed': {
      const { proposalId, policy, thirdPartyId, lastInteractionAt, proposedAt } = event.data;
      return {
        id: proposalId,
        policy,
        thirdPartyId,
        lastInteractionAt,
        proposedAt,
        status: 'PENDING',
        decidedAt: null,
        decidedBy: null,
        reason: null,
        lastPosition: event.position.toString(),
      };
    }
    case 'ErasureApproved':
      return decided(doc, event, { status: 'APPROVED', decidedAt: event.data.approvedAt, decidedBy: event.data.approvedBy, reason: null });
    case 'ErasureRejected': {
      const { rejectedAt, rejectedBy, reason } = event.data;
      return decided(doc, event, { status: 'REJECTED', decidedAt: rejectedAt, decidedBy: rejectedBy, reason });
    }
    case 'ErasureProposalWithdrawn':
      return decided(doc, event, { status: 'WITHDRAWN', decidedAt: event.data.withdrawnAt, decidedBy: null, reason: null });
    default: {
      const unreachable: never = event;
      return unreachable;
    }
  }
};

export const retentionQueueProjection: Projection<ErasureProposalEntry> = {
  name: 'retention-queue.v1',
  collection: retentionQueueCollection,
  canHandle: selection.canHandle,
  documentId: (envelope) => selection.select(envelope)?.data.proposalId ?? null,
  evolve: evolveRetentionQueue,
};
