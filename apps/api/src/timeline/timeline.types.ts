import { Field, ID, InputType, ObjectType, registerEnumType } from '@nestjs/graphql';
import { timelineKinds, type TimelineKind } from '#projections';
import { FieldChange, User } from '../graphql/common.types.js';
import { ConnectionType } from '../graphql/relay.js';
import { DateTimeScalar } from '../graphql/scalars.js';

export const TimelineKindEnum = Object.fromEntries(timelineKinds.map((kind) => [kind, kind])) as Record<TimelineKind, TimelineKind>;

registerEnumType(TimelineKindEnum, {
  name: 'TimelineKind',
  description:
    'What a timeline entry records. THIRD_PARTY_UPDATED also covers owner assignment and categorisation.',
});

@ObjectType({ description: 'One meaningful event in the life of a third party (or of one of its contacts).' })
export class TimelineEntry {
  @Field(() => ID, { description: 'The id of the event it shows.' })
  id!: string;

  @Field(() => DateTimeScalar, {
    description:
      "When it happened: the exchange date for EXCHANGE_LOGGED, the instant the status was reached for COMMERCIAL_DOCUMENT_*, the sending for FOLLOW_UP_SENT, otherwise when it was recorded.",
  })
  occurredAt!: string;

  @Field(() => TimelineKindEnum)
  kind!: TimelineKind;

  @Field({ description: 'Short human text, e.g. "Exchange logged: phone — quote". Never holds confidential text.' })
  summary!: string;

  @Field(() => User, { description: 'Who did it.' })
  actor!: User;

  @Field(() => [FieldChange], { description: 'Field changes old → new, for updates; empty otherwise.' })
  changes!: FieldChange[];

  @Field(() => ID)
  thirdPartyId!: string;

  @Field(() => [ID], { description: 'The contacts on whose timelines this entry also appears.' })
  contactIds!: string[];

  @Field(() => ID, { nullable: true })
  exchangeId!: string | null;

  @Field(() => ID, { nullable: true })
  contactId!: string | null;

  @Field(() => ID, { nullable: true })
  noteId!: string | null;

  @Field(() => ID, { nullable: true, description: 'The commercial document of a COMMERCIAL_DOCUMENT_* entry.' })
  documentId!: string | null;

  @Field({ description: 'Global log position of the event.' })
  position!: string;
}

@ObjectType()
export class TimelineEntryConnection extends ConnectionType(TimelineEntry, 'TimelineEntry') {}

@InputType({ description: 'Every criterion given must hold.' })
export class TimelineFilter {
  @Field(() => [TimelineKindEnum], { nullable: true, description: 'Entries of any of these kinds.' })
  kinds?: TimelineKind[] | null;

  @Field(() => DateTimeScalar, { nullable: true, description: 'occurredAt at or after this instant.' })
  from?: string | null;

  @Field(() => DateTimeScalar, { nullable: true, description: 'occurredAt strictly before this instant.' })
  to?: string | null;
}
