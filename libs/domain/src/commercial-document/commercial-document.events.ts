import type { Message } from '../shared/event.js';

export const commercialDocumentTypes = ['QUOTE', 'ORDER', 'INVOICE', 'CONTRACT'] as const;
export type CommercialDocumentType = (typeof commercialDocumentTypes)[number];

/**
 * The statuses of each type of document, the one a document is issued in
 * first. Contracts are drafted, signed, then end by termination or on their
 * end date (EXPIRED); a draft never signed is CANCELLED.
 */
export const commercialDocumentStatuses = {
  QUOTE: ['SENT', 'ACCEPTED', 'REFUSED', 'EXPIRED'],
  ORDER: ['PLACED', 'SHIPPED', 'DELIVERED', 'CANCELLED'],
  INVOICE: ['ISSUED', 'PARTIALLY_PAID', 'PAID', 'CANCELLED'],
  CONTRACT: ['DRAFT', 'SIGNED', 'TERMINATED', 'EXPIRED', 'CANCELLED'],
} as const satisfies { readonly [T in CommercialDocumentType]: readonly string[] };

export type CommercialDocumentStatusOf<T extends CommercialDocumentType> = (typeof commercialDocumentStatuses)[T][number];
export type CommercialDocumentStatus = CommercialDocumentStatusOf<CommercialDocumentType>;

/** Every status of every type, each once, in the order of the types. */
export const allCommercialDocumentStatuses: readonly CommercialDocumentStatus[] = [
  ...new Set(commercialDocumentTypes.flatMap((type): readonly CommercialDocumentStatus[] => commercialDocumentStatuses[type])),
];

/**
 * A quote, order, invoice or contract as the business or its ERP issued it:
 * Suivi records the fact, it does not compute it. Amounts are decimal strings
 * with two decimals (`"1200.00"`), never floats.
 */
export interface CommercialDocumentFacts {
  readonly thirdPartyId: string;
  readonly documentType: CommercialDocumentType;
  /** The document's reference in the system that issued it, unique per third party and type. */
  readonly ref: string;
  /** A title for people (e.g. "Spring fair croissants"); free text, hence personal data. */
  readonly label: string | null;
  readonly amount: string;
  /** ISO 4217, upper case. */
  readonly currency: string;
  readonly issuedAt: string;
  /**
   * What the follow-ups wait for, by type: a quote's end of validity, an
   * order's expected delivery, an invoice's payment due date, a contract's end.
   */
  readonly dueAt: string | null;
}

export const commercialDocumentFactFields = ['label', 'amount', 'currency', 'issuedAt', 'dueAt'] as const;

/** The document's first status, when it happened, and how much of an invoice was paid then. */
export type CommercialDocumentRecorded = Message<
  'CommercialDocumentRecorded',
  CommercialDocumentFacts & {
    readonly documentId: string;
    readonly status: CommercialDocumentStatus;
    readonly statusAt: string;
    /** Invoices only: what is paid as of this status; null when unknown or not an invoice. */
    readonly paidAmount: string | null;
  }
>;

/**
 * A status reached at `at` (the instant it happened, which the follow-ups are
 * anchored on, not when it was recorded). Repeats what read models route and
 * describe by, so they need no lookups.
 */
export type CommercialDocumentStatusChanged = Message<
  'CommercialDocumentStatusChanged',
  {
    readonly documentId: string;
    readonly thirdPartyId: string;
    readonly documentType: CommercialDocumentType;
    readonly ref: string;
    readonly from: CommercialDocumentStatus;
    readonly to: CommercialDocumentStatus;
    readonly at: string;
    /** Invoices: what is paid after this change (a PAID invoice: its amount); otherwise as before. */
    readonly paidAmount: string | null;
  }
>;

export type CommercialDocumentEvent = CommercialDocumentRecorded | CommercialDocumentStatusChanged;
