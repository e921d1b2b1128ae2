import { Field, ID, InputType, Int, ObjectType } from '@nestjs/graphql';
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

  @Field({ description: 'thirdParty, contact, exchange, note, user, group, or security for a refused attempt.' })
  entityType!: string;

  @Field(() => ID, { description: 'The id of the entity; for a refused attempt, its UTC day (2026-11-23).' })
  entityId!: string;

  @Field(() => User, { description: 'Who did it; for a refused attempt without a valid token, "anonymous".' })
  actor!: User;

  @Field(() => [FieldChange], {
    description:
      'Field-level changes old → new; for creations every field from null. A confidential comment shows its text only to the ' +
      'author of its exchange and the members of the group it was shared with; to anyone else "[confidential]". A refused attempt ' +
      'lists its operation, reason, login and address.',
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

  @Field(() => String, {
    nullable: true,
    description:
      'SHA-256 (hex) of previousHash followed by the canonical JSON of this entry as stored, without its scope and with a ' +
      'confidential comment as "[confidential]": it seals the entry to every entry before it. Null until the audit chain has applied the event.',
  })
  hash!: string | null;

  @Field(() => String, { nullable: true, description: 'The hash of the previous entry in log order; 64 zeros for the first.' })
  previousHash!: string | null;
}

@ObjectType({ description: 'Where the recomputed audit journal first disagrees with the stored one.' })
export class AuditChainBreak {
  @Field({ description: 'Global log position of the event (or of the stored entry that has no event).' })
  position!: string;

  @Field(() => String, { nullable: true, description: 'The event at that position, or the stored entry found there.' })
  eventId!: string | null;

  @Field({ description: 'What differs, and what it suggests was altered.' })
  reason!: string;
}

@ObjectType({ description: 'The audit journal and its hash chain, recomputed from the event log and compared with the stored ones.' })
export class AuditJournalVerification {
  @Field({ description: 'True when every checked event matches its stored entry and chain link.' })
  ok!: boolean;

  @Field(() => Int, { description: 'Events checked before the first break (all of them when ok).' })
  checkedEvents!: number;

  @Field(() => String, {
    nullable: true,
    description: 'Position of the last event checked: the events the journal and the chain have both applied.',
  })
  checkedUpTo!: string | null;

  @Field(() => AuditChainBreak, { nullable: true, description: 'The first break, in log order; null when ok.' })
  firstBreak!: AuditChainBreak | null;

  @Field(() => String, {
    nullable: true,
    description: 'When ok, the hash of the entry at checkedUpTo: kept outside Suivi, it reveals a later rewrite of the history.',
  })
  headHash!: string | null;
}

@ObjectType()
export class AuditEntryConnection extends ConnectionType(AuditEntry, 'AuditEntry') {}

@InputType({ description: 'Every criterion given must hold.' })
export class AuditJournalFilter {
  @Field(() => String, { nullable: true, description: 'thirdParty, contact, exchange, note, user, group, or security (refused attempts).' })
  entityType?: string | null;

  @Field(() => ID, { nullable: true })
  entityId?: string | null;

  @Field(() => ID, { nullable: true, description: 'Everything about one third party: its own entries and those of its contacts, exchanges and notes.' })
  thirdPartyId?: string | null;

  @Field(() => ID, { nullable: true })
  actorId?: string | null;

  @Field(() => String, { nullable: true, description: 'The event type, e.g. ProspectConverted.' })
  action?: string | null;

  @Field(() => DateTimeScalar, { nullable: true, description: 'Recorded at or after this instant.' })
  from?: string | null;

  @Field(() => DateTimeScalar, { nullable: true, description: 'Recorded strictly before this instant.' })
  to?: string | null;
}
