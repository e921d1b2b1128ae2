import { Field, ID, InputType, ObjectType, registerEnumType } from '@nestjs/graphql';
import {
  consentChannels,
  consentDecisions,
  consentMethods,
  consentPurposes,
  type ConsentChannel,
  type ConsentDecision,
  type ConsentMethod,
  type ConsentPurpose,
} from '#domain';
import { MutationInput, POSITION_DESCRIPTION, User } from '../graphql/common.types.js';
import { ConnectionType } from '../graphql/relay.js';
import { DateTimeScalar } from '../graphql/scalars.js';

const enumOf = <T extends string>(values: readonly T[]): Record<T, T> => Object.fromEntries(values.map((v) => [v, v])) as Record<T, T>;

export const ConsentPurposeEnum = enumOf(consentPurposes);
export const ConsentChannelEnum = enumOf(consentChannels);
export const ConsentDecisionEnum = enumOf(consentDecisions);
export const ConsentMethodEnum = enumOf(consentMethods);

/** The GraphQL spelling of a data subject's kind; the domain's is `contact` | `thirdParty`. */
export enum DataSubjectKind {
  CONTACT = 'CONTACT',
  THIRD_PARTY = 'THIRD_PARTY',
}

registerEnumType(ConsentPurposeEnum, {
  name: 'ConsentPurpose',
  description:
    'What a person consents or objects to. FOLLOW_UP_EMAIL (quote and invoice follow-ups) rests on legitimate interest: sent until the person objects. The others are opt-in: nothing is sent without a consent in force.',
});
registerEnumType(ConsentChannelEnum, { name: 'ConsentChannel', description: 'The channel a decision holds on; ANY: every channel.' });
registerEnumType(ConsentDecisionEnum, {
  name: 'ConsentDecision',
  description: 'GIVEN: consent; WITHDRAWN: consent taken back; OBJECTED: a refusal of a use based on legitimate interest.',
});
registerEnumType(ConsentMethodEnum, { name: 'ConsentMethod', description: 'How the person expressed the decision.' });
registerEnumType(DataSubjectKind, { name: 'DataSubjectKind', description: 'A contact, or a third party that is a person (INDIVIDUAL).' });

@ObjectType({ description: 'What proves a decision: the form, the IP address, the wording shown, a document.' })
export class ConsentEvidence {
  @Field(() => String, { nullable: true })
  formId!: string | null;

  @Field(() => String, { nullable: true })
  ipAddress!: string | null;

  @Field(() => String, { nullable: true, description: 'The wording the person agreed to or refused, as shown to them.' })
  textShown!: string | null;

  @Field(() => String, { nullable: true, description: 'A reference to the signed paper, the e-mail, the call recording…' })
  documentRef!: string | null;
}

@ObjectType({ description: "A person's decision about one purpose on one channel." })
export class Consent {
  @Field(() => ConsentPurposeEnum)
  purpose!: ConsentPurpose;

  @Field(() => ConsentChannelEnum)
  channel!: ConsentChannel;

  @Field(() => ConsentDecisionEnum)
  decision!: ConsentDecision;

  @Field(() => DateTimeScalar, { description: 'When the person expressed it. The decision expressed last is the one in force.' })
  expressedAt!: string;

  @Field(() => ConsentMethodEnum)
  method!: ConsentMethod;

  @Field(() => ConsentEvidence, { nullable: true, description: 'null when none was recorded, or once the person was forgotten.' })
  evidence!: ConsentEvidence | null;

  @Field(() => DateTimeScalar, { description: 'When it was recorded in Suivi.' })
  recordedAt!: string;

  @Field(() => User, { description: 'Who recorded it.' })
  recordedBy!: User;
}

@ObjectType()
export class ConsentConnection extends ConnectionType(Consent, 'Consent') {}

@InputType()
export class ConsentEvidenceInput {
  @Field(() => String, { nullable: true, description: 'The web form or campaign the decision came through.' })
  formId?: string | null;

  @Field(() => String, { nullable: true, description: 'IPv4 or IPv6.' })
  ipAddress?: string | null;

  @Field(() => String, { nullable: true })
  textShown?: string | null;

  @Field(() => String, { nullable: true })
  documentRef?: string | null;
}

/** The fields of a decision, common to both subjects. */
@InputType({ isAbstract: true })
abstract class RecordConsentFields extends MutationInput {
  @Field(() => ConsentPurposeEnum)
  purpose!: ConsentPurpose;

  @Field(() => ConsentChannelEnum)
  channel!: ConsentChannel;

  @Field(() => ConsentDecisionEnum)
  decision!: ConsentDecision;

  @Field(() => DateTimeScalar, { description: 'When the person expressed it; not in the future (a few minutes of clock skew are tolerated).' })
  at!: string;

  @Field(() => ConsentMethodEnum)
  method!: ConsentMethod;

  @Field(() => ConsentEvidenceInput, { nullable: true })
  evidence?: ConsentEvidenceInput | null;
}

@InputType()
export class RecordContactConsentInput extends RecordConsentFields {
  @Field(() => ID)
  contactId!: string;
}

@InputType()
export class RecordThirdPartyConsentInput extends RecordConsentFields {
  @Field(() => ID, { description: 'A third party of kind INDIVIDUAL: a company is not a person, its contacts are.' })
  thirdPartyId!: string;
}

@ObjectType()
export class RecordConsentPayload {
  @Field(() => Consent, { description: 'The decision as recorded (the same one when an identical decision was recorded before).' })
  consent!: Consent;

  @Field(() => [Consent], { description: 'The decisions in force after it, one per purpose and channel.' })
  consents!: Consent[];

  @Field({ description: POSITION_DESCRIPTION })
  position!: string;
}

@InputType({ description: 'A decision in force about a third party that is a person (its contacts’ decisions do not count).' })
export class ConsentCriterionInput {
  @Field(() => ConsentPurposeEnum)
  purpose!: ConsentPurpose;

  @Field(() => ConsentDecisionEnum)
  decision!: ConsentDecision;

  @Field(() => ConsentChannelEnum, { nullable: true, description: 'On this channel exactly (ANY is one); absent: on any channel.' })
  channel?: ConsentChannel | null;
}

@ObjectType({ description: 'Everything Suivi holds about a person, for their right of access and portability (GDPR art. 15 and 20).' })
export class DataSubjectExport {
  @Field({ description: 'The JSON document\'s format and version: suivi.subject-export.v1.' })
  format!: string;

  @Field({ description: 'The export as JSON (see docs/decisions/0019-consent-and-export.md for its shape).' })
  json!: string;

  @Field({ description: 'The same content as a self-contained HTML page, for the person to read.' })
  html!: string;

  @Field(() => DateTimeScalar)
  generatedAt!: string;
}
