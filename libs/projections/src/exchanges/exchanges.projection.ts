import { eventSelection } from '../shared/event-selection.js';
import { erasedText, erasureFanOut, erasureSelection } from '../shared/erasure.js';
import { utcInstant } from '../shared/read-model-keys.js';
import { exchangeParticipants, type ExchangeEvent, type ExchangeStatus, type FieldChange, type JsonValue, type LinkedDocumentType } from '#domain';
import type { EventEnvelope } from '#event-store';
import { eitherFanOut, mergeFanOut, mergeSelection, rekeyMoved } from '../shared/merge.js';
import type { CollectionDefinition } from '#read-store';
import type { Projection } from '../projection.js';

/**
 * An exchange as lists show it. It keeps the confidential comment's text, for
 * the API to hand to its readers only (the author and the group it is shared
 * with); no filter or sort reads it. A type alias (not an interface) so it is a `Doc`.
 */
export type ExchangeEntry = {
  readonly id: string;
  readonly thirdPartyId: string;
  /** The absorbed third party while a merge makes the record read as the survivor's (docs/decisions/0029-merge.md). */
  readonly mergedFrom?: string;
  readonly contactIds: string[];
  /**
   * Every contact the exchange ever named, removed ones included: its texts were
   * encrypted under their keys too, so forgetting any of them erases the texts.
   */
  readonly namedContactIds: string[];
  /** UTC ISO instant with milliseconds, so string order is time order. */
  readonly occurredAt: string;
  readonly mode: string;
  readonly subject: string;
  readonly comment: string | null;
  readonly status: ExchangeStatus;
  readonly hasConfidentialComment: boolean;
  /** Never indexed: not a search key. Readable through the API by its author and the group only. */
  readonly confidentialComment: string | null;
  readonly confidentialGroupId: string | null;
  readonly collaboratorIds: string[];
  readonly notifyCollaborators: boolean;
  readonly linkedDocumentType: LinkedDocumentType | null;
  readonly linkedDocumentRef: string | null;
  readonly contactedBy: string;
  readonly authorId: string;
  /**
   * The author, who made the contact and the collaborators, each once: those
   * who see the exchange without the permission to see everyone's.
   */
  readonly participantIds: string[];
  /** Deleted exchanges stay, flagged, so that lists can show them on request. */
  readonly deleted: boolean;
  readonly deletedAt: string | null;
  readonly loggedAt: string;
  readonly updatedAt: string;
  /** Revision of the exchange's stream: the expectedVersion a client sends back. */
  readonly version: string;
  /** Global position of the last event applied. */
  readonly lastPosition: string;
};

type ExchangesEvent = ExchangeEvent;

const selection = eventSelection<ExchangesEvent>([
  'ExchangeLogged',
  'ExchangeUpdated',
  'ExchangeStatusChanged',
  'ExchangeDeleted',
]);
const asExchangesEvent = selection.select;


export const exchangesCollection: CollectionDefinition = {
  name: 'exchanges',
  indexes: [
    'thirdPartyId',
    'contactIds',
    'namedContactIds',
    'collaboratorIds',
    'participantIds',
    'mode',
    'subject',
    'status',
    'occurredAt',
    'linkedDocumentType',
    'linkedDocumentRef',
    'deleted',
  ],
  // A third party's exchanges by date.
  compoundIndexes: [['thirdPartyId', 'occurredAt']],
  listFields: ['contactIds', 'namedContactIds', 'collaboratorIds', 'participantIds'],
};


const textOf = (value: JsonValue | undefined): string | null => (typeof value === 'string' && value.length > 0 ? value : null);

const participantsOf = exchangeParticipants;

const unionOf = (...lists: readonly (readonly string[] | undefined)[]): string[] => [...new Set(lists.flatMap((list) => list ?? []))];

/**
 * An exchange about a forgotten subject: its comment and confidential comment,
 * the texts its events encrypt, become markers; everything else (date, mode,
 * subject, status, author, who took part) is the history that stays.
 */
const eraseExchange = (doc: ExchangeEntry, event: EventEnvelope): ExchangeEntry => ({
  ...doc,
  comment: erasedText(doc.comment),
  confidentialComment: erasedText(doc.confidentialComment),
  lastPosition: event.position.toString(),
});

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

/** Fields copied as they are; the others are derived below or ignored (a future field). */
const plainFields: ReadonlySet<string> = new Set([
  'mode',
  'comment',
  'status',
  'confidentialGroupId',
  'collaboratorIds',
  'notifyCollaborators',
  'contactedBy',
]);

const applyChanges = (entry: Mutable<ExchangeEntry>, changes: readonly FieldChange[]): void => {
  for (const change of changes) {
    if (plainFields.has(change.field)) {
      (entry as Record<string, unknown>)[change.field] = Array.isArray(change.to) ? [...change.to] : change.to;
    } else if (change.field === 'confidentialComment') {
      entry.confidentialComment = textOf(change.to);
      entry.hasConfidentialComment = entry.confidentialComment !== null;
    } else if (change.field === 'linkedDocument') {
      const to = change.to as { type: LinkedDocumentType; ref: string } | null;
      entry.linkedDocumentType = to?.type ?? null;
      entry.linkedDocumentRef = to?.ref ?? null;
    }
  }
};

const touched = (doc: ExchangeEntry, event: EventEnvelope, change: (entry: Mutable<ExchangeEntry>) => void): ExchangeEntry => {
  const entry: Mutable<ExchangeEntry> = { ...doc };
  change(entry);
  entry.participantIds = participantsOf(entry);
  entry.updatedAt = event.metadata.occurredAt;
  entry.version = event.revision.toString();
  entry.lastPosition = event.position.toString();
  return entry;
};

export const evolveExchanges = (doc: ExchangeEntry | null, envelope: EventEnvelope): ExchangeEntry | null => {
  if (erasureSelection.select(envelope) !== null) return doc === null ? doc : eraseExchange(doc, envelope);
  if (mergeSelection.select(envelope) !== null) return rekeyMoved(doc, envelope);
  const event = asExchangesEvent(envelope);
  if (event === null) return doc;
  switch (event.type) {
    case 'ExchangeLogged': {
      const data = event.data;
      return {
        id: data.exchangeId,
        thirdPartyId: data.thirdPartyId,
        contactIds: [...data.contactIds],
        namedContactIds: [...data.contactIds],
        occurredAt: utcInstant(data.occurredAt),
        mode: data.mode,
        subject: data.subject,
        comment: data.comment,
        status: data.status,
        hasConfidentialComment: textOf(data.confidentialComment) !== null,
        confidentialComment: textOf(data.confidentialComment),
        confidentialGroupId: data.confidentialGroupId,
        collaboratorIds: [...data.collaboratorIds],
        notifyCollaborators: data.notifyCollaborators,
        linkedDocumentType: data.linkedDocument?.type ?? null,
        linkedDocumentRef: data.linkedDocument?.ref ?? null,
        contactedBy: data.contactedBy,
        authorId: data.authorId,
        participantIds: participantsOf(data),
        deleted: false,
        deletedAt: null,
        loggedAt: event.metadata.occurredAt,
        updatedAt: event.metadata.occurredAt,
        version: event.revision.toString(),
        lastPosition: event.position.toString(),
      };
    }
    case 'ExchangeUpdated': {
      if (doc === null) return doc;
      const { changes, contactIds, subject, occurredAt } = event.data;
      return touched(doc, event, (entry) => {
        applyChanges(entry, changes);
        // Every exchange event repeats these as they stand after it: the safest source.
        entry.contactIds = [...contactIds];
        entry.namedContactIds = unionOf(doc.namedContactIds ?? doc.contactIds, event.data.previousContactIds, contactIds);
        entry.subject = subject;
        entry.occurredAt = utcInstant(occurredAt);
      });
    }
    case 'ExchangeStatusChanged': {
      if (doc === null) return doc;
      const { to } = event.data;
      return touched(doc, event, (entry) => {
        entry.status = to;
      });
    }
    case 'ExchangeDeleted':
      if (doc === null) return doc;
      return touched(doc, event, (entry) => {
        entry.deleted = true;
        entry.deletedAt = event.metadata.occurredAt;
      });
    default: {
      const unreachable: never = event;
      return unreachable;
    }
  }
};

export const exchangesProjection: Projection<ExchangeEntry> = {
  // v3: namedContactIds, which finds the exchanges of a forgotten contact.
  name: 'exchanges.v3',
  collection: exchangesCollection,
  canHandle: (type) => selection.canHandle(type) || erasureSelection.canHandle(type) || mergeSelection.canHandle(type),
  documentId: (envelope) => asExchangesEvent(envelope)?.data.exchangeId ?? null,
  evolve: evolveExchanges,
  fanOut: eitherFanOut(mergeFanOut('exchangeIds'), erasureFanOut({
    byThirdParty: (thirdPartyId) => [{ field: 'thirdPartyId', op: 'eq', value: thirdPartyId }],
    byContact: (contactId) => [{ field: 'namedContactIds', op: 'contains', value: contactId }],
  })),
  forgets: ['thirdParty', 'contact'],
};
