import type { ErasureReason } from '../privacy/erasure.js';
import type { Message } from '../shared/event.js';
import type { ContactChannel } from './contact.events.js';

/** What the handler found about the third party a contact is added to. A forgotten one counts as none. */
export interface ThirdPartyReference {
  readonly thirdPartyId: string;
  readonly status: 'none' | 'active' | 'archived' | 'forgotten' | 'merged';
  /** The survivor of a merged third party: nothing new is recorded on the absorbed one. */
  readonly mergedInto?: string | null;
}

export type AddContact = Message<
  'AddContact',
  {
    readonly contactId: string;
    readonly thirdParty: ThirdPartyReference;
    readonly firstName?: string | null;
    readonly lastName: string;
    readonly jobTitle?: string | null;
    readonly email?: string | null;
    readonly phone?: string | null;
    readonly mobile?: string | null;
    readonly preferredLanguage?: string | null;
    readonly preferredChannel?: ContactChannel | null;
    readonly notes?: string | null;
  }
>;

/** Only fields present are changed; null clears (lastName cannot be cleared). */
export type UpdateContact = Message<
  'UpdateContact',
  {
    readonly contactId: string;
    readonly firstName?: string | null;
    readonly lastName?: string;
    readonly jobTitle?: string | null;
    readonly email?: string | null;
    readonly phone?: string | null;
    readonly mobile?: string | null;
    readonly preferredLanguage?: string | null;
    readonly preferredChannel?: ContactChannel | null;
    readonly notes?: string | null;
  }
>;

export type ArchiveContact = Message<'ArchiveContact', { readonly contactId: string; readonly reason?: string | null }>;

/** Forgets the contact (GDPR erasure); see DataSubjectErasure, which then destroys their key. */
export type ForgetContact = Message<
  'ForgetContact',
  { readonly contactId: string; readonly reason: ErasureReason; readonly reference?: string | null }
>;

export type ContactCommand = AddContact | UpdateContact | ArchiveContact | ForgetContact;
