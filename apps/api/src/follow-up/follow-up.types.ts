import { Field, ID, InputType, Int, ObjectType, registerEnumType } from '@nestjs/graphql';
import { followUpKinds, followUpModes, followUpSkipReasons, type FollowUpKind, type FollowUpMode, type FollowUpSkipReason } from '#domain';
import { followUpQueueStates, type FollowUpQueueState } from '#projections';
import { MutationInput, POSITION_DESCRIPTION, User } from '../graphql/common.types.js';
import { ConnectionType } from '../graphql/relay.js';
import { DateTimeScalar } from '../graphql/scalars.js';

const enumOf = <T extends string>(values: readonly T[]): Record<T, T> => Object.fromEntries(values.map((v) => [v, v])) as Record<T, T>;

export const FollowUpKindEnum = enumOf(followUpKinds);
export const FollowUpModeEnum = enumOf(followUpModes);
export const FollowUpStateEnum = enumOf(followUpQueueStates);
export const FollowUpSkipReasonEnum = enumOf(followUpSkipReasons);

registerEnumType(FollowUpKindEnum, {
  name: 'FollowUpKind',
  description:
    'QUOTE_NO_RESPONSE: from a quote\'s sending; UNPAID_INVOICE: from an invoice\'s due date (negative offsets remind before it); ' +
    'INACTIVE_PROSPECT: from a prospect\'s last exchange.',
});
registerEnumType(FollowUpModeEnum, { name: 'FollowUpMode', description: 'AUTO: sent when due. APPROVAL: waits, once due, for someone to approve it.' });
registerEnumType(FollowUpStateEnum, {
  name: 'FollowUpState',
  description:
    'SCHEDULED: not due yet, or behind an earlier step; DUE: sent on the automation\'s next tick; AWAITING_APPROVAL: due, waiting ' +
    'for approveFollowUpStep; SENT; SKIPPED (see skipReason); CANCELLED: the document was answered, paid, or the third party closed; ' +
    'FAILED: the mail server refused or was unreachable, retried each tick.',
});
registerEnumType(FollowUpSkipReasonEnum, {
  name: 'FollowUpSkipReason',
  description:
    'CONSENT: the recipient objected to the purpose (never sent); HOLD: follow-ups blocked for the third party; NO_RECIPIENT: no ' +
    'address; OVERTAKEN: the next step was already due when the follow-up was scheduled; MANUAL: someone skipped it.',
});

@ObjectType({ description: 'One step of one follow-up: a line of the reminder queue. Ids only; the recipient is chosen when it is sent.' })
export class FollowUpReminder {
  @Field(() => ID, { description: '<followUpId>:<cycle>:<step>.' })
  id!: string;

  @Field(() => ID, { description: 'The same for a policy kind and a document (or a prospect).' })
  followUpId!: string;

  @Field(() => FollowUpKindEnum)
  kind!: FollowUpKind;

  @Field(() => ID)
  thirdPartyId!: string;

  @Field(() => ID, { nullable: true, description: 'The quote or invoice; null for INACTIVE_PROSPECT.' })
  documentId!: string | null;

  @Field(() => User, { nullable: true, description: 'Who answers for it: the policy\'s responsible user, else the third party\'s owner.' })
  owner!: User | null;

  @Field(() => Int, { description: 'A prospect\'s follow-up starts a new cycle at each new exchange.' })
  cycle!: number;

  @Field(() => Int, { description: '1-based: step n is never sent before step n-1 was sent or skipped.' })
  step!: number;

  @Field(() => FollowUpModeEnum)
  mode!: FollowUpMode;

  @Field(() => DateTimeScalar)
  dueAt!: string;

  @Field(() => FollowUpStateEnum)
  state!: FollowUpQueueState;

  @Field(() => String, { nullable: true, description: 'The Message-ID of its mail, once its sending was decided.' })
  messageId!: string | null;

  @Field(() => DateTimeScalar, { nullable: true })
  sentAt!: string | null;

  @Field(() => FollowUpSkipReasonEnum, { nullable: true })
  skipReason!: FollowUpSkipReason | null;

  @Field(() => Int, { description: 'Failed hand-overs to the mail server since its sending was decided.' })
  failures!: number;
}

@ObjectType()
export class FollowUpReminderConnection extends ConnectionType(FollowUpReminder, 'FollowUpReminder') {}

@InputType({ description: 'Every field narrows; absent or null: no condition.' })
export class FollowUpFilterInput {
  @Field(() => [FollowUpKindEnum], { nullable: true })
  kinds?: FollowUpKind[] | null;

  @Field(() => [FollowUpStateEnum], { nullable: true })
  states?: FollowUpQueueState[] | null;

  @Field(() => ID, { nullable: true, description: 'The responsible user.' })
  ownerId?: string | null;

  @Field(() => ID, { nullable: true })
  thirdPartyId?: string | null;

  @Field(() => ID, { nullable: true, description: 'A quote\'s or invoice\'s reminders: the document\'s history of them.' })
  documentId?: string | null;

  @Field(() => DateTimeScalar, { nullable: true, description: 'Due at or after.' })
  dueFrom?: string | null;

  @Field(() => DateTimeScalar, { nullable: true, description: 'Due before.' })
  dueBefore?: string | null;
}

@ObjectType()
export class FollowUpCount {
  @Field(() => FollowUpKindEnum)
  kind!: FollowUpKind;

  @Field(() => FollowUpStateEnum)
  state!: FollowUpQueueState;

  @Field(() => Int)
  count!: number;
}

@ObjectType({ description: 'How many reminders per kind and state (only those with at least one).' })
export class FollowUpDashboard {
  @Field(() => DateTimeScalar, { description: 'The instant the states were read at (DUE and SCHEDULED depend on it).' })
  asOf!: string;

  @Field(() => [FollowUpCount])
  counts!: FollowUpCount[];
}

@InputType()
export class FollowUpStepInput extends MutationInput {
  @Field(() => ID, { description: 'FollowUpReminder.followUpId' })
  followUpId!: string;

  @Field(() => Int, { description: 'FollowUpReminder.cycle' })
  cycle!: number;

  @Field(() => Int, { description: 'FollowUpReminder.step' })
  step!: number;
}

@InputType({
  description:
    'Approves a step, as its policy template has it or edited: a subject, text or html given replaces the template\'s, with the same {VARIABLE}s. ' +
    'An edited text without an html sends the text as HTML. Approving again before the mail leaves replaces the edits.',
})
export class ApproveFollowUpStepInput extends FollowUpStepInput {
  @Field(() => String, { nullable: true, description: 'One line; replaces the template\'s subject.' })
  subject?: string | null;

  @Field(() => String, { nullable: true, description: 'Replaces the template\'s plain-text part.' })
  text?: string | null;

  @Field(() => String, { nullable: true, description: 'Replaces the template\'s HTML part; values are HTML-escaped in it.' })
  html?: string | null;
}

@InputType()
export class SnoozeFollowUpStepInput extends FollowUpStepInput {
  @Field(() => DateTimeScalar, { description: 'When the step is due again; later steps keep waiting for it.' })
  until!: string;
}

@ObjectType()
export class FollowUpStepPayload {
  @Field(() => FollowUpReminder, { description: 'The step as the write side has it (its state read now).' })
  reminder!: FollowUpReminder;

  @Field({ description: POSITION_DESCRIPTION })
  position!: string;
}

@InputType()
export class FollowUpHoldInput extends MutationInput {
  @Field(() => ID)
  thirdPartyId!: string;
}

@InputType()
export class PauseFollowUpsInput extends FollowUpHoldInput {
  @Field(() => DateTimeScalar, { description: 'Due steps wait until then, and go out after.' })
  until!: string;
}

@ObjectType({ description: 'Whether follow-ups may mail a third party.' })
export class FollowUpHold {
  @Field(() => ID)
  thirdPartyId!: string;

  @Field({ description: 'NONE, PAUSED (until `until`) or BLOCKED (due steps are skipped, reason HOLD, until resumed).' })
  status!: string;

  @Field(() => DateTimeScalar, { nullable: true })
  until!: string | null;

  @Field({ description: POSITION_DESCRIPTION })
  position!: string;
}
