import type { Message } from '../shared/event.js';

export type ProposeErasure = Message<
  'ProposeErasure',
  { readonly proposalId: string; readonly policy: string; readonly thirdPartyId: string; readonly lastInteractionAt: string }
>;

export type ApproveErasure = Message<'ApproveErasure', { readonly proposalId: string }>;

export type RejectErasure = Message<'RejectErasure', { readonly proposalId: string; readonly reason: string }>;

export type WithdrawErasureProposal = Message<'WithdrawErasureProposal', { readonly proposalId: string }>;

export type RetentionReviewCommand = ProposeErasure | ApproveErasure | RejectErasure | WithdrawErasureProposal;
