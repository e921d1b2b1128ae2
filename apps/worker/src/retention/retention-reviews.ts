import {
  DomainRuleViolated,
  retentionReviewDecider,
  streams,
  type CommandContext,
  type RetentionReviewCommand,
  type RetentionReviewState,
} from '#domain';
import { foldStream, handleCommand, uuidV5, type EventCodec, type EventStore, type IdGenerator } from '#event-store';
import { timedCommand } from '../observability/command-metrics.js';
import type { DirectoryQueries } from '#projections';
import type { DataSubjectErasure, ErasureCertificate } from '#security';
import { isForgotten } from './retention-subjects.js';

/** The proposal of a policy for a third party has one id, whichever run or process proposes it. */
export const erasureProposalId = (policy: string, thirdPartyId: string): string => uuidV5(`erasureProposal:${policy}:${thirdPartyId}`);

export interface RetentionReviewsDeps {
  readonly store: EventStore;
  readonly codec: EventCodec;
  readonly ids: IdGenerator;
  readonly erasure: Pick<DataSubjectErasure, 'forget'>;
  readonly directory: DirectoryQueries;
}

export interface ReviewWritten {
  readonly state: RetentionReviewState;
  /** Position of the command's last event, or of the stream's last one when the command changed nothing. */
  readonly position: bigint | null;
  /** Whether the command appended anything. */
  readonly changed: boolean;
}

export interface ErasureApprovedResult extends ReviewWritten {
  /** The erasure's certificate; null when the approval had been recorded already. */
  readonly certificate: ErasureCertificate | null;
}

/**
 * The write side of the retention queue, without Nest: the automation proposes
 * and withdraws, people approve and reject (the API). Approving forgets the
 * third party first and records the approval after, so a crash in between
 * leaves a pending proposal whose approval, retried, finds the subject
 * forgotten already and only records it.
 */
export class RetentionReviews {
  constructor(private readonly deps: RetentionReviewsDeps) {}

  async state(proposalId: string): Promise<RetentionReviewState> {
    return (await foldStream(this.deps, retentionReviewDecider, streams.retentionReview(proposalId))).state;
  }

  propose(input: { policy: string; thirdPartyId: string; lastInteractionAt: string }, context: CommandContext): Promise<ReviewWritten> {
    const proposalId = erasureProposalId(input.policy, input.thirdPartyId);
    return this.execute(proposalId, { type: 'ProposeErasure', data: { proposalId, ...input } }, context);
  }

  /** Whether proposing would queue the third party (nothing is written): for dry runs. */
  async wouldPropose(input: { policy: string; thirdPartyId: string; lastInteractionAt: string }, context: CommandContext): Promise<boolean> {
    const proposalId = erasureProposalId(input.policy, input.thirdPartyId);
    const state = await this.state(proposalId);
    return retentionReviewDecider.decide({ type: 'ProposeErasure', data: { proposalId, ...input } }, state, context).length > 0;
  }

  withdraw(proposalId: string, context: CommandContext): Promise<ReviewWritten> {
    return this.execute(proposalId, { type: 'WithdrawErasureProposal', data: { proposalId } }, context);
  }

  reject(proposalId: string, reason: string, context: CommandContext): Promise<ReviewWritten> {
    return this.execute(proposalId, { type: 'RejectErasure', data: { proposalId, reason } }, context);
  }

  /**
   * Forgets the third party (reason RETENTION_POLICY, the policy's name as the
   * reference) and records who approved. Forgetting is idempotent, so an
   * approval interrupted between the two is finished by approving again.
   * Refused when the directory shows an interaction newer than the one the
   * proposal was made on: the third party no longer qualifies, and the next
   * run withdraws the proposal.
   */
  async approve(proposalId: string, context: CommandContext): Promise<ErasureApprovedResult> {
    const state = await this.state(proposalId);
    let certificate: ErasureCertificate | null = null;
    if (state.status === 'pending') {
      const entry = await this.deps.directory.get(state.thirdPartyId);
      const latest = entry === null || isForgotten(entry) ? null : entry.lastInteractionAt;
      if (latest !== null && Date.parse(latest) > Date.parse(state.lastInteractionAt)) {
        throw new DomainRuleViolated(
          `third party ${state.thirdPartyId} has had an interaction (${latest}) since it was proposed for erasure: ` +
            'it no longer qualifies, and the next retention run withdraws the proposal',
        );
      }
      certificate = await this.deps.erasure.forget(
        { subject: { kind: 'thirdParty', id: state.thirdPartyId }, reason: 'RETENTION_POLICY', reference: state.policy },
        context,
      );
    }
    const written = await this.execute(proposalId, { type: 'ApproveErasure', data: { proposalId } }, context);
    return { ...written, certificate };
  }

  private async execute(proposalId: string, command: RetentionReviewCommand, context: CommandContext): Promise<ReviewWritten> {
    const result = await timedCommand(command.type, () => handleCommand(this.deps, retentionReviewDecider, streams.retentionReview(proposalId), command, context));
    return { state: result.state, position: result.position, changed: result.events.length > 0 && !result.replayed };
  }
}
