import { Field, ID, InputType, ObjectType } from '@nestjs/graphql';
import { FieldChange, User } from '../graphql/common.types.js';
import { ConnectionType } from '../graphql/relay.js';
import { DateTimeScalar } from '../graphql/scalars.js';

@ObjectType({ description: 'One recorded event of any entity, as an auditor reads it.' })
export class AuditEntry {
  @Field(() => ID, { description: 'The id of the event.' })
  id!: string;

  @Field(() => DateTimeScalar, { description: 'When it was recorded.' })
  at!: string;

  @Field({ description: 'The event type, e.g. ExchangeLogged, ProspectConverted.' })
  action!: string;

  @Field({ description: 'thirdParty, contact, exchange or note.' })
  entityType!: string;

  @Field(() => ID)
  entityId!: string;

  @Field(() => User, { description: 'Who did it.' })
  actor!: User;

  @Field(() => [FieldChange], {
    description:
      'Field-level changes old → new; for creations every field from null. A confidential comment shows as "[confidential]", never its text.',
  })
  changes!: FieldChange[];

  @Field({ description: 'Shared by every event of one request or process (the x-correlation-id header, when sent).' })
  correlationId!: string;

  @Field(() => String, { nullable: true, description: 'The event that caused this one, for automations.' })
  causationId!: string | null;

  @Field({ description: 'api, import, automation or system.' })
  source!: string;

  @Field()
  commandId!: string;

  @Field({ description: 'Global log position of the event.' })
  position!: string;
}

@ObjectType()
export class AuditEntryConnection extends ConnectionType(AuditEntry, 'AuditEntry') {}

@InputType({ description: 'Every criterion given must hold.' })
export class AuditJournalFilter {
  @Field(() => String, { nullable: true, description: 'thirdParty, contact, exchange or note.' })
  entityType?: string | null;

  @Field(() => ID, { nullable: true })
  entityId?: string | null;

  @Field(() => ID, { nullable: true })
  actorId?: string | null;

  @Field(() => String, { nullable: true, description: 'The event type, e.g. ProspectConverted.' })
  action?: string | null;

  @Field(() => DateTimeScalar, { nullable: true, description: 'Recorded at or after this instant.' })
  from?: string | null;

  @Field(() => DateTimeScalar, { nullable: true, description: 'Recorded strictly before this instant.' })
  to?: string | null;
}
