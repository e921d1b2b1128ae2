import type { Permission } from '#domain';
import { timelineKinds, type TimelineKind } from '#projections';
import type { Viewer } from '#security';

/** The read permission of the module each kind of entry shows the records of. */
export const kindPermissions: Readonly<Record<TimelineKind, Permission>> = {
  THIRD_PARTY_REGISTERED: 'thirdParties.read',
  THIRD_PARTY_UPDATED: 'thirdParties.read',
  THIRD_PARTY_ARCHIVED: 'thirdParties.read',
  PROSPECT_CONVERTED: 'thirdParties.read',
  CONTACT_ADDED: 'contacts.read',
  CONTACT_UPDATED: 'contacts.read',
  CONTACT_ARCHIVED: 'contacts.read',
  EXCHANGE_LOGGED: 'exchanges.read',
  EXCHANGE_UPDATED: 'exchanges.read',
  EXCHANGE_STATUS_CHANGED: 'exchanges.read',
  EXCHANGE_DELETED: 'exchanges.read',
  NOTE_ADDED: 'notes.read',
  THIRD_PARTY_FORGOTTEN: 'thirdParties.read',
  CONTACT_FORGOTTEN: 'contacts.read',
  FOLLOW_UP_SENT: 'followUps.read',
  COMMERCIAL_DOCUMENT_RECORDED: 'documents.read',
  COMMERCIAL_DOCUMENT_STATUS_CHANGED: 'documents.read',
  THIRD_PARTY_MERGED: 'thirdParties.read',
  THIRD_PARTY_UNMERGED: 'thirdParties.read',
};

/** The kinds of entries the viewer may read; null when every kind. */
export function readableKinds(viewer: Viewer): TimelineKind[] | null {
  const kinds = timelineKinds.filter((kind) => viewer.can(kindPermissions[kind]));
  return kinds.length === timelineKinds.length ? null : kinds;
}
