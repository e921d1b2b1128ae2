import { Field, ID, InputType, ObjectType, registerEnumType } from '@nestjs/graphql';
import {
  contactChannels,
  exchangeStatuses,
  linkedDocumentTypes,
  prospectStatuses,
  thirdPartyKinds,
  thirdPartyRoles,
  type FieldChange as DomainFieldChange,
  type JsonValue,
} from '#domain';

const enumOf = <T extends string>(values: readonly T[]): Record<T, T> =>
  Object.fromEntries(values.map((v) => [v, v])) as Record<T, T>;

export const ThirdPartyKindEnum = enumOf(thirdPartyKinds);
export const ThirdPartyRoleEnum = enumOf(thirdPartyRoles);
export const ProspectStatusEnum = enumOf(prospectStatuses);
export const ContactChannelEnum = enumOf(contactChannels);
export const ExchangeStatusEnum = enumOf(exchangeStatuses);
export const LinkedDocumentTypeEnum = enumOf(linkedDocumentTypes);

registerEnumType(ThirdPartyKindEnum, {
  name: 'ThirdPartyKind',
  description: 'A company, or an individual (a private person).',
});
registerEnumType(ThirdPartyRoleEnum, {
  name: 'ThirdPartyRole',
  description: 'What a third party is to the business; a third party may hold several roles.',
});
registerEnumType(ProspectStatusEnum, {
  name: 'ProspectStatus',
  description: 'Where the business stands with a prospect; null once it is no longer a prospect.',
});
registerEnumType(ContactChannelEnum, { name: 'ContactChannel', description: 'How a contact prefers to be reached.' });
registerEnumType(ExchangeStatusEnum, {
  name: 'ExchangeStatus',
  description: 'CLOSED: done (the default). IN_PROGRESS and TO_DO are follow-ups, listed by upcomingContacts.',
});
registerEnumType(LinkedDocumentTypeEnum, {
  name: 'LinkedDocumentType',
  description: 'The kind of commercial document an exchange is about.',
});

@ObjectType({ description: 'A user of Suivi, by id: who did something. `me` returns the whole account (UserAccount).' })
export class User {
  @Field(() => ID)
  id!: string;
}

export const user = (id: string): User => ({ id });
export const optionalUser = (id: string | null | undefined): User | null => (id ? { id } : null);

@ObjectType({ description: 'One field changed, old value → new value.' })
export class FieldChange {
  @Field({ description: 'Dotted path of the field, e.g. `email`, `address.city`, `customFields.sector`.' })
  field!: string;

  @Field(() => String, { nullable: true, description: 'The old value, JSON-encoded (`"Lyon"`, `12`, `["a","b"]`); null when there was none.' })
  from!: string | null;

  @Field(() => String, { nullable: true, description: 'The new value, JSON-encoded; null when the field was cleared.' })
  to!: string | null;
}

const encodeJson = (value: JsonValue | undefined): string | null =>
  value === null || value === undefined ? null : JSON.stringify(value);

export const toFieldChanges = (changes: readonly DomainFieldChange[]): FieldChange[] =>
  changes.map((change) => ({ field: change.field, from: encodeJson(change.from), to: encodeJson(change.to) }));

@ObjectType()
export class Address {
  @Field(() => String, { nullable: true })
  street!: string | null;

  @Field(() => String, { nullable: true })
  postalCode!: string | null;

  @Field(() => String, { nullable: true })
  city!: string | null;

  @Field(() => String, { nullable: true })
  region!: string | null;

  @Field(() => String, { nullable: true, description: 'ISO 3166-1 alpha-2 country code, e.g. FR.' })
  country!: string | null;
}

@InputType()
export class AddressInput {
  @Field(() => String, { nullable: true })
  street?: string | null;

  @Field(() => String, { nullable: true })
  postalCode?: string | null;

  @Field(() => String, { nullable: true })
  city?: string | null;

  @Field(() => String, { nullable: true })
  region?: string | null;

  @Field(() => String, { nullable: true, description: 'ISO 3166-1 alpha-2 country code, e.g. FR.' })
  country?: string | null;
}

@ObjectType({ description: 'A commercial document an exchange refers to, in the system that owns it.' })
export class LinkedDocument {
  @Field(() => LinkedDocumentTypeEnum)
  type!: string;

  @Field({ description: 'Its id or reference there, e.g. PR2411-0042.' })
  ref!: string;
}

@InputType()
export class LinkedDocumentInput {
  @Field(() => LinkedDocumentTypeEnum)
  type!: string;

  @Field({ description: 'The document\'s id or reference in the system that owns it, e.g. PR2411-0042.' })
  ref!: string;
}

export const IDEMPOTENCY_KEY_DESCRIPTION =
  'Makes the mutation safe to retry: the same key returns the original result and records nothing new.';
export const EXPECTED_VERSION_DESCRIPTION =
  'The `version` the client last read. When given and the record has changed since, the mutation fails with CONFLICT instead of overwriting.';
export const POSITION_DESCRIPTION =
  'Global log position of this write (opaque). Send it back in the x-suivi-consistent-with header to read your own write.';

/** What every mutation input carries: a key that makes a retry safe. */
@InputType({ isAbstract: true })
export abstract class MutationInput {
  @Field(() => String, { nullable: true, description: IDEMPOTENCY_KEY_DESCRIPTION })
  idempotencyKey?: string | null;
}

/** Inputs that change an existing record also carry the version the client read. */
@InputType({ isAbstract: true })
export abstract class UpdateMutationInput extends MutationInput {
  @Field(() => String, { nullable: true, description: EXPECTED_VERSION_DESCRIPTION })
  expectedVersion?: string | null;
}
