import { DomainRuleViolated, InvalidInput, NotFound } from '../shared/errors.js';
import type { CommandContext, Decider } from '../shared/event.js';
import { diffFields, jsonEqual } from '../shared/field-changes.js';
import { validErasureReason, validErasureReference } from '../privacy/erasure.js';
import { requireActiveThirdParty } from '../shared/references.js';
import {
  LIMITS,
  oneOf,
  optionalEmail,
  optionalLanguageTag,
  optionalPhone,
  optionalText,
  requiredText,
} from '../shared/validation.js';
import type { JsonValue } from '../shared/values.js';
import type { AddContact, ArchiveContact, ContactCommand, ForgetContact, UpdateContact } from './contact.commands.js';
import { contactChannels, contactProfileFields, type ContactEvent, type ContactProfile } from './contact.events.js';

export interface ContactRecord {
  readonly contactId: string;
  readonly thirdPartyId: string;
  readonly addedAt: string;
  readonly profile: ContactProfile;
}

/**
 * A forgotten contact keeps its ids (the history of what happened stays) but
 * its personal values read as erased, and it accepts no further command.
 */
export type ContactState =
  | { readonly status: 'none' }
  | ({ readonly status: 'active' } & ContactRecord)
  | ({ readonly status: 'archived' } & ContactRecord)
  | ({ readonly status: 'forgotten'; readonly forgottenAt: string } & ContactRecord);

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

/** "First Last", or the last name alone: how timelines and journals name a contact. */
export const contactDisplayName = (profile: Pick<ContactProfile, 'firstName' | 'lastName'>): string =>
  profile.firstName ? `${profile.firstName} ${profile.lastName}` : profile.lastName;

const initialState = (): ContactState => ({ status: 'none' });

const evolve = (state: ContactState, event: ContactEvent): ContactState => {
  switch (event.type) {
    case 'ContactAdded': {
      const d = event.data;
      return {
        status: 'active',
        contactId: d.contactId,
        thirdPartyId: d.thirdPartyId,
        addedAt: d.addedAt,
        profile: {
          firstName: d.firstName,
          lastName: d.lastName,
          jobTitle: d.jobTitle,
          email: d.email,
          phone: d.phone,
          mobile: d.mobile,
          preferredLanguage: d.preferredLanguage,
          preferredChannel: d.preferredChannel,
          notes: d.notes,
        },
      };
    }
    case 'ContactUpdated': {
      if (state.status === 'none' || state.status === 'forgotten') return state;
      const profile: Mutable<ContactProfile> = { ...state.profile };
      for (const { field, to } of event.data.changes) {
        if ((contactProfileFields as readonly string[]).includes(field)) (profile as Record<string, unknown>)[field] = to;
      }
      return { ...state, profile };
    }
    case 'ContactArchived':
      if (state.status === 'none' || state.status === 'forgotten') return state;
      return { ...state, status: 'archived' };
    case 'ContactForgotten':
      if (state.status === 'none') return state;
      return { ...state, status: 'forgotten', forgottenAt: event.data.forgottenAt };
    default: {
      const unreachable: never = event;
      return unreachable;
    }
  }
};

type ProfileInput = Partial<Omit<UpdateContact['data'], 'contactId'>>;

/** The profile after applying the given fields to `base` (absent fields unchanged, null clears). */
const nextProfile = (base: ContactProfile, input: ProfileInput): ContactProfile => {
  const next: Mutable<ContactProfile> = { ...base };
  if (input.firstName !== undefined) next.firstName = optionalText('firstName', input.firstName, { max: LIMITS.name });
  if (input.lastName !== undefined) next.lastName = requiredText('lastName', input.lastName, { max: LIMITS.name });
  if (input.jobTitle !== undefined) next.jobTitle = optionalText('jobTitle', input.jobTitle, { max: LIMITS.short });
  if (input.email !== undefined) next.email = optionalEmail('email', input.email);
  if (input.phone !== undefined) next.phone = optionalPhone('phone', input.phone);
  if (input.mobile !== undefined) next.mobile = optionalPhone('mobile', input.mobile);
  if (input.preferredLanguage !== undefined) next.preferredLanguage = optionalLanguageTag('preferredLanguage', input.preferredLanguage);
  if (input.preferredChannel !== undefined) {
    next.preferredChannel = input.preferredChannel === null ? null : oneOf('preferredChannel', input.preferredChannel, contactChannels);
  }
  if (input.notes !== undefined) next.notes = optionalText('notes', input.notes, { max: LIMITS.longText, multiline: true });
  return next;
};

const blankProfile = (): ContactProfile => ({
  firstName: null,
  lastName: '',
  jobTitle: null,
  email: null,
  phone: null,
  mobile: null,
  preferredLanguage: null,
  preferredChannel: null,
  notes: null,
});

type Known = Exclude<ContactState, { status: 'none' | 'forgotten' }>;

/** A forgotten contact is not missing (its history stays), but nothing may be recorded about them any more. */
const refuseForgotten = (state: Extract<ContactState, { status: 'forgotten' }>): never => {
  throw new DomainRuleViolated(
    `contact ${state.contactId} was forgotten on ${state.forgottenAt.slice(0, 10)} (their personal data is erased): it accepts no further command`,
  );
};

const existing = (state: ContactState, contactId: string): Known => {
  if (state.status === 'none') throw new NotFound('contact', contactId);
  if (state.status === 'forgotten') return refuseForgotten(state);
  return state;
};

const addContact = (command: AddContact, state: ContactState, context: CommandContext): ContactEvent[] => {
  const { contactId, thirdParty, ...input } = command.data;
  const thirdPartyId = requireActiveThirdParty(thirdParty, 'thirdPartyId');
  if (input.lastName === undefined || input.lastName === null) throw new InvalidInput('lastName', 'is required');
  const profile = nextProfile(blankProfile(), input);
  if (state.status === 'forgotten') return refuseForgotten(state);
  if (state.status !== 'none') {
    const same =
      state.thirdPartyId === thirdPartyId && jsonEqual(state.profile as unknown as JsonValue, profile as unknown as JsonValue);
    if (same) return [];
    throw new DomainRuleViolated(`contact ${contactId} already exists`);
  }
  return [{ type: 'ContactAdded', data: { contactId, thirdPartyId, ...profile, addedAt: context.now.toISOString() } }];
};

const updateContact = (command: UpdateContact, state: ContactState): ContactEvent[] => {
  const { contactId, ...input } = command.data;
  const current = existing(state, contactId);
  const profile = nextProfile(current.profile, input);
  const changes = diffFields(current.profile, profile, contactProfileFields);
  if (changes.length === 0) return [];
  if (current.status === 'archived') throw new DomainRuleViolated(`contact ${contactId} is archived and cannot be changed`);
  return [
    {
      type: 'ContactUpdated',
      data: { contactId, thirdPartyId: current.thirdPartyId, displayName: contactDisplayName(profile), changes },
    },
  ];
};

const archiveContact = (command: ArchiveContact, state: ContactState): ContactEvent[] => {
  const { contactId } = command.data;
  const current = existing(state, contactId);
  const reason = optionalText('reason', command.data.reason, { max: LIMITS.longText, multiline: true });
  if (current.status === 'archived') return [];
  return [
    {
      type: 'ContactArchived',
      data: { contactId, thirdPartyId: current.thirdPartyId, displayName: contactDisplayName(current.profile), reason },
    },
  ];
};

/** Forgetting twice is a no-op: the erasure can be run again to finish one that was interrupted. */
const forgetContact = (command: ForgetContact, state: ContactState, context: CommandContext): ContactEvent[] => {
  const { contactId } = command.data;
  const reason = validErasureReason(command.data.reason);
  const reference = validErasureReference(command.data.reference);
  if (state.status === 'none') throw new NotFound('contact', contactId);
  if (state.status === 'forgotten') return [];
  return [
    {
      type: 'ContactForgotten',
      data: { contactId, thirdPartyId: state.thirdPartyId, reason, reference, forgottenAt: context.now.toISOString() },
    },
  ];
};

const decide = (command: ContactCommand, state: ContactState, context: CommandContext): ContactEvent[] => {
  switch (command.type) {
    case 'AddContact':
      return addContact(command, state, context);
    case 'UpdateContact':
      return updateContact(command, state);
    case 'ArchiveContact':
      return archiveContact(command, state);
    case 'ForgetContact':
      return forgetContact(command, state, context);
    default: {
      const unreachable: never = command;
      return unreachable;
    }
  }
};

export const contactDecider: Decider<ContactState, ContactCommand, ContactEvent> = {
  initialState,
  evolve,
  decide,
};
