import { eventSelection, relationshipEventTypes, type RelationshipEvent } from '../shared/event-selection.js';
import {
  categoryOf,
  dataSubjects,
  idOf,
  personalDataRuleOf,
  type CommercialDocumentRecorded,
  type CommercialDocumentStatusChanged,
  type ConsentRecorded,
  type FieldChange,
  type GroupEvent,
  type JsonValue,
  type SecurityEvent,
  type UserEvent,
} from '#domain';
import type { EventEnvelope } from '#event-store';
import type { CollectionDefinition } from '#read-store';
import type { EnvelopeOf, Projection } from '../projection.js';
import { changesOf, isConfidentialField, redactChanges, redactConfidential } from '../shared/confidential-redaction.js';
import { erasedValue, erasureFanOut, erasureSelection } from '../shared/erasure.js';
import { positionKey, utcInstant } from '../shared/read-model-keys.js';
import { mergeSelection } from '../shared/merge.js';

/**
 * One event of any stream, as an auditor reads it: when, who, what, on which
 * entity, old → new. A type alias (not an interface) so it is a `Doc`.
 */
export type AuditEntry = {
  /** The event's id: one entry per event. */
  readonly id: string;
  /** metadata.occurredAt, UTC ISO with ms. */
  readonly at: string;
  /** Global position of the event, as a decimal string. */
  readonly position: string;
  /** The position padded to 20 digits: string order is log order. */
  readonly sortKey: string;
  readonly actorId: string;
  /** The event type, e.g. 'ExchangeLogged'. */
  readonly action: string;
  /** The stream category: 'thirdParty' | 'contact' | 'exchange' | 'note' | 'user' | 'group' (or a later one). */
  readonly entityType: string;
  /** The id part of the stream name. */
  readonly entityId: string;
  /**
   * Field-level changes old → new. An exchange's confidentialComment keeps its
   * text here, for its author and the group it was shared with: whoever reads the
   * journal for someone else redacts it (`revealedChanges`). Anywhere else it
   * shows as "[confidential]" or null.
   */
  readonly changes: FieldChange[];
  /**
   * Who may learn that the entry exists: the id of the third party it is about
   * (its own stream, or the thirdPartyId its contact, exchange or note carries),
   * `global` for what belongs to no third party (users, groups), `security` for
   * refused attempts (administrators only). See `auditScopes`.
   */
  readonly scope: string;
  /**
   * The data subjects (`thirdParty:<id>`, `contact:<id>`) whose keys protect the
   * event's personal data, by its personal-data rule; [] for what holds none. A
   * forgotten subject's entries are found by it, for their values to be erased.
   */
  readonly subjects: string[];
  readonly correlationId: string;
  readonly causationId: string | null;
  /** api | import | automation | system. */
  readonly source: string;
  readonly commandId: string;
};

type KnownEvent = EnvelopeOf<RelationshipEvent>;

const selection = eventSelection<RelationshipEvent>([...relationshipEventTypes, 'ThirdPartyMerged', 'ThirdPartyUnmerged']);
const asKnownEvent = selection.select;

type AccessEvent = UserEvent | GroupEvent;

const accessSelection = eventSelection<AccessEvent>([
  'UserCreated',
  'UserDisabled',
  'UserEnabled',
  'UserAddedToGroup',
  'UserRemovedFromGroup',
  'ApiTokenIssued',
  'ApiTokenRevoked',
  'GroupCreated',
  'GroupPermissionsChanged',
  'UserScopeChanged',
]);

const securitySelection = eventSelection<SecurityEvent>(['AccessDenied']);

/** Facts recorded about a third party or a person besides the relationship core: consents, commercial documents. */
type RecordedFact = ConsentRecorded | CommercialDocumentRecorded | CommercialDocumentStatusChanged;
const factSelection = eventSelection<RecordedFact>(['ConsentRecorded', 'CommercialDocumentRecorded', 'CommercialDocumentStatusChanged']);

const factChanges = (event: EnvelopeOf<RecordedFact>): FieldChange[] => {
  switch (event.type) {
    case 'ConsentRecorded':
      return creationChanges(event.data, 'subjectId');
    case 'CommercialDocumentRecorded':
      return creationChanges(event.data, 'documentId');
    case 'CommercialDocumentStatusChanged': {
      const { from, to, at, paidAmount } = event.data;
      return [
        { field: 'status', from, to },
        { field: 'at', from: null, to: at },
        ...(paidAmount === null ? [] : [{ field: 'paidAmount', from: null, to: paidAmount }]),
      ];
    }
    default: {
      const unreachable: never = event;
      return unreachable;
    }
  }
};

/** The scopes that are not a third party's id. */
export const auditScopes = {
  /** Users, groups, tokens and anything else that belongs to no third party. */
  global: 'global',
  /** Refused attempts: for administrators (`admin.usersAndGroups`) only. */
  security: 'security',
} as const;

export const auditJournalCollection: CollectionDefinition = {
  // A new collection per version: an entry is written once and never revisited
  // (but by an erasure), so a rebuild into the old one would keep every entry as it was.
  name: 'audit_journal_v3',
  indexes: ['entityType', 'entityId', 'actorId', 'action', 'at', 'sortKey', 'scope', 'subjects'],
  // One entity's history, newest first.
  compoundIndexes: [['entityId', 'sortKey']],
  listFields: ['subjects'],
};

const isEmpty = (value: unknown): boolean =>
  value === null ||
  value === undefined ||
  (Array.isArray(value) && value.length === 0) ||
  (typeof value === 'object' && !Array.isArray(value) && Object.keys(value).length === 0);

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * A creation as changes: every field of the created thing from null to its value,
 * in the event's field order. The entity's own id is left out (it is entityId) and
 * so are empty values (null, [], no custom fields), which changed nothing. Custom
 * fields are listed one by one as `customFields.<key>`, as updates record them.
 * A confidential value is redacted unless `confidential` is 'keep' (an exchange's,
 * which the journal's reader redacts for whoever may not read it).
 */
export const creationChanges = (data: object, ownIdField: string, confidential: 'keep' | 'redact' = 'redact'): FieldChange[] => {
  const changes: FieldChange[] = [];
  for (const [field, value] of Object.entries(data)) {
    if (field === ownIdField || isEmpty(value)) continue;
    if (field === 'customFields' && isRecord(value)) {
      for (const [key, custom] of Object.entries(value)) {
        if (!isEmpty(custom)) changes.push({ field: `customFields.${key}`, from: null, to: custom as JsonValue });
      }
      continue;
    }
    const to = value as JsonValue;
    changes.push({ field, from: null, to: confidential === 'redact' && isConfidentialField(field) ? redactConfidential(to) : to });
  }
  return changes;
};

/** An archive or deletion: the flag it turns on, and why when a reason was given. */
const endChanges = (flag: 'archived' | 'deleted', reason: string | null): FieldChange[] => [
  { field: flag, from: false, to: true },
  ...(reason === null ? [] : [{ field: 'reason', from: null, to: reason }]),
];

const knownChanges = (event: KnownEvent): FieldChange[] => {
  switch (event.type) {
    case 'ThirdPartyRegistered':
      return creationChanges(event.data, 'thirdPartyId');
    case 'ContactAdded':
      return creationChanges(event.data, 'contactId');
    case 'ExchangeLogged':
      return creationChanges(event.data, 'exchangeId', 'keep');
    case 'NoteAdded':
      return creationChanges(event.data, 'noteId');
    case 'ThirdPartyUpdated':
    case 'ThirdPartyOwnerAssigned':
    case 'ThirdPartyCategorised':
    case 'ProspectConverted':
    case 'ContactUpdated':
      return redactChanges(event.data.changes);
    case 'ExchangeUpdated':
      return event.data.changes.map(({ field, from, to }) => ({ field, from, to }));
    case 'ExchangeStatusChanged':
      return [{ field: 'status', from: event.data.from, to: event.data.to }];
    case 'ThirdPartyArchived':
    case 'ContactArchived':
      return endChanges('archived', event.data.reason);
    case 'ExchangeDeleted':
      return endChanges('deleted', event.data.reason);
    case 'ThirdPartyForgotten':
      // Why, under which case reference, and which contacts went with it: all of it clear.
      return creationChanges(event.data, 'thirdPartyId');
    case 'ContactForgotten':
      return creationChanges(event.data, 'contactId');
    case 'ThirdPartyMerged':
    case 'ThirdPartyUnmerged':
      // Into which survivor, why, and the ids of every record that moved.
      return creationChanges(event.data, 'thirdPartyId');
    default: {
      const unreachable: never = event;
      return unreachable;
    }
  }
};

/**
 * Users, groups and tokens: who was granted which group, token or (to a group)
 * permission, by whom (the entry's actor). A token is named by its id, label and expiry; its hash is
 * never journaled.
 */
const accessChanges = (event: EnvelopeOf<AccessEvent>): FieldChange[] => {
  switch (event.type) {
    case 'UserCreated':
      return creationChanges(event.data, 'userId');
    case 'GroupCreated':
      return creationChanges(event.data, 'groupId');
    case 'GroupPermissionsChanged':
      // The whole list before and after: which permission was granted or withdrawn reads from the two.
      return event.data.changes.map(({ field, from, to }) => ({ field, from, to }));
    case 'UserDisabled':
      return [{ field: 'disabled', from: false, to: true }, ...(event.data.reason === null ? [] : [{ field: 'reason', from: null, to: event.data.reason }])];
    case 'UserEnabled':
      return [{ field: 'disabled', from: true, to: false }];
    case 'UserAddedToGroup':
      return [{ field: 'group', from: null, to: event.data.groupCode }];
    case 'UserRemovedFromGroup':
      return [{ field: 'group', from: event.data.groupCode, to: null }];
    case 'ApiTokenIssued': {
      const { tokenId, label, expiresAt } = event.data;
      return [
        { field: 'apiToken', from: null, to: tokenId },
        ...(label === null ? [] : [{ field: 'apiToken.label', from: null, to: label }]),
        ...(expiresAt === null ? [] : [{ field: 'apiToken.expiresAt', from: null, to: expiresAt }]),
      ];
    }
    case 'ApiTokenRevoked':
      return [
        { field: 'apiToken', from: event.data.tokenId, to: null },
        ...(event.data.reason === null ? [] : [{ field: 'reason', from: null, to: event.data.reason }]),
      ];
    case 'UserScopeChanged':
      // The event holds the new scope only; null territories: every territory.
      return [
        { field: 'scope.territories', from: null, to: event.data.territories === null ? null : [...event.data.territories] },
        { field: 'scope.ownedOnly', from: null, to: event.data.ownedOnly },
      ];
    default: {
      const unreachable: never = event;
      return unreachable;
    }
  }
};

/** A refused attempt: what was tried, why it was refused, by whom and from where when known. */
const securityChanges = (event: EnvelopeOf<SecurityEvent>): FieldChange[] => {
  switch (event.type) {
    case 'AccessDenied': {
      const { operation, reason, login, address } = event.data;
      return [
        { field: 'operation', from: null, to: operation },
        { field: 'reason', from: null, to: reason },
        ...(login === null ? [] : [{ field: 'login', from: null, to: login }]),
        ...(address === null ? [] : [{ field: 'address', from: null, to: address }]),
      ];
    }
    default: {
      // One type so far: the envelope is no union to narrow, its type is.
      const unreachable: never = event.type;
      return unreachable;
    }
  }
};

const changesOfEvent = (event: EventEnvelope): FieldChange[] => {
  const known = asKnownEvent(event);
  if (known !== null) return knownChanges(known);
  const access = accessSelection.select(event);
  if (access !== null) return accessChanges(access);
  const security = securitySelection.select(event);
  if (security !== null) return securityChanges(security);
  const fact = factSelection.select(event);
  if (fact !== null) return factChanges(fact);
  // A type this build does not know is still journaled, with the changes it lists if any.
  return changesOf(event.data);
};

/**
 * The scope of an event's entry. By the stream first: the security category is
 * reserved for refused attempts, a third party's stream is its own. Then by the
 * thirdPartyId every contact, exchange and note event carries — also an unknown
 * type's, so a later kind of record under a third party is scoped from the start.
 */
export const scopeOfEvent = (event: EventEnvelope): string => {
  const category = categoryOf(event.streamName);
  if (category === 'security') return auditScopes.security;
  // A merge or unmerge is on the absorbed one's stream (entityId) and in its survivor's history (scope):
  // the journal of either third party shows it, and its reader had to be allowed to write both.
  if (category === 'thirdParty' && mergeSelection.canHandle(event.type) && isRecord(event.data)) {
    const survivorId = event.data['survivorId'];
    if (typeof survivorId === 'string' && survivorId !== '') return survivorId;
  }
  if (category === 'thirdParty') return idOf(event.streamName);
  const thirdPartyId = isRecord(event.data) ? event.data['thirdPartyId'] : undefined;
  return typeof thirdPartyId === 'string' && thirdPartyId !== '' ? thirdPartyId : auditScopes.global;
};

/** The data subjects of an event by its personal-data rule (their ids are in clear, erased or not). */
const subjectsOfEvent = (event: EventEnvelope): string[] => {
  const rule = personalDataRuleOf(event.type);
  if (rule === null || !isRecord(event.data)) return [];
  try {
    return [...new Set(rule.subjects(event.data))];
  } catch {
    // A malformed event is journaled as it is; the codec would have refused to encrypt it.
    return [];
  }
};

/** The events whose entry is a creation: every field from null to its value, empty ones left out (creationChanges). */
const creationActions: ReadonlySet<string> = new Set([
  'ThirdPartyRegistered',
  'ContactAdded',
  'ExchangeLogged',
  'NoteAdded',
  'ConsentRecorded',
  'CommercialDocumentRecorded',
]);

/** Changes the journal itself names after a flag or a status of the event, in clear like it. */
const journalOwnFields: Readonly<Record<string, readonly string[]>> = {
  ThirdPartyArchived: ['archived'],
  ContactArchived: ['archived'],
  ExchangeDeleted: ['deleted'],
  ExchangeStatusChanged: ['status'],
  CommercialDocumentStatusChanged: ['status'],
};

/**
 * The fields of an entry's changes that its event keeps in clear (its
 * personal-data rule, plus the flags the journal names); null for an event that
 * holds no personal data (users, groups, refused attempts).
 */
export const clearAuditFields = (action: string): ReadonlySet<string> | null => {
  const rule = personalDataRuleOf(action);
  return rule === null ? null : new Set([...rule.clear, ...(journalOwnFields[action] ?? [])]);
};

const isEmptyMarker = (value: JsonValue): boolean => value === null || (Array.isArray(value) && value.length === 0);

/**
 * An entry about a forgotten subject: the old and new values of the fields its
 * event encrypts become what the codec reads once the key is gone ("[erased]",
 * [] or null); who did what to which entity, when, stays. A creation lists what
 * the erased event would: custom fields (encrypted as one object, erased as
 * null) and values now empty drop out. So the entry of an erased event and an
 * entry erased from clear values are the same, and this function changes
 * neither again.
 */
export const eraseAuditEntry = (entry: AuditEntry): AuditEntry => {
  const clear = clearAuditFields(entry.action);
  if (clear === null) return entry;
  const creation = creationActions.has(entry.action);
  const changes = entry.changes.flatMap((change): FieldChange[] => {
    if (clear.has(change.field)) return [change];
    if (creation && change.field.startsWith('customFields.')) return [];
    const to = erasedValue(change.to);
    if (creation && isEmptyMarker(to)) return [];
    return [{ field: change.field, from: erasedValue(change.from), to }];
  });
  return { ...entry, changes };
};

export const evolveAuditJournal = (doc: AuditEntry | null, event: EventEnvelope): AuditEntry | null => {
  // The entries of other events about a forgotten subject, reached by the fan-out.
  if (doc !== null && doc.id !== event.eventId && erasureSelection.select(event) !== null) return eraseAuditEntry(doc);
  // An entry is the image of one event: a re-delivery of that event changes nothing.
  if (doc !== null) return doc;
  const { metadata } = event;
  return {
    id: event.eventId,
    // Written by this build's codec, metadata is complete; the fallbacks keep an
    // event written by other means journaled rather than parked.
    at: utcInstant(metadata.occurredAt ?? event.recordedAt.toISOString()),
    position: event.position.toString(),
    sortKey: positionKey(event.position),
    actorId: metadata.actorId ?? '',
    action: event.type,
    entityType: categoryOf(event.streamName),
    entityId: idOf(event.streamName),
    changes: changesOfEvent(event),
    scope: scopeOfEvent(event),
    subjects: subjectsOfEvent(event),
    correlationId: metadata.correlationId ?? '',
    causationId: metadata.causationId ?? null,
    source: metadata.source ?? '',
    commandId: metadata.commandId ?? '',
  };
};

export const auditJournalProjection: Projection<AuditEntry> = {
  // v3: entries name their data subjects, and are erased when one is forgotten.
  name: 'audit-journal.v3',
  collection: auditJournalCollection,
  canHandle: () => true,
  documentId: (event) => event.eventId,
  evolve: evolveAuditJournal,
  fanOut: erasureFanOut({
    byThirdParty: (thirdPartyId) => [{ field: 'subjects', op: 'contains', value: dataSubjects.thirdParty(thirdPartyId) }],
    byContact: (contactId) => [{ field: 'subjects', op: 'contains', value: dataSubjects.contact(contactId) }],
  }),
  forgets: ['thirdParty', 'contact'],
};
