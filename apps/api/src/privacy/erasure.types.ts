import { Field, ID, InputType, Int, ObjectType, registerEnumType } from '@nestjs/graphql';
import { erasureReasons, type ErasureReason } from '#domain';
import { DataSubjectKind } from '../consent/consent.types.js';
import { MutationInput, POSITION_DESCRIPTION, User } from '../graphql/common.types.js';
import { DateTimeScalar } from '../graphql/scalars.js';

export const ErasureReasonEnum = Object.fromEntries(erasureReasons.map((reason) => [reason, reason])) as Record<ErasureReason, ErasureReason>;

registerEnumType(ErasureReasonEnum, {
  name: 'ErasureReason',
  description:
    'Why a person is forgotten: SUBJECT_REQUEST (their right to erasure), RETENTION_POLICY (kept longer than the policy allows), ' +
    'LEGAL_OBLIGATION, OTHER.',
});

@InputType({ description: 'Forgets a person: a contact, or a third party with every contact of it.' })
export class ForgetDataSubjectInput extends MutationInput {
  @Field(() => DataSubjectKind)
  subjectKind!: DataSubjectKind;

  @Field(() => ID)
  subjectId!: string;

  @Field(() => ErasureReasonEnum)
  reason!: ErasureReason;

  @Field(() => String, {
    nullable: true,
    description: 'A ticket or case number (at most 100 characters). Kept in clear with the erasure: it must not name the person.',
  })
  reference?: string | null;
}

@ObjectType({ description: 'Who was forgotten, by id: nothing else about them is left to show.' })
export class ErasedSubject {
  @Field(() => DataSubjectKind)
  kind!: DataSubjectKind;

  @Field(() => ID)
  id!: string;
}

@ObjectType({ description: 'The record of an erasure, for the controller: what was erased, when, by whom and why.' })
export class ErasureCertificate {
  @Field(() => ErasedSubject)
  subject!: ErasedSubject;

  @Field(() => ErasureReasonEnum)
  reason!: ErasureReason;

  @Field(() => String, { nullable: true })
  reference!: string | null;

  @Field(() => DateTimeScalar)
  forgottenAt!: string;

  @Field(() => User)
  forgottenBy!: User;

  @Field({ description: 'Log position of the event that recorded the erasure. Read models show markers once they have applied it (x-suivi-consistent-with).' })
  position!: string;

  @Field(() => [String], { description: 'The destroyed keys (`thirdParty:<id>`, `contact:<id>`), as found destroyed in the key store.' })
  keysDestroyed!: string[];

  @Field(() => [ID], { description: 'The contacts forgotten with a third party; empty for a contact.' })
  contactsForgotten!: string[];

  @Field(() => Int, { description: 'Events of the log whose personal data the destroyed keys protected: they now read "[erased]".' })
  eventsNowUnreadable!: number;

  @Field(() => Int, {
    description: 'Events about the person written before personal data was encrypted, which still hold it in clear: an operator must deal with them.',
  })
  eventsLeftInClear!: number;

  @Field(() => [String], { description: 'The read models that replace the personal data with markers.' })
  readModelsErased!: string[];

  @Field({ description: 'The whole certificate as canonical JSON (sorted keys, no spaces), to archive: the same text every time it is asked for.' })
  json!: string;
}

@ObjectType()
export class ForgetDataSubjectPayload {
  @Field({ description: POSITION_DESCRIPTION })
  position!: string;

  @Field(() => ErasureCertificate)
  certificate!: ErasureCertificate;
}
