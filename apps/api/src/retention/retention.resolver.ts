import { Args, Context, Mutation, Query, Resolver } from '@nestjs/graphql';
import type { FastifyRequest } from 'fastify';
import { NotFound, type RetentionReviewState } from '#domain';
import { RetentionQueueQueries, type ErasureProposalEntry, type ErasureProposalStatus } from '#projections';
import type { Viewer } from '#security';
import { RetentionReviews } from '../../../worker/src/retention/retention-reviews.js';
import { viewerOf } from '../auth/request-identity.js';
import { optionalUser, user } from '../graphql/common.types.js';
import { ReadConsistency } from '../graphql/read-consistency.js';
import { AFTER_ARG, FIRST_ARG, pageSize, toConnection } from '../graphql/relay.js';
import { CommandContextFactory } from '../shared/command-context.js';
import { entityId } from '../shared/input.js';
import { ThirdPartyScopes } from '../shared/third-party-scope.js';
import { toCertificate } from '../privacy/erasure.resolver.js';
import {
  ApproveErasureInput,
  ApproveErasurePayload,
  ErasureProposal,
  ErasureProposalConnection,
  ErasureProposalStatusEnum,
  RejectErasureInput,
  RejectErasurePayload,
} from './retention.types.js';

const fromEntry = (entry: ErasureProposalEntry): ErasureProposal => ({
  id: entry.id,
  policy: entry.policy,
  thirdPartyId: entry.thirdPartyId,
  lastInteractionAt: entry.lastInteractionAt,
  proposedAt: entry.proposedAt,
  status: entry.status,
  decidedAt: entry.decidedAt,
  decidedBy: optionalUser(entry.decidedBy),
  rejectionReason: entry.reason,
});

/** The proposal as the write side has it right after a decision. */
const fromState = (state: Exclude<RetentionReviewState, { status: 'none' }>): ErasureProposal => {
  const { proposalId, policy, thirdPartyId, lastInteractionAt, proposedAt } = state;
  const base = { id: proposalId, policy, thirdPartyId, lastInteractionAt, proposedAt };
  switch (state.status) {
    case 'pending':
      return { ...base, status: 'PENDING', decidedAt: null, decidedBy: null, rejectionReason: null };
    case 'approved':
      return { ...base, status: 'APPROVED', decidedAt: state.approvedAt, decidedBy: user(state.approvedBy), rejectionReason: null };
    case 'rejected':
      return { ...base, status: 'REJECTED', decidedAt: state.rejectedAt, decidedBy: user(state.rejectedBy), rejectionReason: state.reason };
    case 'withdrawn':
      return { ...base, status: 'WITHDRAWN', decidedAt: state.withdrawnAt, decidedBy: null, rejectionReason: null };
    default: {
      const unreachable: never = state;
      return unreachable;
    }
  }
};

/**
 * The retention queue: what the policies in APPROVAL mode found, and the
 * decisions on it. Everything here needs privacy.manage (operation-rules.ts);
 * a user limited to some third parties sees and decides only theirs.
 */
@Resolver(() => ErasureProposal)
export class RetentionResolver {
  constructor(
    private readonly queue: RetentionQueueQueries,
    private readonly reviews: RetentionReviews,
    private readonly contexts: CommandContextFactory,
    private readonly scopes: ThirdPartyScopes,
    private readonly consistency: ReadConsistency,
  ) {}

  @Query(() => ErasureProposalConnection, {
    description:
      'The erasure proposals waiting for a decision, oldest first; with `status`, the decided ones (who approved or rejected what, ' +
      'and why). Needs permission privacy.manage.',
  })
  async retentionQueue(
    @Args('first', FIRST_ARG) first: number | null,
    @Args('after', AFTER_ARG) after: string | null,
    @Args('policy', { type: () => String, nullable: true, description: 'Only the proposals of this retention policy.' }) policy: string | null,
    @Args('status', { type: () => ErasureProposalStatusEnum, nullable: true, description: 'Default PENDING.' }) status: ErasureProposalStatus | null,
    @Context('req') req: FastifyRequest,
  ): Promise<ErasureProposalConnection> {
    const size = pageSize(first);
    await this.consistency.await(req);
    const thirdPartyIds = await this.scopes.visibleIds(viewerOf(req));
    const page = await this.queue.list({ first: size, after: after ?? null, policy, status, thirdPartyIds });
    return toConnection(page, fromEntry);
  }

  @Mutation(() => ApproveErasurePayload, {
    description:
      'Forgets the proposal\'s third party and its contacts (erasure reason RETENTION_POLICY, the policy\'s name as the reference), then ' +
      'records the approval. Refused (CONFLICT) when the third party had an interaction since it was proposed. Needs permission privacy.manage.',
  })
  async approveErasure(@Args('input') input: ApproveErasureInput, @Context('req') req: FastifyRequest): Promise<ApproveErasurePayload> {
    const meta = this.contexts.create(req, input);
    const proposalId = await this.visibleProposal(input.proposalId, viewerOf(req));
    const result = await this.reviews.approve(proposalId, meta.context);
    return { ...this.payload(result.state, result.position), certificate: result.certificate === null ? null : toCertificate(result.certificate) };
  }

  @Mutation(() => RejectErasurePayload, {
    description:
      'Keeps the proposal\'s third party: the policy proposes it again only after a newer interaction has run out in turn. Needs permission privacy.manage.',
  })
  async rejectErasure(@Args('input') input: RejectErasureInput, @Context('req') req: FastifyRequest): Promise<RejectErasurePayload> {
    const meta = this.contexts.create(req, input);
    const proposalId = await this.visibleProposal(input.proposalId, viewerOf(req));
    const result = await this.reviews.reject(proposalId, input.reason, meta.context);
    return this.payload(result.state, result.position);
  }

  /** The proposal's id, when it exists and its third party is in the viewer's scope; otherwise NOT_FOUND either way. */
  private async visibleProposal(raw: string, viewer: Viewer): Promise<string> {
    const proposalId = entityId('proposalId', raw);
    if (viewer.scoped) {
      const state = await this.reviews.state(proposalId);
      if (state.status === 'none' || !(await this.scopes.canSee(viewer, state.thirdPartyId))) throw new NotFound('erasure proposal', proposalId);
    }
    return proposalId;
  }

  private payload(state: RetentionReviewState, position: bigint | null): { proposal: ErasureProposal; position: string } {
    // Deciders refuse to decide on a proposal that does not exist, so the stream is never empty here.
    if (state.status === 'none' || position === null) throw new Error('an erasure decision left no proposal');
    return { proposal: fromState(state), position: position.toString() };
  }
}
