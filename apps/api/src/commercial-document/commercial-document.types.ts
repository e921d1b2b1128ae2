import { Field, ID, InputType, ObjectType, registerEnumType } from '@nestjs/graphql';
import {
  allCommercialDocumentStatuses,
  commercialDocumentStatuses,
  commercialDocumentTypes,
  type CommercialDocumentStatus,
  type CommercialDocumentType,
} from '#domain';
import { MutationInput, POSITION_DESCRIPTION, UpdateMutationInput, User } from '../graphql/common.types.js';
import { ConnectionType } from '../graphql/relay.js';
import { DateTimeScalar } from '../graphql/scalars.js';

const enumOf = <T extends string>(values: readonly T[]): Record<T, T> => Object.fromEntries(values.map((v) => [v, v])) as Record<T, T>;

export const CommercialDocumentTypeEnum = enumOf(commercialDocumentTypes);
export const CommercialDocumentStatusEnum = enumOf(allCommercialDocumentStatuses);

const statusesByType = commercialDocumentTypes.map((type) => `${type}: ${commercialDocumentStatuses[type].join(', ')}`).join('; ');

registerEnumType(CommercialDocumentTypeEnum, {
  name: 'CommercialDocumentType',
  description: 'A commercial document Suivi records (issued by the business or its ERP, not by Suivi).',
});
registerEnumType(CommercialDocumentStatusEnum, {
  name: 'CommercialDocumentStatus',
  description: `The statuses of every type; each type has its own, the first one its initial status (${statusesByType}).`,
});

const AMOUNT = 'A decimal string with at most two decimals and a point, e.g. "1200.50"; returned with exactly two. Never a float.';

@ObjectType({ description: 'One status a document reached, when it happened, and who recorded it when.' })
export class CommercialDocumentStatusChange {
  @Field(() => CommercialDocumentStatusEnum)
  status!: CommercialDocumentStatus;

  @Field(() => DateTimeScalar, { description: 'When the status happened: what follow-ups are anchored on.' })
  at!: string;

  @Field(() => String, { nullable: true, description: 'Invoices: the total paid as of this status.' })
  paidAmount!: string | null;

  @Field(() => DateTimeScalar, { description: 'When it was recorded in Suivi, which may be after `at`.' })
  recordedAt!: string;

  @Field(() => User)
  recordedBy!: User;
}

@ObjectType({
  description:
    'A quote, order, invoice or contract, recorded as a fact (by a user or an ERP integration): Suivi keeps its statuses and when each happened, it does not issue or compute documents. Unique per third party, type and ref.',
})
export class CommercialDocument {
  @Field(() => ID)
  id!: string;

  @Field(() => ID)
  thirdPartyId!: string;

  @Field(() => CommercialDocumentTypeEnum)
  type!: CommercialDocumentType;

  @Field({ description: 'Its reference in the system that issued it, e.g. FA2603-0042. Exchanges link to it by type and ref.' })
  ref!: string;

  @Field(() => String, { nullable: true })
  label!: string | null;

  @Field({ description: AMOUNT })
  amount!: string;

  @Field({ description: 'ISO 4217 currency code, e.g. EUR.' })
  currency!: string;

  @Field(() => DateTimeScalar)
  issuedAt!: string;

  @Field(() => DateTimeScalar, {
    nullable: true,
    description: "A quote's end of validity, an order's expected delivery, an invoice's payment due date, a contract's end.",
  })
  dueAt!: string | null;

  @Field(() => CommercialDocumentStatusEnum, { description: 'The current status.' })
  status!: CommercialDocumentStatus;

  @Field(() => DateTimeScalar, { description: 'When the current status happened.' })
  statusAt!: string;

  @Field(() => String, { nullable: true, description: 'Invoices: the total paid so far (the amount once PAID); null when unknown.' })
  paidAmount!: string | null;

  @Field(() => [CommercialDocumentStatusChange], { description: 'Every status reached, oldest first; the last is the current one.' })
  statusHistory!: CommercialDocumentStatusChange[];

  @Field(() => User)
  recordedBy!: User;

  @Field(() => DateTimeScalar)
  recordedAt!: string;

  @Field({ description: "Revision of the document's history. Send it back as expectedVersion." })
  version!: string;
}

@ObjectType()
export class CommercialDocumentConnection extends ConnectionType(CommercialDocument, 'CommercialDocument') {}

@InputType({ description: "A third party's documents: every criterion given must hold." })
export class ThirdPartyCommercialDocumentFilter {
  @Field(() => CommercialDocumentTypeEnum, { nullable: true })
  type?: CommercialDocumentType | null;

  @Field(() => String, { nullable: true, description: 'The ref, exactly.' })
  ref?: string | null;

  @Field(() => CommercialDocumentStatusEnum, { nullable: true, description: 'The current status.' })
  status?: CommercialDocumentStatus | null;

  @Field(() => DateTimeScalar, { nullable: true, description: 'dueAt strictly before this instant (documents without dueAt never match).' })
  dueBefore?: string | null;

  @Field(() => DateTimeScalar, { nullable: true, description: 'dueAt at or after this instant.' })
  dueAfter?: string | null;
}

@InputType({ description: 'Every criterion given must hold.' })
export class CommercialDocumentFilter extends ThirdPartyCommercialDocumentFilter {
  @Field(() => ID, { nullable: true })
  thirdPartyId?: string | null;
}

@InputType({
  description:
    'Recording the same document again (same third party, type and ref, same facts) changes nothing and returns it; the same ref with other facts is a CONFLICT.',
})
export class RecordCommercialDocumentInput extends MutationInput {
  @Field(() => ID, {
    nullable: true,
    description: 'Required: the third party the document was issued to (or by). A missing or unknown one is refused with BAD_USER_INPUT.',
  })
  thirdPartyId?: string | null;

  @Field(() => CommercialDocumentTypeEnum)
  type!: CommercialDocumentType;

  @Field({ description: 'Its reference in the system that issued it (at most 100 characters), unique per third party and type.' })
  ref!: string;

  @Field(() => String, { nullable: true, description: 'A title for people (at most 200 characters).' })
  label?: string | null;

  @Field({ description: AMOUNT })
  amount!: string;

  @Field({ description: 'ISO 4217 currency code, e.g. EUR.' })
  currency!: string;

  @Field(() => DateTimeScalar)
  issuedAt!: string;

  @Field(() => DateTimeScalar, { nullable: true, description: 'Not before issuedAt.' })
  dueAt?: string | null;

  @Field(() => CommercialDocumentStatusEnum, {
    nullable: true,
    description: "One of the type's statuses; its first one (SENT, PLACED, ISSUED, DRAFT) when not given.",
  })
  status?: CommercialDocumentStatus | null;

  @Field(() => DateTimeScalar, {
    nullable: true,
    description: "When that status happened. When not given: issuedAt for the type's first status (a document is in it once issued), now for a later one.",
  })
  statusAt?: string | null;

  @Field(() => String, { nullable: true, description: 'Invoices PARTIALLY_PAID: the total paid so far. PAID implies the amount.' })
  paidAmount?: string | null;
}

@InputType({ description: 'Moves a document to another status of its type, as the transition table allows (see docs/decisions/0021).' })
export class ChangeCommercialDocumentStatusInput extends UpdateMutationInput {
  @Field(() => ID)
  documentId!: string;

  @Field(() => CommercialDocumentStatusEnum)
  status!: CommercialDocumentStatus;

  @Field(() => DateTimeScalar, { nullable: true, description: 'When the status happened; now when not given. Not before the current status.' })
  at?: string | null;

  @Field(() => String, {
    nullable: true,
    description: 'Invoices PARTIALLY_PAID: the total paid so far, after this payment (not the payment alone). PAID implies the amount.',
  })
  paidAmount?: string | null;
}

@ObjectType({ isAbstract: true })
abstract class CommercialDocumentPayload {
  @Field(() => CommercialDocument)
  commercialDocument!: CommercialDocument;

  @Field({ description: POSITION_DESCRIPTION })
  position!: string;
}

@ObjectType()
export class RecordCommercialDocumentPayload extends CommercialDocumentPayload {}

@ObjectType()
export class ChangeCommercialDocumentStatusPayload extends CommercialDocumentPayload {}
