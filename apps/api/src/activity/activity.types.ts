import { Field, ID, InputType, ObjectType, registerEnumType } from '@nestjs/graphql';
import { activityKinds, REMINDERS_MAX, type ActivityKind } from '#domain';
import { IDEMPOTENCY_KEY_DESCRIPTION, POSITION_DESCRIPTION, UpdateMutationInput, User } from '../graphql/common.types.js';
import { ConnectionType } from '../graphql/relay.js';
import { DateTimeScalar } from '../graphql/scalars.js';

const enumOf = <T extends string>(values: readonly T[]): Record<T, T> => Object.fromEntries(values.map((v) => [v, v])) as Record<T, T>;

export const ActivityKindEnum = enumOf(activityKinds);
export const ActivityStatusEnum = enumOf(['SCHEDULED', 'CANCELLED'] as const);
export type ActivityStatus = keyof typeof ActivityStatusEnum;

registerEnumType(ActivityKindEnum, { name: 'ActivityKind', description: 'A TASK has a dueAt; a CALL or a MEETING runs from startAt to endAt.' });
registerEnumType(ActivityStatusEnum, { name: 'ActivityStatus', description: 'A cancelled activity stays readable but leaves the agenda and sends no reminder.' });

const REMINDERS = `ISO 8601 durations before dueAt (tasks) or startAt (calls, meetings), in weeks, days, hours or minutes (PT15M, PT2H, P1D), each at most 60 days, at most ${REMINDERS_MAX}: the assignee is mailed once per reminder. Returned upper case, longest first.`;

@ObjectType({ description: 'A task, call or meeting on a user\'s agenda, about one third party (and some of its contacts).' })
export class Activity {
  @Field(() => ID)
  id!: string;

  @Field(() => ID)
  thirdPartyId!: string;

  @Field(() => [ID])
  contactIds!: string[];

  @Field(() => ActivityKindEnum)
  kind!: ActivityKind;

  @Field()
  title!: string;

  @Field(() => String, { nullable: true })
  description!: string | null;

  @Field(() => User, { description: 'Who does it: reminders go to them, their calendar feed lists it.' })
  assignee!: User;

  @Field(() => DateTimeScalar, { nullable: true, description: 'Tasks.' })
  dueAt!: string | null;

  @Field(() => DateTimeScalar, { nullable: true, description: 'Calls and meetings.' })
  startAt!: string | null;

  @Field(() => DateTimeScalar, { nullable: true, description: 'Calls and meetings; after startAt.' })
  endAt!: string | null;

  @Field(() => [String], { description: REMINDERS })
  reminders!: string[];

  @Field()
  done!: boolean;

  @Field(() => DateTimeScalar, { nullable: true })
  doneAt!: string | null;

  @Field(() => ActivityStatusEnum)
  status!: ActivityStatus;

  @Field(() => User)
  scheduledBy!: User;

  @Field(() => DateTimeScalar)
  scheduledAt!: string;

  @Field({ description: "Revision of the activity's history. Send it back as expectedVersion." })
  version!: string;
}

@ObjectType()
export class ActivityConnection extends ConnectionType(Activity, 'Activity') {}

@InputType({ description: "A third party's activities: every criterion given must hold. Cancelled ones are left out unless includeCancelled." })
export class ThirdPartyActivityFilter {
  @Field(() => ID, { nullable: true })
  assigneeId?: string | null;

  @Field(() => ActivityKindEnum, { nullable: true })
  kind?: ActivityKind | null;

  @Field(() => DateTimeScalar, { nullable: true, description: 'dueAt or startAt at or after this instant.' })
  from?: string | null;

  @Field(() => DateTimeScalar, { nullable: true, description: 'dueAt or startAt strictly before this instant.' })
  to?: string | null;

  @Field(() => Boolean, { nullable: true })
  done?: boolean | null;

  @Field(() => Boolean, { nullable: true })
  includeCancelled?: boolean | null;
}

@InputType({ description: 'Every criterion given must hold. Cancelled activities are left out unless includeCancelled.' })
export class ActivityFilter extends ThirdPartyActivityFilter {
  @Field(() => ID, { nullable: true })
  thirdPartyId?: string | null;
}

/** What a new activity is, without who it is about: shared by scheduleActivity and logExchange's follow-up. */
@InputType({ isAbstract: true })
abstract class ActivityFields {
  @Field(() => ActivityKindEnum)
  kind!: ActivityKind;

  @Field({ description: 'At most 200 characters.' })
  title!: string;

  @Field(() => String, { nullable: true })
  description?: string | null;

  @Field(() => ID, { nullable: true, description: 'A user id; the author when not given.' })
  assigneeId?: string | null;

  @Field(() => DateTimeScalar, { nullable: true, description: 'Required for a TASK, refused otherwise.' })
  dueAt?: string | null;

  @Field(() => DateTimeScalar, { nullable: true, description: 'Required for a CALL or a MEETING, refused for a TASK.' })
  startAt?: string | null;

  @Field(() => DateTimeScalar, { nullable: true, description: 'Required for a CALL or a MEETING: after startAt.' })
  endAt?: string | null;

  @Field(() => [String], { nullable: true, description: REMINDERS })
  reminders?: string[] | null;
}

@InputType({ description: 'An activity about one third party. Without an idempotency key each call schedules a new one.' })
export class ScheduleActivityInput extends ActivityFields {
  // Spelled out rather than inherited from MutationInput: the follow-up of logExchange shares ActivityFields and has no key of its own.
  @Field(() => String, { nullable: true, description: IDEMPOTENCY_KEY_DESCRIPTION })
  idempotencyKey?: string | null;

  @Field(() => ID, { nullable: true, description: 'Required: a missing or unknown third party is refused with BAD_USER_INPUT.' })
  thirdPartyId?: string | null;

  @Field(() => [ID], { defaultValue: [], description: 'Each must belong to the third party.' })
  contactIds!: string[];
}

@InputType({
  description:
    "The activity logExchange schedules with the exchange: about the exchange's third party; contactIds default to the exchange's. Its id derives from the exchange's, so a retried logExchange schedules it once.",
})
export class FollowUpActivityInput extends ActivityFields {
  @Field(() => [ID], { nullable: true, description: "The exchange's contacts when not given." })
  contactIds?: string[] | null;
}

@InputType({ description: 'Only the fields given change; null clears a clearable field. Times are checked against the kind after the change.' })
export class UpdateActivityInput extends UpdateMutationInput {
  @Field(() => ID)
  activityId!: string;

  @Field(() => [ID], { nullable: true, description: 'Replaces the contacts.' })
  contactIds?: string[] | null;

  @Field(() => ActivityKindEnum, { nullable: true })
  kind?: ActivityKind | null;

  @Field(() => String, { nullable: true })
  title?: string | null;

  @Field(() => String, { nullable: true })
  description?: string | null;

  @Field(() => ID, { nullable: true })
  assigneeId?: string | null;

  @Field(() => DateTimeScalar, { nullable: true })
  dueAt?: string | null;

  @Field(() => DateTimeScalar, { nullable: true })
  startAt?: string | null;

  @Field(() => DateTimeScalar, { nullable: true })
  endAt?: string | null;

  @Field(() => [String], { nullable: true, description: 'Replaces the reminders; [] removes them.' })
  reminders?: string[] | null;
}

@InputType()
export class ActivityIdInput extends UpdateMutationInput {
  @Field(() => ID)
  activityId!: string;
}

@InputType()
export class CancelActivityInput extends ActivityIdInput {
  @Field(() => String, { nullable: true })
  reason?: string | null;
}

@ObjectType()
export class ActivityPayload {
  @Field(() => Activity)
  activity!: Activity;

  @Field({ description: POSITION_DESCRIPTION })
  position!: string;
}
