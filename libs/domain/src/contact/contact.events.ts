import type { ErasureReason } from '../privacy/erasure.js';
import type { Message } from '../shared/event.js';
import type { FieldChange } from '../shared/values.js';

export const contactChannels = ['EMAIL', 'PHONE', 'MOBILE', 'MAIL', 'IN_PERSON'] as const;
export type ContactChannel = (typeof contactChannels)[number];

/** A person at a third party. */
export interface ContactProfile {
  readonly firstName: string | null;
  /** Required: the name a contact is listed by. */
  readonly lastName: string;
  readonly jobTitle: string | null;
  readonly email: string | null;
  readonly phone: string | null;
  readonly mobile: string | null;
  /** BCP 47 language tag, e.g. `fr`, `it`, `fr-BE`. */
  readonly preferredLanguage: string | null;
  readonly preferredChannel: ContactChannel | null;
  readonly notes: string | null;
}

export const contactProfileFields = [
  'firstName',
  'lastName',
  'jobTitle',
  'email',
  'phone',
  'mobile',
  'preferredLanguage',
  'preferredChannel',
  'notes',
] as const;
export type ContactProfileField = (typeof contactProfileFields)[number];

export type ContactAdded = Message<
  'ContactAdded',
  ContactProfile & { readonly contactId: string; readonly thirdPartyId: string; readonly addedAt: string }
>;

/** `displayName` is the name after the change, for timelines and journals. */
export type ContactUpdated = Message<
  'ContactUpdated',
  { readonly contactId: string; readonly thirdPartyId: string; readonly displayName: string; readonly changes: FieldChange[] }
>;

/** The contact no longer represents the third party (left the company, …); history stays. */
export type ContactArchived = Message<
  'ContactArchived',
  { readonly contactId: string; readonly thirdPartyId: string; readonly displayName: string; readonly reason: string | null }
>;

/**
 * The contact was forgotten (GDPR erasure): their key is destroyed right after,
 * so every personal value of their events reads as erased. Holds no personal
 * data itself: ids, a reason code, a case reference and the date.
 */
export type ContactForgotten = Message<
  'ContactForgotten',
  {
    readonly contactId: string;
    readonly thirdPartyId: string;
    readonly reason: ErasureReason;
    readonly reference: string | null;
    readonly forgottenAt: string;
  }
>;

export type ContactEvent = ContactAdded | ContactUpdated | ContactArchived | ContactForgotten;
