import type { Message } from '../shared/event.js';

/*
 * One stream per retention policy and third party (streams.retentionReview, the
 * proposal id derived from both): proposing twice finds the pending proposal,
 * and a rejection is remembered for the next runs. The events name the third
 * party by id only and carry no personal data, so they stay in clear and outlive
 * an erasure, as the record of who decided what and why.
 */

interface ProposalFacts {
  readonly proposalId: string;
  /** The policy's name. */
  readonly policy: string;
  readonly thirdPartyId: string;
  /** The instant inactivity was counted from (last interaction, or registration or conversion when never contacted). */
  readonly lastInteractionAt: string;
}

/** The automation found the third party past a policy in APPROVAL mode: someone must decide. */
export type ErasureProposed = Message<'ErasureProposed', ProposalFacts & { readonly proposedAt: string }>;

/** A person approved the erasure; the third party was forgotten just before this was recorded. */
export type ErasureApproved = Message<'ErasureApproved', ProposalFacts & { readonly approvedAt: string; readonly approvedBy: string }>;

/**
 * A person decided to keep the third party. `reason` is a short justification
 * kept in clear, for the record of why the data was kept: it must not describe
 * the person. The policy proposes it again only after a newer interaction.
 */
export type ErasureRejected = Message<
  'ErasureRejected',
  ProposalFacts & { readonly rejectedAt: string; readonly rejectedBy: string; readonly reason: string }
>;

/**
 * The third party no longer qualified when the automation ran again (a new
 * interaction, a conversion, a policy removed, or forgotten by another way):
 * the proposal leaves the queue undecided.
 */
export type ErasureProposalWithdrawn = Message<'ErasureProposalWithdrawn', ProposalFacts & { readonly withdrawnAt: string }>;

export type RetentionReviewEvent = ErasureProposed | ErasureApproved | ErasureRejected | ErasureProposalWithdrawn;
