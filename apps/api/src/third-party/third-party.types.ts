import { Field, ID, InputType, ObjectType } from '@nestjs/graphql';
import type { ProspectStatus, ThirdPartyKind, ThirdPartyRole } from '#domain';
import {
  Address,
  AddressInput,
  EXPECTED_VERSION_DESCRIPTION,
  IDEMPOTENCY_KEY_DESCRIPTION,
  POSITION_DESCRIPTION,
  ProspectStatusEnum,
  ThirdPartyKindEnum,
  ThirdPartyRoleEnum,
  User,
  UpdateMutationInput,
  MutationInput,
} from '../graphql/common.types.js';
import { ConsentCriterionInput } from '../consent/consent.types.js';
import { ConnectionType } from '../graphql/relay.js';
import { DateTimeScalar } from '../graphql/scalars.js';

@ObjectType({ description: 'The value of a custom field declared in the catalogue (SUIVI_CATALOGUE_FILE).' })
export class CustomField {
  @Field()
  key!: string;

  @Field({ description: 'The value, JSON-encoded: `"retail"`, `12`, `true`, `"2025-03-14"`.' })
  value!: string;
}

@InputType({ description: 'A custom field value; the key must be declared in the catalogue, the value must fit its type.' })
export class CustomFieldInput {
  @Field()
  key!: string;

  @Field(() => String, {
    nullable: true,
    description:
      'JSON-encoded (`"retail"`, `12`, `true`); for STRING, ENUM and DATE fields the bare text (`retail`) is accepted too. null clears the field.',
  })
  value!: string | null;
}

@ObjectType({ description: 'A company or individual the business deals with: prospect, customer, supplier.' })
export class ThirdParty {
  @Field(() => ID)
  id!: string;

  @Field()
  name!: string;

  @Field(() => ThirdPartyKindEnum)
  kind!: ThirdPartyKind;

  @Field(() => [ThirdPartyRoleEnum])
  roles!: ThirdPartyRole[];

  @Field(() => ProspectStatusEnum, { nullable: true, description: 'Where the business stands with the prospect; null for a non-prospect.' })
  prospectStatus!: ProspectStatus | null;

  @Field(() => String, { nullable: true, description: 'Where the lead came from (trade fair, website, referral, …).' })
  leadSource!: string | null;

  @Field(() => String, { nullable: true, description: 'Sales territory.' })
  territory!: string | null;

  @Field(() => String, { nullable: true })
  vatNumber!: string | null;

  @Field(() => String, { nullable: true })
  email!: string | null;

  @Field(() => String, { nullable: true })
  phone!: string | null;

  @Field(() => String, { nullable: true })
  website!: string | null;

  @Field(() => Address, { nullable: true })
  address!: Address | null;

  @Field(() => String, { nullable: true })
  paymentTerms!: string | null;

  @Field(() => User, { nullable: true, description: 'The account owner.' })
  owner!: User | null;

  @Field(() => [String])
  categories!: string[];

  @Field(() => [String])
  tags!: string[];

  @Field(() => [CustomField], { description: 'Custom field values that are set, by key.' })
  customFields!: CustomField[];

  @Field()
  archived!: boolean;

  @Field(() => DateTimeScalar, { nullable: true, description: 'When the prospect became a customer; null if it never was converted.' })
  convertedAt!: string | null;

  @Field(() => DateTimeScalar)
  registeredAt!: string;

  @Field(() => ID, {
    nullable: true,
    description:
      'The third party this one was merged into (its records read as that one\'s, and it takes no change but an unmerge); null when it is not merged. A merged third party is left out of lists and duplicate candidates but stays readable by id.',
  })
  mergedInto!: string | null;

  @Field({ description: "Revision of the third party's history: 0 when registered, one more with every change. Send it back as expectedVersion." })
  version!: string;

  /**
   * Set when the object comes from the directory; left undefined when it was
   * built from the event stream (mutation payloads, as-of views).
   */
  lastInteractionAt?: string | null;

  /** The instant of an as-of view; its timeline stops there. */
  asOf?: string;
}

@ObjectType()
export class ThirdPartyConnection extends ConnectionType(ThirdParty, 'ThirdParty') {}

@InputType({ description: 'Every criterion given must hold.' })
export class ThirdPartyFilter {
  @Field(() => ThirdPartyKindEnum, { nullable: true })
  kind?: ThirdPartyKind | null;

  @Field(() => ThirdPartyRoleEnum, { nullable: true, description: 'Third parties holding this role.' })
  role?: ThirdPartyRole | null;

  @Field(() => ProspectStatusEnum, { nullable: true })
  prospectStatus?: ProspectStatus | null;

  @Field(() => String, { nullable: true })
  territory?: string | null;

  @Field(() => String, { nullable: true, description: 'Third parties in this category.' })
  category?: string | null;

  @Field(() => String, { nullable: true, description: 'Third parties with this tag.' })
  tag?: string | null;

  @Field(() => ID, { nullable: true, description: 'Third parties this user owns.' })
  ownerId?: string | null;

  @Field(() => String, { nullable: true })
  leadSource?: string | null;

  @Field(() => [CustomFieldInput], { nullable: true, description: 'Each custom field must hold exactly this value.' })
  customFields?: CustomFieldInput[] | null;

  @Field(() => DateTimeScalar, {
    nullable: true,
    description: 'Last exchange or note before this instant, or none at all: finds inactive and never-contacted prospects.',
  })
  lastInteractionBefore?: string | null;

  @Field(() => DateTimeScalar, { nullable: true, description: 'Last exchange or note at or after this instant.' })
  lastInteractionAfter?: string | null;

  @Field(() => String, {
    nullable: true,
    description: 'Words of the name, case- and accent-insensitive; each must begin a word of the name ("dup mar" finds "Dupont-Martin SA").',
  })
  search?: string | null;

  @Field(() => String, { nullable: true, description: 'Case- and accent-insensitive prefix of the name.' })
  nameStartsWith?: string | null;

  @Field(() => Boolean, { nullable: true, description: 'Include archived third parties (left out by default).' })
  includeArchived?: boolean | null;

  @Field(() => ConsentCriterionInput, {
    nullable: true,
    description: 'Third parties that are persons with this consent decision in force (e.g. who objected to MARKETING_EMAIL).',
  })
  consent?: ConsentCriterionInput | null;
}

@InputType()
export class RegisterThirdPartyInput extends MutationInput {
  @Field({ description: 'At most 200 characters; leading and trailing spaces are removed.' })
  name!: string;

  @Field(() => ThirdPartyKindEnum)
  kind!: ThirdPartyKind;

  @Field(() => [ThirdPartyRoleEnum], { defaultValue: [] })
  roles!: ThirdPartyRole[];

  @Field(() => ProspectStatusEnum, { nullable: true, description: 'For a prospect; NEVER_CONTACTED when not given.' })
  prospectStatus?: ProspectStatus | null;

  @Field(() => String, { nullable: true })
  leadSource?: string | null;

  @Field(() => String, { nullable: true })
  territory?: string | null;

  @Field(() => String, { nullable: true })
  vatNumber?: string | null;

  @Field(() => String, { nullable: true })
  email?: string | null;

  @Field(() => String, { nullable: true })
  phone?: string | null;

  @Field(() => String, { nullable: true })
  website?: string | null;

  @Field(() => AddressInput, { nullable: true })
  address?: AddressInput | null;

  @Field(() => String, { nullable: true })
  paymentTerms?: string | null;

  @Field(() => ID, { nullable: true, description: 'The account owner (a user id).' })
  ownerId?: string | null;

  @Field(() => [String], { nullable: true })
  categories?: string[] | null;

  @Field(() => [String], { nullable: true })
  tags?: string[] | null;

  @Field(() => [CustomFieldInput], { nullable: true })
  customFields?: CustomFieldInput[] | null;
}

@InputType({ description: 'Only the fields given change; null clears a field (name, kind and roles cannot be cleared).' })
export class UpdateThirdPartyInput {
  @Field(() => ID)
  thirdPartyId!: string;

  @Field(() => String, { nullable: true })
  name?: string | null;

  @Field(() => ThirdPartyKindEnum, { nullable: true })
  kind?: ThirdPartyKind | null;

  @Field(() => [ThirdPartyRoleEnum], { nullable: true, description: 'Replaces the roles. To turn a prospect into a customer, use convertProspect.' })
  roles?: ThirdPartyRole[] | null;

  @Field(() => ProspectStatusEnum, { nullable: true })
  prospectStatus?: ProspectStatus | null;

  @Field(() => String, { nullable: true })
  leadSource?: string | null;

  @Field(() => String, { nullable: true })
  territory?: string | null;

  @Field(() => String, { nullable: true })
  vatNumber?: string | null;

  @Field(() => String, { nullable: true })
  email?: string | null;

  @Field(() => String, { nullable: true })
  phone?: string | null;

  @Field(() => String, { nullable: true })
  website?: string | null;

  @Field(() => AddressInput, { nullable: true })
  address?: AddressInput | null;

  @Field(() => String, { nullable: true })
  paymentTerms?: string | null;

  @Field(() => [CustomFieldInput], { nullable: true, description: 'Merged into the current values; a null value clears that field.' })
  customFields?: CustomFieldInput[] | null;

  @Field(() => String, { nullable: true, description: EXPECTED_VERSION_DESCRIPTION })
  expectedVersion?: string | null;

  @Field(() => String, { nullable: true, description: IDEMPOTENCY_KEY_DESCRIPTION })
  idempotencyKey?: string | null;
}

@InputType()
export class AssignThirdPartyOwnerInput extends UpdateMutationInput {
  @Field(() => ID)
  thirdPartyId!: string;

  @Field(() => ID, { nullable: true, description: 'The new account owner (a user id); null: no owner.' })
  ownerId?: string | null;
}

@InputType({ description: 'Replaces the categories and/or the tags given; an absent list is left as it is.' })
export class CategoriseThirdPartyInput extends UpdateMutationInput {
  @Field(() => ID)
  thirdPartyId!: string;

  @Field(() => [String], { nullable: true })
  categories?: string[] | null;

  @Field(() => [String], { nullable: true })
  tags?: string[] | null;
}

@InputType()
export class ArchiveThirdPartyInput extends UpdateMutationInput {
  @Field(() => ID)
  thirdPartyId!: string;

  @Field(() => String, { nullable: true })
  reason?: string | null;
}

@InputType()
export class ConvertProspectInput extends UpdateMutationInput {
  @Field(() => ID)
  thirdPartyId!: string;

  // Narrows the inherited field's description for this mutation.
  @Field(() => String, {
    nullable: true,
    description: `${IDEMPOTENCY_KEY_DESCRIPTION} Converting again without one is a CONFLICT: the third party is no longer a prospect.`,
  })
  override idempotencyKey?: string | null;
}

@ObjectType({ isAbstract: true })
abstract class ThirdPartyPayload {
  @Field(() => ThirdParty)
  thirdParty!: ThirdParty;

  @Field({ description: POSITION_DESCRIPTION })
  position!: string;
}

@ObjectType()
export class RegisterThirdPartyPayload extends ThirdPartyPayload {}

@ObjectType()
export class UpdateThirdPartyPayload extends ThirdPartyPayload {}

@ObjectType()
export class AssignThirdPartyOwnerPayload extends ThirdPartyPayload {}

@ObjectType()
export class CategoriseThirdPartyPayload extends ThirdPartyPayload {}

@ObjectType()
export class ArchiveThirdPartyPayload extends ThirdPartyPayload {}

@ObjectType()
export class ConvertProspectPayload extends ThirdPartyPayload {}

@InputType({ description: 'Merges a duplicate (absorbedId) into the third party that stays (survivorId). Reversible with unmergeThirdParties.' })
export class MergeThirdPartiesInput extends MutationInput {
  @Field(() => ID, { description: 'The third party that stays: its fields, owner and territory are kept as they are.' })
  survivorId!: string;

  @Field(() => ID, {
    description: 'The duplicate: its contacts, exchanges, commercial documents, follow-ups and activities move to the survivor; it then takes no change but an unmerge.',
  })
  absorbedId!: string;

  @Field({ description: 'Why they are one and the same (journaled).' })
  reason!: string;
}

@InputType({ description: 'Undoes the merge of absorbedId: exactly what the merge moved goes back; what the survivor gained since stays.' })
export class UnmergeThirdPartiesInput extends MutationInput {
  @Field(() => ID)
  absorbedId!: string;

  @Field({ description: 'Why the merge was wrong (journaled).' })
  reason!: string;
}

@ObjectType({ description: 'The ids of the records a merge moved (and an unmerge moves back).' })
export class MergeMovedRecords {
  @Field(() => [ID])
  contactIds!: string[];

  @Field(() => [ID])
  exchangeIds!: string[];

  @Field(() => [ID])
  documentIds!: string[];

  @Field(() => [ID])
  followUpIds!: string[];

  @Field(() => [ID])
  activityIds!: string[];
}

@ObjectType({ description: 'thirdParty is the absorbed third party after the change.' })
export class MergeThirdPartiesPayload extends ThirdPartyPayload {
  @Field(() => MergeMovedRecords)
  moved!: MergeMovedRecords;
}

@ObjectType({ description: 'thirdParty is the absorbed third party, back on its own.' })
export class UnmergeThirdPartiesPayload extends ThirdPartyPayload {
  @Field(() => MergeMovedRecords)
  moved!: MergeMovedRecords;
}
