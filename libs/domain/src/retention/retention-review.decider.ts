import { DomainRuleViolated, InvalidInput, NotFound } from '../shared/errors.js';
import type { CommandContext, Decider } from '../shared/event.js';
import { isoInstant, LIMITS, requiredText } from '../shared/validation.js';
import { RETENTION_POLICY_NAME } from './retention-policy.js';
import type {
  ApproveErasure,
  ProposeErasure,
  RejectErasure,
  RetentionReviewCommand,
  WithdrawErasureProposal,
} from './retention-review.commands.js';
import type { RetentionReviewEvent } from './retention-review.events.js';

export interface ErasureProposalFacts {
  readonly proposalId: string;
  readonly policy: string;
  readonly thirdPartyId: string;
  readonly lastInteractionAt: string;
}

type Proposal = ErasureProposalFacts & { readonly proposedAt: string };

/** The latest proposal of a policy for a third party, and what became of it. */
export type RetentionReviewState =
  | { readonly status: 'none' }
  | (Proposal & { readonly status: 'pending' })
  | (Proposal & { readonly status: 'approved'; readonly approvedAt: string; readonly approvedBy: string })
  | (Proposal & { readonly status: 'rejected'; readonly rejectedAt: string; readonly rejectedBy: string; readonly reason: string })
  | (Proposal & { readonly status: 'withdrawn'; readonly withdrawnAt: string });

/** A rejection's reason: a short justification, one line. */
export const REJECTION_REASON_MAX = LIMITS.short;

const initialState = (): RetentionReviewState => ({ status: 'none' });

const factsOf = ({ proposalId, policy, thirdPartyId, lastInteractionAt }: ErasureProposalFacts): ErasureProposalFacts => ({
  proposalId,
  policy,
  thirdPartyId,
  lastInteractionAt,
});

// A decision always follows its proposal in the stream; the fallback only keeps the state whole.
const proposedAt = (state: RetentionReviewState, decidedAt: string): string => (state.status === 'none' ? decidedAt : state.proposedAt);

const evolve = (state: RetentionReviewState, event: RetentionReviewEvent): RetentionReviewState => {
  switch (event.type) {
    case 'ErasureProposed':
      return { status: 'pending', ...factsOf(event.data), proposedAt: event.data.proposedAt };
    case 'ErasureApproved': {
      const { approvedAt, approvedBy } = event.data;
      return { status: 'approved', ...factsOf(event.data), proposedAt: proposedAt(state, approvedAt), approvedAt, approvedBy };
    }
    case 'ErasureRejected': {
      const { rejectedAt, rejectedBy, reason } = event.data;
      return { status: 'rejected', ...factsOf(event.data), proposedAt: proposedAt(state, rejectedAt), rejectedAt, rejectedBy, reason };
    }
    case 'ErasureProposalWithdrawn': {
      const { withdrawnAt } = event.data;
      return { status: 'withdrawn', ...factsOf(event.data), proposedAt: proposedAt(state, withdrawnAt), withdrawnAt };
    }
    default: {
      const unreachable: never = event;
      return unreachable;
    }
  }
};

const propose = (command: ProposeErasure, state: RetentionReviewState, context: CommandContext): RetentionReviewEvent[] => {
  const { proposalId, thirdPartyId } = command.data;
  if (!RETENTION_POLICY_NAME.test(command.data.policy)) throw new InvalidInput('policy', 'must be the name of a retention policy');
  if (thirdPartyId.length === 0) throw new InvalidInput('thirdPartyId', 'is required');
  const lastInteractionAt = isoInstant('lastInteractionAt', command.data.lastInteractionAt);
  const proposed: RetentionReviewEvent[] = [
    {
      type: 'ErasureProposed',
      data: { proposalId, policy: command.data.policy, thirdPartyId, lastInteractionAt, proposedAt: context.now.toISOString() },
    },
  ];
  switch (state.status) {
    case 'none':
    case 'withdrawn':
      return proposed;
    // Pending: already in the queue. Approved: the third party is forgotten.
    case 'pending':
    case 'approved':
      return [];
    // Kept on purpose: asked again only once a newer interaction has run out in turn.
    case 'rejected':
      return Date.parse(lastInteractionAt) > Date.parse(state.lastInteractionAt) ? proposed : [];
    default: {
      const unreachable: never = state;
      return unreachable;
    }
  }
};

const pendingOrRefuse = (state: RetentionReviewState, proposalId: string, verb: string) => {
  switch (state.status) {
    case 'none':
      throw new NotFound('erasure proposal', proposalId);
    case 'pending':
      return state;
    case 'approved':
      throw new DomainRuleViolated(`erasure proposal ${proposalId} was approved (the third party is forgotten): it cannot be ${verb}`);
    case 'rejected':
      throw new DomainRuleViolated(`erasure proposal ${proposalId} was rejected: it cannot be ${verb}`);
    case 'withdrawn':
      throw new DomainRuleViolated(`erasure proposal ${proposalId} was withdrawn (the third party no longer qualified): it cannot be ${verb}`);
    default: {
      const unreachable: never = state;
      return unreachable;
    }
  }
};

const approve = (command: ApproveErasure, state: RetentionReviewState, context: CommandContext): RetentionReviewEvent[] => {
  if (state.status === 'approved') return [];
  const pending = pendingOrRefuse(state, command.data.proposalId, 'approved');
  return [{ type: 'ErasureApproved', data: { ...factsOf(pending), approvedAt: context.now.toISOString(), approvedBy: context.actorId } }];
};

const reject = (command: RejectErasure, state: RetentionReviewState, context: CommandContext): RetentionReviewEvent[] => {
  const reason = requiredText('reason', command.data.reason, { max: REJECTION_REASON_MAX });
  if (state.status === 'rejected' && state.reason === reason) return [];
  const pending = pendingOrRefuse(state, command.data.proposalId, 'rejected');
  return [
    {
      type: 'ErasureRejected',
      data: { ...factsOf(pending), rejectedAt: context.now.toISOString(), rejectedBy: context.actorId, reason },
    },
  ];
};

const withdraw = (_command: WithdrawErasureProposal, state: RetentionReviewState, context: CommandContext): RetentionReviewEvent[] =>
  state.status === 'pending' ? [{ type: 'ErasureProposalWithdrawn', data: { ...factsOf(state), withdrawnAt: context.now.toISOString() } }] : [];

const decide = (command: RetentionReviewCommand, state: RetentionReviewState, context: CommandContext): RetentionReviewEvent[] => {
  switch (command.type) {
    case 'ProposeErasure':
      return propose(command, state, context);
    case 'ApproveErasure':
      return approve(command, state, context);
    case 'RejectErasure':
      return reject(command, state, context);
    case 'WithdrawErasureProposal':
      return withdraw(command, state, context);
    default: {
      const unreachable: never = command;
      return unreachable;
    }
  }
};

export const retentionReviewDecider: Decider<RetentionReviewState, RetentionReviewCommand, RetentionReviewEvent> = {
  initialState,
  evolve,
  decide,
};
