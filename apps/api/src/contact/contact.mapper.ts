import { contactDisplayName, type ContactState } from '#domain';
import type { ContactEntry } from '#projections';
import type { Contact } from './contact.types.js';

export function contactFromState(state: ContactState, revision: bigint): Contact {
  if (state.status === 'none') throw new Error('a contact that does not exist has no representation');
  const { profile } = state;
  return {
    id: state.contactId,
    thirdPartyId: state.thirdPartyId,
    ...profile,
    displayName: contactDisplayName(profile),
    archived: state.status === 'archived',
    addedAt: state.addedAt,
    version: revision.toString(),
  };
}

export const contactFromEntry = (entry: ContactEntry): Contact => ({
  id: entry.id,
  thirdPartyId: entry.thirdPartyId,
  firstName: entry.firstName,
  lastName: entry.lastName,
  displayName: entry.displayName,
  jobTitle: entry.jobTitle,
  email: entry.email,
  phone: entry.phone,
  mobile: entry.mobile,
  preferredLanguage: entry.preferredLanguage,
  preferredChannel: entry.preferredChannel,
  notes: entry.notes,
  archived: entry.archived,
  addedAt: entry.addedAt,
  version: entry.version,
});
