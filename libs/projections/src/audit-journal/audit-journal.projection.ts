import { eventSelection, relationshipEventTypes, type RelationshipEvent } from '../shared/event-selection.js';
import { categoryOf, idOf, type FieldChange, type GroupEvent, type JsonValue, type UserEvent } from '#domain';
import type { EventEnvelope } from '#event-store';
import type { CollectionDefinition } from '#read-store';
import type { EnvelopeOf, Projection } from '../projection.js';
import { changesOf, isConfidentialField, redactChanges, redactConfidential } from '../shared/confidential-redaction.js';
import { positionKey, utcInstant } from '../shared/read-model-keys.js';

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
  /** Field-level changes old → new; confidentialComment shows as "[confidential]" or null. */
  readonly changes: FieldChange[];
  readonly correlationId: string;
  readonly causationId: string | null;
  /** api | import | automation | system. */
  readonly source: string;
  readonly commandId: string;
};

type KnownEvent = EnvelopeOf<RelationshipEvent>;

const selection = eventSelection<RelationshipEvent>(relationshipEventTypes);
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
]);


export const auditJournalCollection: CollectionDefinition = {
  name: 'audit_journal',
  indexes: ['entityType', 'entityId', 'actorId', 'action', 'at', 'sortKey'],
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
 */
export const creationChanges = (data: object, ownIdField: string): FieldChange[] => {
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
    changes.push({ field, from: null, to: isConfidentialField(field) ? redactConfidential(to) : to });
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
      return creationChanges(event.data, 'exchangeId');
    case 'NoteAdded':
      return creationChanges(event.data, 'noteId');
    case 'ThirdPartyUpdated':
    case 'ThirdPartyOwnerAssigned':
    case 'ThirdPartyCategorised':
    case 'ProspectConverted':
    case 'ContactUpdated':
    case 'ExchangeUpdated':
      return redactChanges(event.data.changes);
    case 'ExchangeStatusChanged':
      return [{ field: 'status', from: event.data.from, to: event.data.to }];
    case 'ThirdPartyArchived':
    case 'ContactArchived':
      return endChanges('archived', event.data.reason);
    case 'ExchangeDeleted':
      return endChanges('deleted', event.data.reason);
    default: {
      const unreachable: never = event;
      return unreachable;
    }
  }
};

/**
 * Users, groups and tokens: who was granted which group or token, by whom (the
 * entry's actor). A token is named by its id, label and expiry; its hash is
 * never journaled.
 */
const accessChanges = (event: EnvelopeOf<AccessEvent>): FieldChange[] => {
  switch (event.type) {
    case 'UserCreated':
      return creationChanges(event.data, 'userId');
    case 'GroupCreated':
      return creationChanges(event.data, 'groupId');
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
    default: {
      const unreachable: never = event;
      return unreachable;
    }
  }
};

const changesOfEvent = (event: EventEnvelope): FieldChange[] => {
  const known = asKnownEvent(event);
  if (known !== null) return knownChanges(known);
  const access = accessSelection.select(event);
  if (access !== null) return accessChanges(access);
  // A type this build does not know is still journaled, with the changes it lists if any.
  return changesOf(event.data);
};

export const evolveAuditJournal = (doc: AuditEntry | null, event: EventEnvelope): AuditEntry | null => {
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
    correlationId: metadata.correlationId ?? '',
    causationId: metadata.causationId ?? null,
    source: metadata.source ?? '',
    commandId: metadata.commandId ?? '',
  };
};

export const auditJournalProjection: Projection<AuditEntry> = {
  name: 'audit-journal.v1',
  collection: auditJournalCollection,
  canHandle: () => true,
  documentId: (event) => event.eventId,
  evolve: evolveAuditJournal,
};
