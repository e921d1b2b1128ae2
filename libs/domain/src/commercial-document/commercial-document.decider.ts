import { DomainRuleViolated, InvalidInput, NotFound } from '../shared/errors.js';
import type { CommandContext, Decider } from '../shared/event.js';
import { jsonEqual } from '../shared/field-changes.js';
import { requireActiveThirdParty } from '../shared/references.js';
import { isoInstant, LIMITS, oneOf, optionalText, requiredText } from '../shared/validation.js';
import type { JsonValue } from '../shared/values.js';
import type { ChangeCommercialDocumentStatus, CommercialDocumentCommand, RecordCommercialDocument } from './commercial-document.commands.js';
import {
  commercialDocumentStatuses,
  commercialDocumentTypes,
  type CommercialDocumentEvent,
  type CommercialDocumentFacts,
  type CommercialDocumentStatus,
  type CommercialDocumentType,
} from './commercial-document.events.js';
import { initialStatusOf, mayMove, nextStatuses } from './commercial-document.transitions.js';
import { centsOf, currencyCode, decimalAmount, optionalDecimalAmount } from './money.js';

export const COMMERCIAL_DOCUMENT_REF_MAX_LENGTH = 100;

/** A status as it was reached: when, and (invoices) what was paid by then. */
export interface StatusPoint {
  readonly status: CommercialDocumentStatus;
  readonly at: string;
  readonly paidAmount: string | null;
}

/** `thirdPartyId` sits at the top so that the write scope finds whose document it is. */
export type CommercialDocumentState =
  | { readonly status: 'none' }
  | {
      readonly status: 'recorded';
      readonly documentId: string;
      readonly thirdPartyId: string;
      readonly facts: CommercialDocumentFacts;
      /** As first recorded: what a repeated recording is compared with. */
      readonly first: StatusPoint;
      readonly current: StatusPoint;
    };

/**
 * The name a document's id derives from: its third party, type and ref, which
 * together are unique. Validates the type and the ref, as the decider does, so
 * that two spellings of one ref (spaces, Unicode forms) name one document.
 */
export const commercialDocumentName = (thirdPartyId: string | null, documentType: unknown, ref: unknown): string =>
  [thirdPartyId ?? '', documentTypeOf(documentType), refOf(ref)].join('\u0000');

const documentTypeOf = (raw: unknown): CommercialDocumentType => oneOf('type', raw, commercialDocumentTypes);
const refOf = (raw: unknown): string => requiredText('ref', raw, { max: COMMERCIAL_DOCUMENT_REF_MAX_LENGTH });

const initialState = (): CommercialDocumentState => ({ status: 'none' });

const evolve = (state: CommercialDocumentState, event: CommercialDocumentEvent): CommercialDocumentState => {
  switch (event.type) {
    case 'CommercialDocumentRecorded': {
      const { documentId, status, statusAt, paidAmount, ...facts } = event.data;
      const first: StatusPoint = { status, at: statusAt, paidAmount };
      return { status: 'recorded', documentId, thirdPartyId: facts.thirdPartyId, facts, first, current: first };
    }
    case 'CommercialDocumentStatusChanged':
      if (state.status === 'none') return state;
      return { ...state, current: { status: event.data.to, at: event.data.at, paidAmount: event.data.paidAmount } };
    default: {
      const unreachable: never = event;
      return unreachable;
    }
  }
};

// ---------------------------------------------------------------------------
// validation

const statusOf = (type: CommercialDocumentType, field: string, raw: unknown): CommercialDocumentStatus => {
  const allowed: readonly string[] = commercialDocumentStatuses[type];
  if (typeof raw !== 'string' || !allowed.includes(raw)) {
    throw new InvalidInput(field, `must be one of ${allowed.join(', ')} for type ${type}`);
  }
  return raw as CommercialDocumentStatus;
};

const instantOr = (field: string, raw: string | null | undefined, now: Date): string =>
  raw === null || raw === undefined ? now.toISOString() : isoInstant(field, raw);

/**
 * What is paid of a document once it has `status`. Only invoices are paid: a
 * PAID one in full, a PARTIALLY_PAID one by the amount given (the total so
 * far, strictly between nothing and everything) or, when none is given, as
 * before. Any other status keeps what was paid (a cancelled instalment plan
 * was still partly paid).
 */
const paidAmountOf = (
  facts: Pick<CommercialDocumentFacts, 'documentType' | 'amount'>,
  status: CommercialDocumentStatus,
  raw: string | null | undefined,
  before: string | null,
): string | null => {
  const given = optionalDecimalAmount('paidAmount', raw);
  if (facts.documentType !== 'INVOICE' || (status !== 'PARTIALLY_PAID' && status !== 'PAID')) {
    if (given !== null) throw new InvalidInput('paidAmount', 'is only for an invoice PARTIALLY_PAID or PAID');
    return before;
  }
  if (status === 'PAID') {
    if (given !== null && given !== facts.amount) {
      throw new InvalidInput('paidAmount', `a PAID invoice is paid in full (${facts.amount}); for less, it is PARTIALLY_PAID`);
    }
    return facts.amount;
  }
  if (given === null) return before;
  if (centsOf(given) === 0n || centsOf(given) >= centsOf(facts.amount)) {
    throw new InvalidInput('paidAmount', `must be more than 0 and less than the amount (${facts.amount}) for a PARTIALLY_PAID invoice`);
  }
  return given;
};

// ---------------------------------------------------------------------------
// decisions

const recordDocument = (command: RecordCommercialDocument, state: CommercialDocumentState, context: CommandContext): CommercialDocumentEvent[] => {
  const d = command.data;
  const thirdPartyId = requireActiveThirdParty(d.thirdParty, 'thirdPartyId');
  const documentType = documentTypeOf(d.documentType);
  const facts: CommercialDocumentFacts = {
    thirdPartyId,
    documentType,
    ref: refOf(d.ref),
    label: optionalText('label', d.label, { max: LIMITS.short }),
    amount: decimalAmount('amount', d.amount),
    currency: currencyCode('currency', d.currency),
    issuedAt: isoInstant('issuedAt', d.issuedAt),
    dueAt: d.dueAt === null || d.dueAt === undefined ? null : isoInstant('dueAt', d.dueAt),
  };
  // UTC instants with milliseconds: string order is time order.
  if (facts.dueAt !== null && facts.dueAt < facts.issuedAt) throw new InvalidInput('dueAt', `must not be before issuedAt (${facts.issuedAt})`);
  const status = d.status === null || d.status === undefined ? initialStatusOf(documentType) : statusOf(documentType, 'status', d.status);
  // A document is in its first status (SENT, PLACED, ISSUED, DRAFT) from the moment it is issued;
  // any later status was reached at some instant the caller should say, now by default.
  const statusAt =
    (d.statusAt === null || d.statusAt === undefined) && status === initialStatusOf(documentType)
      ? facts.issuedAt
      : instantOr('statusAt', d.statusAt, context.now);
  const paidAmount = paidAmountOf(facts, status, d.paidAmount, null);

  if (state.status === 'recorded') {
    // The same document recorded again (a retried call, an ERP's next sync) is a no-op;
    // the same ref with other facts is a conflict: nothing here amends a document.
    const { first } = state;
    const same =
      jsonEqual(state.facts as unknown as JsonValue, facts as unknown as JsonValue) &&
      status === first.status &&
      paidAmount === first.paidAmount &&
      (d.statusAt === null || d.statusAt === undefined || statusAt === first.at);
    if (same) return [];
    throw new DomainRuleViolated(
      `${documentType} ${facts.ref} of this third party is already recorded with other details: record it once, then change its status`,
    );
  }
  return [{ type: 'CommercialDocumentRecorded', data: { documentId: d.documentId, ...facts, status, statusAt, paidAmount } }];
};

const changeStatus = (command: ChangeCommercialDocumentStatus, state: CommercialDocumentState, context: CommandContext): CommercialDocumentEvent[] => {
  const d = command.data;
  if (state.status === 'none') throw new NotFound('commercialDocument', d.documentId);
  const { facts, current } = state;
  const to = statusOf(facts.documentType, 'status', d.status);
  const at = instantOr('at', d.at, context.now);
  const paidAmount = paidAmountOf(facts, to, d.paidAmount, current.paidAmount);
  const from = current.status;
  // A status reached again changes nothing (its first instant stands), unless it is a further instalment.
  if (to === from && (!mayMove(facts.documentType, from, to) || paidAmount === current.paidAmount)) return [];
  if (!mayMove(facts.documentType, from, to)) {
    const next = nextStatuses(facts.documentType, from);
    throw new DomainRuleViolated(
      `${facts.documentType} ${facts.ref} is ${from} and cannot become ${to}: ` +
        (next.length === 0 ? `${from} is final` : `from ${from} it can become ${next.join(', ')}`),
    );
  }
  if (at < current.at) throw new InvalidInput('at', `must not be before the current status (${from} at ${current.at})`);
  return [
    {
      type: 'CommercialDocumentStatusChanged',
      data: { documentId: d.documentId, thirdPartyId: facts.thirdPartyId, documentType: facts.documentType, ref: facts.ref, from, to, at, paidAmount },
    },
  ];
};

const decide = (command: CommercialDocumentCommand, state: CommercialDocumentState, context: CommandContext): CommercialDocumentEvent[] => {
  switch (command.type) {
    case 'RecordCommercialDocument':
      return recordDocument(command, state, context);
    case 'ChangeCommercialDocumentStatus':
      return changeStatus(command, state, context);
    default: {
      const unreachable: never = command;
      return unreachable;
    }
  }
};

export const commercialDocumentDecider: Decider<CommercialDocumentState, CommercialDocumentCommand, CommercialDocumentEvent> = {
  initialState,
  evolve,
  decide,
};
