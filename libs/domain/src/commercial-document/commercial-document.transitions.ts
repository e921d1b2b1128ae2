import {
  commercialDocumentStatuses,
  type CommercialDocumentStatus,
  type CommercialDocumentStatusOf,
  type CommercialDocumentType,
} from './commercial-document.events.js';

type TransitionTable = {
  readonly [T in CommercialDocumentType]: { readonly [S in CommercialDocumentStatusOf<T>]: readonly CommercialDocumentStatusOf<T>[] };
};

/**
 * Where each status may go next; a status with nowhere to go is final. The
 * decider judges every change by this table and nothing else, and the unit
 * tests walk every pair of it. The only move to the same status is an
 * invoice's further instalment (PARTIALLY_PAID with another paid amount);
 * any other repeat of the current status changes nothing.
 *
 * - A quote expired can still be accepted late (the seller honours it); an
 *   accepted or refused one is settled.
 * - An order can be delivered without a shipping step (services, collection),
 *   and cancelled until it is delivered.
 * - An invoice is paid in one go or in instalments, or cancelled (a credit
 *   note in the ERP) until fully paid. A PAID invoice never goes back.
 * - A contract is signed or abandoned as a draft; once signed it ends by
 *   termination or on its end date.
 */
export const commercialDocumentTransitions: TransitionTable = {
  QUOTE: { SENT: ['ACCEPTED', 'REFUSED', 'EXPIRED'], ACCEPTED: [], REFUSED: [], EXPIRED: ['ACCEPTED'] },
  ORDER: { PLACED: ['SHIPPED', 'DELIVERED', 'CANCELLED'], SHIPPED: ['DELIVERED', 'CANCELLED'], DELIVERED: [], CANCELLED: [] },
  INVOICE: {
    ISSUED: ['PARTIALLY_PAID', 'PAID', 'CANCELLED'],
    PARTIALLY_PAID: ['PARTIALLY_PAID', 'PAID', 'CANCELLED'],
    PAID: [],
    CANCELLED: [],
  },
  CONTRACT: { DRAFT: ['SIGNED', 'CANCELLED'], SIGNED: ['TERMINATED', 'EXPIRED'], TERMINATED: [], EXPIRED: [], CANCELLED: [] },
};

/** The status a document of this type is issued in when none is said. */
export const initialStatusOf = (type: CommercialDocumentType): CommercialDocumentStatus => commercialDocumentStatuses[type][0];

/** The statuses a document of this type may move to from `from` (the table's row). */
export const nextStatuses = (type: CommercialDocumentType, from: CommercialDocumentStatus): readonly CommercialDocumentStatus[] =>
  (commercialDocumentTransitions[type] as Readonly<Record<string, readonly CommercialDocumentStatus[]>>)[from] ?? [];

/** Whether the table lets a document of this type move from one status to the other. */
export const mayMove = (type: CommercialDocumentType, from: CommercialDocumentStatus, to: CommercialDocumentStatus): boolean =>
  nextStatuses(type, from).includes(to);

export const isFinalStatus = (type: CommercialDocumentType, status: CommercialDocumentStatus): boolean =>
  nextStatuses(type, status).length === 0;
