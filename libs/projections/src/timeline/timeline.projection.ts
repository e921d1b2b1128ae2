import { eventSelection, relationshipEventTypes, type RelationshipEvent } from '../shared/event-selection.js';
import {
  ERASED,
  personalDataRuleOf,
  type CommercialDocumentRecorded,
  type CommercialDocumentStatusChanged,
  type FieldChange,
  type FollowUpStepSent,
} from '#domain';
import { erasedValue, erasureFanOut } from '../shared/erasure.js';
import type { EventEnvelope } from '#event-store';
import type { CollectionDefinition } from '#read-store';
import { redactChanges } from '../shared/confidential-redaction.js';
import { positionKey, utcInstant } from '../shared/read-model-keys.js';
import type { EnvelopeOf, Projection } from '../projection.js';

export const timelineKinds = [
  'THIRD_PARTY_REGISTERED',
  'THIRD_PARTY_UPDATED',
  'THIRD_PARTY_ARCHIVED',
  'PROSPECT_CONVERTED',
  'CONTACT_ADDED',
  'CONTACT_UPDATED',
  'CONTACT_ARCHIVED',
  'EXCHANGE_LOGGED',
  'EXCHANGE_UPDATED',
  'EXCHANGE_STATUS_CHANGED',
  'EXCHANGE_DELETED',
  'NOTE_ADDED',
  'THIRD_PARTY_FORGOTTEN',
  'CONTACT_FORGOTTEN',
  'FOLLOW_UP_SENT',
  'COMMERCIAL_DOCUMENT_RECORDED',
  'COMMERCIAL_DOCUMENT_STATUS_CHANGED',
  'THIRD_PARTY_MERGED',
  'THIRD_PARTY_UNMERGED',
] as const;
export type TimelineKind = (typeof timelineKinds)[number];

/**
 * One meaningful event in the life of a third party, as its timeline shows it.
 * A type alias (not an interface) so it is a `Doc`.
 */
export type TimelineEntry = {
  /** The event's id: one entry per event. */
  readonly id: string;
  readonly thirdPartyId: string;
  /** The contacts on whose own timelines the entry also appears. */
  readonly contactIds: string[];
  readonly kind: TimelineKind;
  /** When it happened: the exchange's date for EXCHANGE_LOGGED, otherwise when the command was handled. UTC ISO with ms. */
  readonly occurredAt: string;
  /** occurredAt + '|' + the position padded to 20 digits: a total, stable newest-first order. */
  readonly sortKey: string;
  /** Short English text, never holding confidential text. */
  readonly summary: string;
  readonly actorId: string;
  /** Field changes old → new for updates (confidentialComment redacted); [] for registrations and additions. */
  readonly changes: FieldChange[];
  readonly exchangeId: string | null;
  readonly contactId: string | null;
  readonly noteId: string | null;
  /** The quote, order, invoice or contract of a COMMERCIAL_DOCUMENT_* entry. */
  readonly documentId: string | null;
  /** Global position of the event, as a decimal string. */
  readonly position: string;
};

/**
 * The relationship core, the reminders the follow-up engine sent (ids only: no
 * recipient, no text), and the commercial documents (their facts, never their
 * label, free text about the third party).
 */
type TimelineSource = RelationshipEvent | FollowUpStepSent | CommercialDocumentRecorded | CommercialDocumentStatusChanged;
type TimelineEvent = EnvelopeOf<TimelineSource>;

const selection = eventSelection<TimelineSource>([
  ...relationshipEventTypes,
  'ThirdPartyMerged',
  'ThirdPartyUnmerged',
  'FollowUpStepSent',
  'CommercialDocumentRecorded',
  'CommercialDocumentStatusChanged',
]);
const asTimelineEvent = selection.select;


export const timelineCollection: CollectionDefinition = {
  name: 'timeline',
  indexes: ['thirdPartyId', 'contactIds', 'kind', 'occurredAt', 'sortKey', 'exchangeId', 'documentId'],
  // A third party's timeline, newest first: the API's most frequent read.
  compoundIndexes: [['thirdPartyId', 'sortKey']],
  listFields: ['contactIds'],
};

/** What an event contributes to its entry; the envelope supplies the rest. */
interface EntryParts {
  readonly thirdPartyId: string;
  readonly contactIds: readonly string[];
  readonly kind: TimelineKind;
  /** Overrides metadata.occurredAt. */
  readonly occurredAt?: string;
  readonly summary: string;
  readonly changes?: readonly FieldChange[];
  readonly exchangeId?: string;
  readonly contactId?: string;
  readonly noteId?: string | null;
  readonly documentId?: string;
}

/** A code as words: `video_call` → "video call", `COMPANY` → "company". */
const lower = (code: string): string => code.toLowerCase().replaceAll('_', ' ');

/** Field names in the order they changed, each once: "name, email". */
const fieldList = (changes: readonly FieldChange[]): string => [...new Set(changes.map((c) => c.field))].join(', ');

/** "Updated name, email"; just the prefix when an update lists nothing. */
const changedSummary = (prefix: string, separator: string, changes: readonly FieldChange[]): string =>
  changes.length === 0 ? prefix : `${prefix}${separator}${fieldList(changes)}`;

const withReason = (text: string, reason: string | null, separator = ': '): string =>
  reason ? `${text}${separator}${reason}` : text;

const contactName = (firstName: string | null, lastName: string): string =>
  [firstName, lastName].filter((part): part is string => !!part).join(' ');

const plural = (n: number, unit: string): string => `${n} ${unit}${n === 1 ? '' : 's'}`;

const MS_PER_HOUR = 3_600_000;
const MS_PER_DAY = 24 * MS_PER_HOUR;

/** Whole days (or hours, under a day): the granularity a salesperson reads a conversion delay in. */
export const conversionDelay = (ms: number): string => {
  if (ms >= MS_PER_DAY) return plural(Math.floor(ms / MS_PER_DAY), 'day');
  if (ms >= MS_PER_HOUR) return plural(Math.floor(ms / MS_PER_HOUR), 'hour');
  return 'less than an hour';
};

const ownerSummary = (changes: readonly FieldChange[]): string => {
  const to = changes.find((change) => change.field === 'ownerId')?.to;
  return typeof to === 'string' ? `Owner assigned: ${to}` : 'Owner unassigned';
};

/** The contacts an exchange change concerns: those after it and those it removed. */
const unionOf = (...lists: readonly (readonly string[])[]): string[] => [...new Set(lists.flat())];

/** "Quote PR-42": the document as people name it, by its type and reference. */
const documentName = (documentType: string, ref: string): string => {
  const type = lower(documentType);
  return `${type.charAt(0).toUpperCase()}${type.slice(1)} ${ref}`;
};

/** ", 400.00 paid" for an invoice whose payments are known. */
const paidPart = (paidAmount: string | null): string => (paidAmount === null ? '' : `, ${paidAmount} paid`);

/**
 * The status a document reached, and what an invoice's payments came to: the
 * event carries only the amount after, so an amount paid reads as new.
 */
const documentChanges = (from: string | null, to: string, paidAmount: string | null): FieldChange[] => [
  { field: 'status', from, to },
  ...(paidAmount === null ? [] : [{ field: 'paidAmount', from: null, to: paidAmount }]),
];

/** `SUBJECT_REQUEST` → "subject request", with the case reference when there is one. */
const erasureGrounds = (reason: string, reference: string | null): string => (reference ? `${lower(reason)}, ${reference}` : lower(reason));

const partsOf = (event: TimelineEvent): EntryParts => {
  switch (event.type) {
    case 'ThirdPartyRegistered': {
      const { data } = event;
      const labels = [lower(data.kind), ...data.roles.map(lower)].join(', ');
      return {
        thirdPartyId: data.thirdPartyId,
        contactIds: [],
        kind: 'THIRD_PARTY_REGISTERED',
        summary: `Registered ${data.name} (${labels})`,
      };
    }
    case 'ThirdPartyUpdated':
      return {
        thirdPartyId: event.data.thirdPartyId,
        contactIds: [],
        kind: 'THIRD_PARTY_UPDATED',
        summary: changedSummary('Updated', ' ', event.data.changes),
        changes: event.data.changes,
      };
    case 'ThirdPartyOwnerAssigned':
      return {
        thirdPartyId: event.data.thirdPartyId,
        contactIds: [],
        kind: 'THIRD_PARTY_UPDATED',
        summary: ownerSummary(event.data.changes),
        changes: event.data.changes,
      };
    case 'ThirdPartyCategorised':
      return {
        thirdPartyId: event.data.thirdPartyId,
        contactIds: [],
        kind: 'THIRD_PARTY_UPDATED',
        summary: changedSummary('Updated', ' ', event.data.changes),
        changes: event.data.changes,
      };
    case 'ThirdPartyArchived':
      return {
        thirdPartyId: event.data.thirdPartyId,
        contactIds: [],
        kind: 'THIRD_PARTY_ARCHIVED',
        summary: withReason('Archived', event.data.reason),
      };
    case 'ProspectConverted': {
      const ms = event.data.msSinceFirstExchange;
      return {
        thirdPartyId: event.data.thirdPartyId,
        contactIds: [],
        kind: 'PROSPECT_CONVERTED',
        summary:
          ms === null
            ? 'Converted to customer (no exchange recorded before)'
            : `Converted to customer (${conversionDelay(ms)} after the first exchange)`,
        changes: event.data.changes,
      };
    }
    case 'ContactAdded': {
      const { data } = event;
      const name = contactName(data.firstName, data.lastName);
      return {
        thirdPartyId: data.thirdPartyId,
        contactIds: [data.contactId],
        kind: 'CONTACT_ADDED',
        summary: `Contact added: ${data.jobTitle ? `${name} (${data.jobTitle})` : name}`,
        contactId: data.contactId,
      };
    }
    case 'ContactUpdated':
      return {
        thirdPartyId: event.data.thirdPartyId,
        contactIds: [event.data.contactId],
        kind: 'CONTACT_UPDATED',
        summary: changedSummary(`Contact updated: ${event.data.displayName}`, ' — ', event.data.changes),
        changes: event.data.changes,
        contactId: event.data.contactId,
      };
    case 'ContactArchived':
      return {
        thirdPartyId: event.data.thirdPartyId,
        contactIds: [event.data.contactId],
        kind: 'CONTACT_ARCHIVED',
        summary: withReason(`Contact archived: ${event.data.displayName}`, event.data.reason, ' — '),
        contactId: event.data.contactId,
      };
    case 'ExchangeLogged':
      return {
        thirdPartyId: event.data.thirdPartyId,
        contactIds: unionOf(event.data.contactIds),
        kind: 'EXCHANGE_LOGGED',
        occurredAt: event.data.occurredAt,
        summary: `Exchange logged: ${lower(event.data.mode)} — ${lower(event.data.subject)}`,
        exchangeId: event.data.exchangeId,
      };
    case 'ExchangeUpdated':
      return {
        thirdPartyId: event.data.thirdPartyId,
        contactIds: unionOf(event.data.contactIds, event.data.previousContactIds),
        kind: 'EXCHANGE_UPDATED',
        summary: changedSummary(`Exchange updated (${lower(event.data.subject)})`, ': ', event.data.changes),
        changes: event.data.changes,
        exchangeId: event.data.exchangeId,
      };
    case 'ExchangeStatusChanged':
      return {
        thirdPartyId: event.data.thirdPartyId,
        contactIds: unionOf(event.data.contactIds),
        kind: 'EXCHANGE_STATUS_CHANGED',
        summary: `Exchange status: ${event.data.from} → ${event.data.to}`,
        changes: [{ field: 'status', from: event.data.from, to: event.data.to }],
        exchangeId: event.data.exchangeId,
      };
    case 'ExchangeDeleted':
      return {
        thirdPartyId: event.data.thirdPartyId,
        contactIds: unionOf(event.data.contactIds),
        kind: 'EXCHANGE_DELETED',
        summary: withReason('Exchange deleted', event.data.reason),
        exchangeId: event.data.exchangeId,
      };
    case 'NoteAdded':
      return {
        thirdPartyId: event.data.thirdPartyId,
        contactIds: event.data.contactId === null ? [] : [event.data.contactId],
        kind: 'NOTE_ADDED',
        summary: 'Note added',
        contactId: event.data.contactId ?? undefined,
        noteId: event.data.noteId,
      };
    case 'ThirdPartyForgotten':
      return {
        thirdPartyId: event.data.thirdPartyId,
        contactIds: [],
        kind: 'THIRD_PARTY_FORGOTTEN',
        summary: `Personal data erased (${erasureGrounds(event.data.reason, event.data.reference)})`,
      };
    case 'ContactForgotten':
      return {
        thirdPartyId: event.data.thirdPartyId,
        contactIds: [event.data.contactId],
        kind: 'CONTACT_FORGOTTEN',
        summary: `Contact forgotten: personal data erased (${erasureGrounds(event.data.reason, event.data.reference)})`,
        contactId: event.data.contactId,
      };
    // On the absorbed third party's timeline, which its survivor's shows while the merge holds.
    case 'ThirdPartyMerged':
      return {
        thirdPartyId: event.data.thirdPartyId,
        contactIds: [],
        kind: 'THIRD_PARTY_MERGED',
        summary: `Merged into third party ${event.data.survivorId}`,
      };
    case 'ThirdPartyUnmerged':
      return {
        thirdPartyId: event.data.thirdPartyId,
        contactIds: [],
        kind: 'THIRD_PARTY_UNMERGED',
        summary: `Unmerged from third party ${event.data.survivorId}`,
      };
    case 'FollowUpStepSent':
      return {
        thirdPartyId: event.data.thirdPartyId,
        contactIds: [],
        kind: 'FOLLOW_UP_SENT',
        occurredAt: event.data.sentAt,
        summary: `Follow-up sent: ${lower(event.data.kind)}, step ${event.data.step}`,
      };
    case 'CommercialDocumentRecorded': {
      const { data } = event;
      return {
        thirdPartyId: data.thirdPartyId,
        contactIds: [],
        kind: 'COMMERCIAL_DOCUMENT_RECORDED',
        occurredAt: data.statusAt,
        summary: `${documentName(data.documentType, data.ref)} recorded: ${data.amount} ${data.currency}, ${lower(data.status)}${paidPart(data.paidAmount)}`,
        changes: documentChanges(null, data.status, data.paidAmount),
        documentId: data.documentId,
      };
    }
    case 'CommercialDocumentStatusChanged': {
      const { data } = event;
      return {
        thirdPartyId: data.thirdPartyId,
        contactIds: [],
        kind: 'COMMERCIAL_DOCUMENT_STATUS_CHANGED',
        occurredAt: data.at,
        summary: `${documentName(data.documentType, data.ref)}: ${lower(data.from)} → ${lower(data.to)}${paidPart(data.paidAmount)}`,
        changes: documentChanges(data.from, data.to, data.paidAmount),
        documentId: data.documentId,
      };
    }
    default: {
      const unreachable: never = event;
      return unreachable;
    }
  }
};

/** The event types an entry of each kind comes from: their personal-data rules say which changes stay in clear. */
const typesOfKind: Readonly<Record<TimelineKind, readonly TimelineSource['type'][]>> = {
  THIRD_PARTY_REGISTERED: ['ThirdPartyRegistered'],
  THIRD_PARTY_UPDATED: ['ThirdPartyUpdated', 'ThirdPartyOwnerAssigned', 'ThirdPartyCategorised'],
  THIRD_PARTY_ARCHIVED: ['ThirdPartyArchived'],
  PROSPECT_CONVERTED: ['ProspectConverted'],
  CONTACT_ADDED: ['ContactAdded'],
  CONTACT_UPDATED: ['ContactUpdated'],
  CONTACT_ARCHIVED: ['ContactArchived'],
  EXCHANGE_LOGGED: ['ExchangeLogged'],
  EXCHANGE_UPDATED: ['ExchangeUpdated'],
  EXCHANGE_STATUS_CHANGED: ['ExchangeStatusChanged'],
  EXCHANGE_DELETED: ['ExchangeDeleted'],
  NOTE_ADDED: ['NoteAdded'],
  THIRD_PARTY_FORGOTTEN: ['ThirdPartyForgotten'],
  CONTACT_FORGOTTEN: ['ContactForgotten'],
  FOLLOW_UP_SENT: ['FollowUpStepSent'],
  COMMERCIAL_DOCUMENT_RECORDED: ['CommercialDocumentRecorded'],
  COMMERCIAL_DOCUMENT_STATUS_CHANGED: ['CommercialDocumentStatusChanged'],
  THIRD_PARTY_MERGED: ['ThirdPartyMerged'],
  THIRD_PARTY_UNMERGED: ['ThirdPartyUnmerged'],
};

const clearFieldsOfKind = new Map<TimelineKind, ReadonlySet<string>>(
  timelineKinds.map((kind) => [
    kind,
    new Set([
      ...typesOfKind[kind].flatMap((type) => personalDataRuleOf(type)?.clear ?? []),
      // A status change is shown as a change of `status`, which its event holds as from/to.
      ...(kind === 'EXCHANGE_STATUS_CHANGED' || kind === 'COMMERCIAL_DOCUMENT_STATUS_CHANGED' ? ['status'] : []),
    ]),
  ]),
);

/** A reason after the text ("Archived: …"): whether there was one is all that stays. */
const withErasedReason = (text: string, summary: string, separator = ': '): string => (summary === text ? text : `${text}${separator}${ERASED}`);

/**
 * The summary of an entry whose event reads as erased. Fixed texts where the
 * summary quoted personal data (a name, a reason), computed from what the
 * entry keeps in clear, so an entry built from the erased event reads the same
 * as one erased from clear values.
 */
const erasedSummary = (entry: TimelineEntry): string => {
  switch (entry.kind) {
    case 'THIRD_PARTY_REGISTERED':
      return `Registered ${ERASED}`;
    case 'THIRD_PARTY_ARCHIVED':
      return withErasedReason('Archived', entry.summary);
    case 'CONTACT_ADDED':
      return `Contact added: ${ERASED}`;
    case 'CONTACT_UPDATED':
      return changedSummary(`Contact updated: ${ERASED}`, ' — ', entry.changes);
    case 'CONTACT_ARCHIVED':
      return `Contact archived: ${ERASED}`;
    case 'EXCHANGE_DELETED':
      return withErasedReason('Exchange deleted', entry.summary);
    default:
      return entry.summary;
  }
};

/**
 * An entry about a forgotten subject: its summary no longer quotes them, and
 * the old and new values of the personal fields it lists become markers (as the
 * codec reads them once erased); who did what, when, stays.
 */
export const eraseTimelineEntry = (entry: TimelineEntry): TimelineEntry => {
  const clear = clearFieldsOfKind.get(entry.kind) ?? new Set<string>();
  return {
    ...entry,
    summary: erasedSummary(entry),
    changes: entry.changes.map((change) =>
      clear.has(change.field) ? change : { field: change.field, from: erasedValue(change.from), to: erasedValue(change.to) },
    ),
  };
};

export const evolveTimeline = (doc: TimelineEntry | null, envelope: EventEnvelope): TimelineEntry | null => {
  const event = asTimelineEvent(envelope);
  if (event === null) return doc;
  // The entries of other events about a forgotten subject, reached by the fan-out.
  if (doc !== null && doc.id !== event.eventId && (event.type === 'ThirdPartyForgotten' || event.type === 'ContactForgotten')) {
    return eraseTimelineEntry(doc);
  }
  // An entry is the image of one event: a re-delivery of that event changes nothing.
  if (doc !== null) return doc;
  const parts = partsOf(event);
  const occurredAt = utcInstant(parts.occurredAt ?? event.metadata.occurredAt);
  return {
    id: event.eventId,
    thirdPartyId: parts.thirdPartyId,
    contactIds: [...parts.contactIds],
    kind: parts.kind,
    occurredAt,
    sortKey: `${occurredAt}|${positionKey(event.position)}`,
    summary: parts.summary,
    actorId: event.metadata.actorId,
    changes: redactChanges(parts.changes ?? []),
    exchangeId: parts.exchangeId ?? null,
    contactId: parts.contactId ?? null,
    noteId: parts.noteId ?? null,
    documentId: parts.documentId ?? null,
    position: event.position.toString(),
  };
};

export const timelineProjection: Projection<TimelineEntry> = {
  name: 'timeline.v3',
  collection: timelineCollection,
  canHandle: selection.canHandle,
  documentId: (envelope) => (asTimelineEvent(envelope) === null ? null : envelope.eventId),
  evolve: evolveTimeline,
  fanOut: erasureFanOut({
    byThirdParty: (thirdPartyId) => [{ field: 'thirdPartyId', op: 'eq', value: thirdPartyId }],
    byContact: (contactId) => [{ field: 'contactIds', op: 'contains', value: contactId }],
  }),
  forgets: ['thirdParty', 'contact'],
};
