import { Field, ID, InputType, ObjectType } from '@nestjs/graphql';
import type { ContactChannel } from '#domain';
import {
  ContactChannelEnum,
  EXPECTED_VERSION_DESCRIPTION,
  IDEMPOTENCY_KEY_DESCRIPTION,
  POSITION_DESCRIPTION,
  UpdateMutationInput,
  MutationInput,
} from '../graphql/common.types.js';
import { DateTimeScalar } from '../graphql/scalars.js';

@ObjectType({ description: 'A person at a third party.' })
export class Contact {
  @Field(() => ID)
  id!: string;

  @Field(() => ID, { description: 'The third party the contact belongs to.' })
  thirdPartyId!: string;

  @Field(() => String, { nullable: true })
  firstName!: string | null;

  @Field()
  lastName!: string;

  @Field({ description: '"First Last", or the last name alone.' })
  displayName!: string;

  @Field(() => String, { nullable: true, description: 'Job title or role at the third party.' })
  jobTitle!: string | null;

  @Field(() => String, { nullable: true })
  email!: string | null;

  @Field(() => String, { nullable: true })
  phone!: string | null;

  @Field(() => String, { nullable: true })
  mobile!: string | null;

  @Field(() => String, { nullable: true, description: 'BCP 47 language tag, e.g. fr, it, fr-BE.' })
  preferredLanguage!: string | null;

  @Field(() => ContactChannelEnum, { nullable: true })
  preferredChannel!: ContactChannel | null;

  @Field(() => String, { nullable: true })
  notes!: string | null;

  @Field({ description: 'The contact no longer represents the third party; the history stays.' })
  archived!: boolean;

  @Field(() => DateTimeScalar)
  addedAt!: string;

  @Field({ description: "Revision of the contact's history. Send it back as expectedVersion." })
  version!: string;
}

@InputType()
export class AddContactInput extends MutationInput {
  @Field(() => ID, {
    nullable: true,
    description: 'Required: the third party the contact belongs to. A missing or unknown one is refused with BAD_USER_INPUT.',
  })
  thirdPartyId?: string | null;

  @Field(() => String, { nullable: true })
  firstName?: string | null;

  @Field()
  lastName!: string;

  @Field(() => String, { nullable: true })
  jobTitle?: string | null;

  @Field(() => String, { nullable: true })
  email?: string | null;

  @Field(() => String, { nullable: true })
  phone?: string | null;

  @Field(() => String, { nullable: true })
  mobile?: string | null;

  @Field(() => String, { nullable: true, description: 'BCP 47 language tag, e.g. fr, it, fr-BE.' })
  preferredLanguage?: string | null;

  @Field(() => ContactChannelEnum, { nullable: true })
  preferredChannel?: ContactChannel | null;

  @Field(() => String, { nullable: true })
  notes?: string | null;
}

@InputType({ description: 'Only the fields given change; null clears a field (lastName cannot be cleared).' })
export class UpdateContactInput {
  @Field(() => ID)
  contactId!: string;

  @Field(() => String, { nullable: true })
  firstName?: string | null;

  @Field(() => String, { nullable: true })
  lastName?: string | null;

  @Field(() => String, { nullable: true })
  jobTitle?: string | null;

  @Field(() => String, { nullable: true })
  email?: string | null;

  @Field(() => String, { nullable: true })
  phone?: string | null;

  @Field(() => String, { nullable: true })
  mobile?: string | null;

  @Field(() => String, { nullable: true })
  preferredLanguage?: string | null;

  @Field(() => ContactChannelEnum, { nullable: true })
  preferredChannel?: ContactChannel | null;

  @Field(() => String, { nullable: true })
  notes?: string | null;

  @Field(() => String, { nullable: true, description: EXPECTED_VERSION_DESCRIPTION })
  expectedVersion?: string | null;

  @Field(() => String, { nullable: true, description: IDEMPOTENCY_KEY_DESCRIPTION })
  idempotencyKey?: string | null;
}

@InputType()
export class ArchiveContactInput extends UpdateMutationInput {
  @Field(() => ID)
  contactId!: string;

  @Field(() => String, { nullable: true, description: 'Why, e.g. "left the company".' })
  reason?: string | null;
}

@ObjectType({ isAbstract: true })
abstract class ContactPayload {
  @Field(() => Contact)
  contact!: Contact;

  @Field({ description: POSITION_DESCRIPTION })
  position!: string;
}

@ObjectType()
export class AddContactPayload extends ContactPayload {}

@ObjectType()
export class UpdateContactPayload extends ContactPayload {}

@ObjectType()
export class ArchiveContactPayload extends ContactPayload {}
