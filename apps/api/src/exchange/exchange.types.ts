import { Field, ID, InputType, ObjectType } from '@nestjs/graphql';
import type { ExchangeStatus, LinkedDocumentType } from '#domain';
import {
  ExchangeStatusEnum,
  LinkedDocument,
  LinkedDocumentInput,
  LinkedDocumentTypeEnum,
  POSITION_DESCRIPTION,
  User,
  UpdateMutationInput,
  MutationInput,
} from '../graphql/common.types.js';
import { ConnectionType } from '../graphql/relay.js';
import { DateTimeScalar } from '../graphql/scalars.js';
import { Activity, FollowUpActivityInput } from '../activity/activity.types.js';

const CONFIDENTIAL_NOTE =
  'The text of the confidential comment (confidentialComment) is given only to the author of the exchange and to the members of the group it is shared with (confidentialGroupId); everyone else reads null there, while hasConfidentialComment still tells them that there is one.';

@ObjectType({
  description: `An exchange ("échange") with a third party and some of its contacts: a call, an email, a meeting… ${CONFIDENTIAL_NOTE}`,
})
export class Exchange {
  @Field(() => ID)
  id!: string;

  @Field(() => ID)
  thirdPartyId!: string;

  @Field(() => [ID], { description: 'The contacts who took part; all belong to the third party.' })
  contactIds!: string[];

  @Field(() => DateTimeScalar, { description: 'When the exchange took place.' })
  occurredAt!: string;

  @Field({ description: 'Contact mode code from the catalogue (phone, email, meeting, video_call, visit, letter by default).' })
  mode!: string;

  @Field({ description: 'Subject code from the catalogue.' })
  subject!: string;

  @Field(() => String, { nullable: true })
  comment!: string | null;

  @Field(() => ExchangeStatusEnum)
  status!: ExchangeStatus;

  @Field({ description: `Whether a confidential comment was recorded, whether or not the viewer may read it. ${CONFIDENTIAL_NOTE}` })
  hasConfidentialComment!: boolean;

  /**
   * The confidential comment's text, for the confidentialComment field resolver
   * to give to its readers only. Not a GraphQL field: nothing else reads it.
   */
  confidentialText!: string | null;

  @Field(() => ID, { nullable: true, description: 'The user group the confidential comment is shared with.' })
  confidentialGroupId!: string | null;

  @Field(() => [User], { description: 'Colleagues involved in the exchange.' })
  collaborators!: User[];

  @Field({ description: 'Whether the collaborators were asked to be told by mail.' })
  notifyCollaborators!: boolean;

  @Field(() => LinkedDocument, { nullable: true })
  linkedDocument!: LinkedDocument | null;

  @Field(() => User, { description: 'The user who contacted the third party (the author unless said otherwise).' })
  contactedBy!: User;

  @Field(() => User, { description: 'The user who logged the exchange.' })
  author!: User;

  @Field({ description: 'Deleted exchanges stay in the history (timeline, audit journal) and in lists that ask for them.' })
  deleted!: boolean;

  @Field({ description: "Revision of the exchange's history. Send it back as expectedVersion." })
  version!: string;
}

@ObjectType()
export class ExchangeConnection extends ConnectionType(Exchange, 'Exchange') {}

@InputType({ description: 'Every criterion given must hold.' })
export class ExchangeFilter {
  @Field(() => ID, { nullable: true })
  thirdPartyId?: string | null;

  @Field(() => ID, { nullable: true, description: 'Exchanges this contact took part in.' })
  contactId?: string | null;

  @Field(() => ID, { nullable: true, description: 'Exchanges this user collaborated on.' })
  collaboratorId?: string | null;

  @Field(() => String, { nullable: true, description: 'Contact mode code.' })
  mode?: string | null;

  @Field(() => String, { nullable: true, description: 'Subject code.' })
  subject?: string | null;

  @Field(() => ExchangeStatusEnum, { nullable: true })
  status?: ExchangeStatus | null;

  @Field(() => DateTimeScalar, { nullable: true, description: 'occurredAt at or after this instant.' })
  from?: string | null;

  @Field(() => DateTimeScalar, { nullable: true, description: 'occurredAt strictly before this instant.' })
  to?: string | null;

  @Field(() => LinkedDocumentTypeEnum, { nullable: true })
  linkedDocumentType?: LinkedDocumentType | null;

  @Field(() => String, { nullable: true })
  linkedDocumentRef?: string | null;

  @Field(() => Boolean, { nullable: true, description: 'Include deleted exchanges (left out by default).' })
  includeDeleted?: boolean | null;
}

@InputType({ description: CONFIDENTIAL_NOTE })
export class LogExchangeInput extends MutationInput {
  @Field(() => ID, {
    nullable: true,
    description: 'Required: the one third party of the exchange. A missing or unknown one is refused with BAD_USER_INPUT.',
  })
  thirdPartyId?: string | null;

  @Field(() => [ID], { defaultValue: [], description: 'Contacts who took part; each must belong to the third party.' })
  contactIds!: string[];

  @Field(() => DateTimeScalar, { nullable: true, description: 'When it took place; now when not given.' })
  occurredAt?: string | null;

  @Field({ description: 'A contact mode code of the catalogue, e.g. phone.' })
  mode!: string;

  @Field({ description: 'A subject code of the catalogue, e.g. quote.' })
  subject!: string;

  @Field(() => String, { nullable: true })
  comment?: string | null;

  @Field(() => ExchangeStatusEnum, { nullable: true, description: 'CLOSED when not given.' })
  status?: ExchangeStatus | null;

  @Field(() => String, { nullable: true, description: 'Readable only by the author and the members of confidentialGroupId.' })
  confidentialComment?: string | null;

  @Field(() => ID, { nullable: true, description: 'The user group the confidential comment is shared with.' })
  confidentialGroupId?: string | null;

  @Field(() => [ID], { nullable: true, description: 'Colleagues involved (user ids).' })
  collaboratorIds?: string[] | null;

  @Field(() => Boolean, { nullable: true, description: 'Ask for the collaborators to be told by mail.' })
  notifyCollaborators?: boolean | null;

  @Field(() => LinkedDocumentInput, { nullable: true })
  linkedDocument?: LinkedDocumentInput | null;

  @Field(() => ID, { nullable: true, description: 'The user who contacted the third party; the author when not given.' })
  contactedBy?: string | null;

  @Field(() => FollowUpActivityInput, {
    nullable: true,
    description:
      'A task, call or meeting to schedule with the exchange (what to do next). Checked before anything is written; written right after the exchange, on its own stream. Send an idempotencyKey: a retry then completes a follow-up a failure left unwritten, and schedules it once.',
  })
  followUpActivity?: FollowUpActivityInput | null;
}

@InputType({ description: `Only the fields given change; null clears a field. The status changes with changeExchangeStatus. ${CONFIDENTIAL_NOTE}` })
export class UpdateExchangeInput extends UpdateMutationInput {
  @Field(() => ID)
  exchangeId!: string;

  @Field(() => [ID], { nullable: true, description: 'Replaces the contacts.' })
  contactIds?: string[] | null;

  @Field(() => DateTimeScalar, { nullable: true })
  occurredAt?: string | null;

  @Field(() => String, { nullable: true })
  mode?: string | null;

  @Field(() => String, { nullable: true })
  subject?: string | null;

  @Field(() => String, { nullable: true })
  comment?: string | null;

  @Field(() => String, { nullable: true })
  confidentialComment?: string | null;

  @Field(() => ID, { nullable: true })
  confidentialGroupId?: string | null;

  @Field(() => [ID], { nullable: true })
  collaboratorIds?: string[] | null;

  @Field(() => Boolean, { nullable: true })
  notifyCollaborators?: boolean | null;

  @Field(() => LinkedDocumentInput, { nullable: true })
  linkedDocument?: LinkedDocumentInput | null;

  @Field(() => ID, { nullable: true })
  contactedBy?: string | null;
}

@InputType()
export class ChangeExchangeStatusInput extends UpdateMutationInput {
  @Field(() => ID)
  exchangeId!: string;

  @Field(() => ExchangeStatusEnum)
  status!: ExchangeStatus;
}

@InputType()
export class DeleteExchangeInput extends UpdateMutationInput {
  @Field(() => ID)
  exchangeId!: string;

  @Field(() => String, { nullable: true })
  reason?: string | null;
}

@ObjectType({ isAbstract: true })
abstract class ExchangePayload {
  @Field(() => Exchange)
  exchange!: Exchange;

  @Field({ description: POSITION_DESCRIPTION })
  position!: string;
}

@ObjectType()
export class LogExchangePayload extends ExchangePayload {
  @Field(() => Activity, { nullable: true, description: 'The activity followUpActivity scheduled; null when none was asked for.' })
  followUpActivity?: Activity | null;
}

@ObjectType()
export class UpdateExchangePayload extends ExchangePayload {}

@ObjectType()
export class ChangeExchangeStatusPayload extends ExchangePayload {}

@ObjectType({ description: 'The exchange as it was, flagged deleted.' })
export class DeleteExchangePayload extends ExchangePayload {}
