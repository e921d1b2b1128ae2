import { eventSelection } from '../shared/event-selection.js';
import { ERASED, type ContactChannel, type ContactEvent, type FieldChange } from '#domain';
import { erasedText } from '../shared/erasure.js';
import type { EventEnvelope } from '#event-store';
import { mergeFanOut, mergeSelection, rekeyMoved } from '../shared/merge.js';
import type { CollectionDefinition } from '#read-store';
import { directoryNameKey } from '../directory/directory.projection.js';
import type { Projection } from '../projection.js';

/** A contact person as lists show it. A type alias (not an interface) so it is a `Doc`. */
export type ContactEntry = {
  readonly id: string;
  readonly thirdPartyId: string;
  /** The absorbed third party while a merge makes the record read as the survivor's (docs/decisions/0029-merge.md). */
  readonly mergedFrom?: string;
  readonly firstName: string | null;
  readonly lastName: string;
  /** "First Last", or the last name alone. */
  readonly displayName: string;
  readonly jobTitle: string | null;
  readonly email: string | null;
  readonly phone: string | null;
  readonly mobile: string | null;
  readonly preferredLanguage: string | null;
  readonly preferredChannel: ContactChannel | null;
  readonly notes: string | null;
  readonly archived: boolean;
  readonly addedAt: string;
  readonly updatedAt: string;
  /** Lower-cased, accent-free last name then first name: the list order. */
  readonly sortKey: string;
  /** Revision of the contact's stream: the expectedVersion a client sends back. */
  readonly version: string;
  /** Global position of the last event applied. */
  readonly lastPosition: string;
  /**
   * When the contact was forgotten (GDPR erasure): their personal fields then
   * read "[erased]" (or null where there was nothing). Absent or null otherwise.
   */
  readonly forgottenAt?: string | null;
};

/**
 * U+0001 sorts before every character a name holds, so "Le, Zoé" comes before
 * "Le Blanc, Amy", as it would in a two-column sort.
 */
const SEPARATOR = '\u0001';

export const contactSortKey = (lastName: string, firstName: string | null): string =>
  `${directoryNameKey(lastName)}${SEPARATOR}${directoryNameKey(firstName ?? '')}`;

export const contactDisplayName = (firstName: string | null, lastName: string): string =>
  firstName ? `${firstName} ${lastName}` : lastName;

type ContactsEvent = ContactEvent;

const selection = eventSelection<ContactsEvent>(['ContactAdded', 'ContactUpdated', 'ContactArchived', 'ContactForgotten']);
const asContactsEvent = selection.select;


export const contactsCollection: CollectionDefinition = {
  name: 'contacts',
  indexes: ['thirdPartyId', 'sortKey', 'archived'],
};

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

/** Fields a change may name; anything else (a future field) is ignored, not guessed at. */
const profileFields: ReadonlySet<string> = new Set([
  'firstName',
  'lastName',
  'jobTitle',
  'email',
  'phone',
  'mobile',
  'preferredLanguage',
  'preferredChannel',
  'notes',
]);

const applyChanges = (entry: Mutable<ContactEntry>, changes: readonly FieldChange[]): void => {
  for (const change of changes) {
    if (profileFields.has(change.field)) (entry as Record<string, unknown>)[change.field] = change.to;
  }
  entry.sortKey = contactSortKey(entry.lastName, entry.firstName);
};

const touched = (doc: ContactEntry, event: EventEnvelope, change: (entry: Mutable<ContactEntry>) => void): ContactEntry => {
  const entry: Mutable<ContactEntry> = { ...doc };
  change(entry);
  entry.updatedAt = event.metadata.occurredAt;
  entry.version = event.revision.toString();
  entry.lastPosition = event.position.toString();
  return entry;
};

/**
 * A forgotten contact: every field their events encrypt becomes a marker
 * (preferred language and channel, which say nothing of who they are, stay),
 * the sort key too. Depends only on which fields were empty, so the entry built
 * from the erased events and erased again equals the one erased from clear values.
 */
const eraseContact = (entry: Mutable<ContactEntry>, forgottenAt: string): void => {
  entry.firstName = erasedText(entry.firstName);
  entry.lastName = ERASED;
  entry.displayName = ERASED;
  entry.jobTitle = erasedText(entry.jobTitle);
  entry.email = erasedText(entry.email);
  entry.phone = erasedText(entry.phone);
  entry.mobile = erasedText(entry.mobile);
  entry.notes = erasedText(entry.notes);
  entry.sortKey = contactSortKey(entry.lastName, entry.firstName);
  entry.forgottenAt = forgottenAt;
};

export const evolveContacts = (doc: ContactEntry | null, envelope: EventEnvelope): ContactEntry | null => {
  if (mergeSelection.select(envelope) !== null) return rekeyMoved(doc, envelope);
  const event = asContactsEvent(envelope);
  if (event === null) return doc;
  switch (event.type) {
    case 'ContactAdded': {
      const data = event.data;
      return {
        id: data.contactId,
        thirdPartyId: data.thirdPartyId,
        firstName: data.firstName,
        lastName: data.lastName,
        displayName: contactDisplayName(data.firstName, data.lastName),
        jobTitle: data.jobTitle,
        email: data.email,
        phone: data.phone,
        mobile: data.mobile,
        preferredLanguage: data.preferredLanguage,
        preferredChannel: data.preferredChannel,
        notes: data.notes,
        archived: false,
        addedAt: data.addedAt,
        updatedAt: event.metadata.occurredAt,
        sortKey: contactSortKey(data.lastName, data.firstName),
        version: event.revision.toString(),
        lastPosition: event.position.toString(),
      };
    }
    case 'ContactUpdated': {
      if (doc === null) return doc;
      const { changes, displayName } = event.data;
      return touched(doc, event, (entry) => {
        applyChanges(entry, changes);
        entry.displayName = displayName;
      });
    }
    case 'ContactArchived':
      if (doc === null) return doc;
      return touched(doc, event, (entry) => {
        entry.archived = true;
      });
    case 'ContactForgotten': {
      if (doc === null) return doc;
      const { forgottenAt } = event.data;
      return touched(doc, event, (entry) => eraseContact(entry, forgottenAt));
    }
    default: {
      const unreachable: never = event;
      return unreachable;
    }
  }
};

export const contactsProjection: Projection<ContactEntry> = {
  name: 'contacts.v1',
  collection: contactsCollection,
  canHandle: (type) => selection.canHandle(type) || mergeSelection.canHandle(type),
  documentId: (envelope) => asContactsEvent(envelope)?.data.contactId ?? null,
  evolve: evolveContacts,
  fanOut: mergeFanOut('contactIds'),
  forgets: ['contact'],
};
