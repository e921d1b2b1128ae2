import { catalogueCode, type Catalogue } from '../catalogue/catalogue.js';
import { DomainRuleViolated, InvalidInput, NotFound } from '../shared/errors.js';
import type { CommandContext, Decider } from '../shared/event.js';
import { diffFields, jsonEqual } from '../shared/field-changes.js';
import { requireActiveThirdParty, requireContactOf } from '../shared/references.js';
import { idList, isoInstant, LIMITS, oneOf, optionalBoolean, optionalText, requiredText } from '../shared/validation.js';
import type { JsonValue } from '../shared/values.js';
import type {
  ChangeExchangeStatus,
  ContactReference,
  DeleteExchange,
  ExchangeCommand,
  LinkedDocumentInput,
  LogExchange,
  UpdateExchange,
} from './exchange.commands.js';
import {
  exchangeDetailFields,
  exchangeStatuses,
  linkedDocumentTypes,
  type ExchangeDetails,
  type ExchangeEvent,
  type LinkedDocument,
} from './exchange.events.js';

export interface ExchangeRecord {
  readonly exchangeId: string;
  readonly authorId: string;
  readonly details: ExchangeDetails;
}

/** A deleted exchange keeps what it was, so its deletion can still be described. */
export type ExchangeState =
  | { readonly status: 'none' }
  | ({ readonly status: 'logged' } & ExchangeRecord)
  | ({ readonly status: 'deleted' } & ExchangeRecord);

/**
 * Who takes part in an exchange: its author, who made the contact and the
 * collaborators. Without `exchanges.seeAll`, a user sees only those they take part in.
 */
export const exchangeParticipants = (exchange: {
  readonly authorId: string;
  readonly contactedBy: string;
  readonly collaboratorIds: readonly string[];
}): string[] => [...new Set([exchange.authorId, exchange.contactedBy, ...exchange.collaboratorIds])];

export const LINKED_DOCUMENT_REF_MAX_LENGTH = 100;
export const COLLABORATORS_MAX = LIMITS.listItems;

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

const initialState = (): ExchangeState => ({ status: 'none' });

const evolve = (state: ExchangeState, event: ExchangeEvent): ExchangeState => {
  switch (event.type) {
    case 'ExchangeLogged': {
      const { exchangeId, authorId, ...details } = event.data;
      return { status: 'logged', exchangeId, authorId, details };
    }
    case 'ExchangeUpdated': {
      if (state.status === 'none') return state;
      const details: Mutable<ExchangeDetails> = { ...state.details, contactIds: event.data.contactIds };
      for (const { field, to } of event.data.changes) {
        if ((exchangeDetailFields as readonly string[]).includes(field)) (details as Record<string, unknown>)[field] = to;
      }
      return { ...state, details };
    }
    case 'ExchangeStatusChanged':
      if (state.status === 'none') return state;
      return { ...state, details: { ...state.details, status: event.data.to } };
    case 'ExchangeDeleted':
      if (state.status === 'none') return state;
      return { ...state, status: 'deleted' };
    default: {
      const unreachable: never = event;
      return unreachable;
    }
  }
};

// ---------------------------------------------------------------------------
// validation

const validContacts = (
  references: readonly ContactReference[] | undefined,
  thirdPartyId: string,
  archivedAllowed: ReadonlySet<string>,
): string[] => {
  if (references === undefined) return [];
  if (!Array.isArray(references)) throw new InvalidInput('contactIds', 'must be a list');
  const ids: string[] = [];
  references.forEach((reference, index) => {
    const id = requireContactOf(reference, thirdPartyId, `contactIds[${index}]`, archivedAllowed);
    if (!ids.includes(id)) ids.push(id);
  });
  return ids;
};

const validLinkedDocument = (raw: LinkedDocumentInput | null | undefined): LinkedDocument | null => {
  if (raw === null || raw === undefined) return null;
  const type = oneOf('linkedDocument.type', raw.type, linkedDocumentTypes);
  const ref = requiredText('linkedDocument.ref', raw.ref, { max: LINKED_DOCUMENT_REF_MAX_LENGTH });
  return { type, ref };
};

const requireCatalogue = (catalogue: Catalogue | undefined, field: string): Catalogue => {
  // The handler always passes it; a missing one is a wiring bug, not user input.
  if (catalogue === undefined) throw new Error(`the catalogue is needed to check ${field}`);
  return catalogue;
};

const longText = { max: LIMITS.longText, multiline: true } as const;

/** A confidential group only makes sense with a confidential comment to share. */
const refuseLoneGroup = (details: Pick<ExchangeDetails, 'confidentialComment' | 'confidentialGroupId'>): void => {
  if (details.confidentialGroupId !== null && details.confidentialComment === null) {
    throw new InvalidInput('confidentialGroupId', 'is only allowed with a confidentialComment');
  }
};

// ---------------------------------------------------------------------------
// decisions

const logExchange = (command: LogExchange, state: ExchangeState, context: CommandContext): ExchangeEvent[] => {
  const d = command.data;
  const thirdPartyId = requireActiveThirdParty(d.thirdParty, 'thirdPartyId');
  const catalogue = requireCatalogue(d.catalogue, 'mode');
  const details: ExchangeDetails = {
    thirdPartyId,
    contactIds: validContacts(d.contacts, thirdPartyId, new Set()),
    occurredAt: isoInstant('occurredAt', d.occurredAt),
    mode: catalogueCode('mode', d.mode, catalogue.contactModes),
    subject: catalogueCode('subject', d.subject, catalogue.exchangeSubjects),
    comment: optionalText('comment', d.comment, longText),
    status: d.status === undefined || d.status === null ? 'CLOSED' : oneOf('status', d.status, exchangeStatuses),
    confidentialComment: optionalText('confidentialComment', d.confidentialComment, longText),
    confidentialGroupId: d.confidentialGroupId ?? null,
    collaboratorIds: idList('collaboratorIds', d.collaboratorIds ?? [], COLLABORATORS_MAX),
    notifyCollaborators: optionalBoolean('notifyCollaborators', d.notifyCollaborators, false),
    linkedDocument: validLinkedDocument(d.linkedDocument),
    contactedBy: d.contactedBy ?? context.actorId,
  };
  refuseLoneGroup(details);

  if (state.status === 'deleted') throw new DomainRuleViolated(`exchange ${d.exchangeId} was deleted`);
  if (state.status === 'logged') {
    // A repeated log is a no-op; a different one under the same id is a conflict.
    if (jsonEqual(state.details as unknown as JsonValue, details as unknown as JsonValue)) return [];
    throw new DomainRuleViolated(`exchange ${d.exchangeId} is already logged`);
  }
  return [{ type: 'ExchangeLogged', data: { exchangeId: d.exchangeId, authorId: context.actorId, ...details } }];
};

type Logged = Extract<ExchangeState, { status: 'logged' }>;

/** Only a logged exchange can change: unknown → NotFound, deleted → conflict. */
const changeable = (state: ExchangeState, exchangeId: string): Logged => {
  if (state.status === 'none') throw new NotFound('exchange', exchangeId);
  if (state.status === 'deleted') throw new DomainRuleViolated(`exchange ${exchangeId} is deleted and cannot be changed`);
  return state;
};

const updateExchange = (command: UpdateExchange, state: ExchangeState): ExchangeEvent[] => {
  const d = command.data;
  const current = changeable(state, d.exchangeId);
  const before = current.details;
  const next: Mutable<ExchangeDetails> = { ...before };
  if (d.contacts !== undefined) {
    // A contact already on the exchange may stay after being archived; new ones must be active.
    next.contactIds = validContacts(d.contacts, before.thirdPartyId, new Set(before.contactIds));
  }
  if (d.occurredAt !== undefined) next.occurredAt = isoInstant('occurredAt', d.occurredAt);
  if (d.mode !== undefined) next.mode = catalogueCode('mode', d.mode, requireCatalogue(d.catalogue, 'mode').contactModes);
  if (d.subject !== undefined) {
    next.subject = catalogueCode('subject', d.subject, requireCatalogue(d.catalogue, 'subject').exchangeSubjects);
  }
  if (d.comment !== undefined) next.comment = optionalText('comment', d.comment, longText);
  if (d.confidentialComment !== undefined) next.confidentialComment = optionalText('confidentialComment', d.confidentialComment, longText);
  if (d.confidentialGroupId !== undefined) next.confidentialGroupId = d.confidentialGroupId;
  if (next.confidentialComment === null && d.confidentialGroupId === undefined) {
    // Clearing the comment un-shares it: nothing is left to share with the group.
    next.confidentialGroupId = null;
  }
  refuseLoneGroup(next);
  if (d.collaboratorIds !== undefined) next.collaboratorIds = idList('collaboratorIds', d.collaboratorIds, COLLABORATORS_MAX);
  if (d.notifyCollaborators !== undefined) {
    next.notifyCollaborators = optionalBoolean('notifyCollaborators', d.notifyCollaborators, before.notifyCollaborators);
  }
  if (d.linkedDocument !== undefined) next.linkedDocument = validLinkedDocument(d.linkedDocument);
  if (d.contactedBy !== undefined && d.contactedBy !== null) next.contactedBy = d.contactedBy;

  const changes = diffFields(before, next, exchangeDetailFields);
  if (changes.length === 0) return [];
  return [
    {
      type: 'ExchangeUpdated',
      data: {
        exchangeId: d.exchangeId,
        thirdPartyId: before.thirdPartyId,
        contactIds: next.contactIds,
        subject: next.subject,
        occurredAt: next.occurredAt,
        changes,
        previousContactIds: before.contactIds,
      },
    },
  ];
};

const changeStatus = (command: ChangeExchangeStatus, state: ExchangeState): ExchangeEvent[] => {
  const { exchangeId } = command.data;
  const current = changeable(state, exchangeId);
  const status = oneOf('status', command.data.status, exchangeStatuses);
  const { details } = current;
  if (status === details.status) return [];
  return [
    {
      type: 'ExchangeStatusChanged',
      data: {
        exchangeId,
        thirdPartyId: details.thirdPartyId,
        contactIds: details.contactIds,
        subject: details.subject,
        occurredAt: details.occurredAt,
        from: details.status,
        to: status,
      },
    },
  ];
};

const deleteExchange = (command: DeleteExchange, state: ExchangeState): ExchangeEvent[] => {
  const { exchangeId } = command.data;
  if (state.status === 'none') throw new NotFound('exchange', exchangeId);
  const reason = optionalText('reason', command.data.reason, longText);
  if (state.status === 'deleted') return [];
  const { details } = state;
  return [
    {
      type: 'ExchangeDeleted',
      data: {
        exchangeId,
        thirdPartyId: details.thirdPartyId,
        contactIds: details.contactIds,
        subject: details.subject,
        occurredAt: details.occurredAt,
        reason,
      },
    },
  ];
};

const decide = (command: ExchangeCommand, state: ExchangeState, context: CommandContext): ExchangeEvent[] => {
  switch (command.type) {
    case 'LogExchange':
      return logExchange(command, state, context);
    case 'UpdateExchange':
      return updateExchange(command, state);
    case 'ChangeExchangeStatus':
      return changeStatus(command, state);
    case 'DeleteExchange':
      return deleteExchange(command, state);
    default: {
      const unreachable: never = command;
      return unreachable;
    }
  }
};

export const exchangeDecider: Decider<ExchangeState, ExchangeCommand, ExchangeEvent> = {
  initialState,
  evolve,
  decide,
};
