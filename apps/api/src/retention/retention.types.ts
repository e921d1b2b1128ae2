import { Field, ID, InputType, ObjectType, registerEnumType } from '@nestjs/graphql';
import { erasureProposalStatuses, type ErasureProposalStatus } from '#projections';
import { MutationInput, POSITION_DESCRIPTION, User } from '../graphql/common.types.js';
import { ErasureCertificate } from '../privacy/erasure.types.js';
import { ConnectionType } from '../graphql/relay.js';
import { DateTimeScalar } from '../graphql/scalars.js';

export const ErasureProposalStatusEnum = Object.fromEntries(erasureProposalStatuses.map((status) => [status, status])) as Record<
  ErasureProposalStatus,
  ErasureProposalStatus
>;

registerEnumType(ErasureProposalStatusEnum, {
  name: 'ErasureProposalStatus',
  description:
    'PENDING: waiting for a decision; APPROVED: the third party was forgotten; REJECTED: kept (proposed again only after a newer ' +
    'interaction); WITHDRAWN: it no longer qualified when the automation ran again.',
});

@ObjectType({
  description:
    'A third party a retention policy in APPROVAL mode found inactive for longer than it allows, queued for someone holding ' +
    'privacy.manage to forget or keep. Ids only: read the third party itself with Query.thirdParty.',
})
export class ErasureProposal {
  @Field(() => ID, { description: 'The same for a policy and a third party across runs.' })
  id!: string;

  @Field({ description: 'The name of the retention policy (SUIVI_RETENTION_FILE).' })
  policy!: string;

  @Field(() => ID)
  thirdPartyId!: string;

  @Field(() => DateTimeScalar, {
    description: 'What inactivity was counted from: the last exchange or note, or the registration (or conversion) when never contacted.',
  })
  lastInteractionAt!: string;

  @Field(() => DateTimeScalar)
  proposedAt!: string;

  @Field(() => ErasureProposalStatusEnum)
  status!: ErasureProposalStatus;

  @Field(() => DateTimeScalar, { nullable: true, description: 'When it was approved, rejected or withdrawn.' })
  decidedAt!: string | null;

  @Field(() => User, { nullable: true, description: 'Who approved or rejected it; null while pending or when withdrawn.' })
  decidedBy!: User | null;

  @Field(() => String, { nullable: true, description: 'Why it was rejected.' })
  rejectionReason!: string | null;
}

@ObjectType()
export class ErasureProposalConnection extends ConnectionType(ErasureProposal, 'ErasureProposal') {}

@InputType()
export class ApproveErasureInput extends MutationInput {
  @Field(() => ID, { description: 'ErasureProposal.id' })
  proposalId!: string;
}

@InputType()
export class RejectErasureInput extends MutationInput {
  @Field(() => ID, { description: 'ErasureProposal.id' })
  proposalId!: string;

  @Field({
    description:
      'Why the third party is kept, at most 200 characters on one line, e.g. "framework contract under renegotiation". Kept in clear ' +
      'as the record of the decision, even after a later erasure: write nothing about the person.',
  })
  reason!: string;
}

@ObjectType({ isAbstract: true })
abstract class ErasureDecisionPayload {
  @Field(() => ErasureProposal)
  proposal!: ErasureProposal;

  @Field({ description: POSITION_DESCRIPTION })
  position!: string;
}

@ObjectType()
export class ApproveErasurePayload extends ErasureDecisionPayload {
  @Field(() => ErasureCertificate, {
    nullable: true,
    description: 'The erasure\'s certificate; null when the approval had been recorded before (Query.erasureCertificate has it).',
  })
  certificate!: ErasureCertificate | null;
}

@ObjectType()
export class RejectErasurePayload extends ErasureDecisionPayload {}
