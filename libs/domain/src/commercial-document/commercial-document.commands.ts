import type { ThirdPartyReference } from '../contact/contact.commands.js';
import type { Message } from '../shared/event.js';

/**
 * Records a document issued elsewhere (by a user, or an ERP integration). Its
 * id derives from the third party, the type and the ref (see
 * `commercialDocumentName`), so recording it again lands on the same stream.
 */
export type RecordCommercialDocument = Message<
  'RecordCommercialDocument',
  {
    readonly documentId: string;
    /** null when the client named no third party. */
    readonly thirdParty: ThirdPartyReference | null;
    readonly documentType: string;
    readonly ref: string;
    readonly label?: string | null;
    readonly amount: string;
    readonly currency: string;
    readonly issuedAt: string;
    readonly dueAt?: string | null;
    /** The type's first status when not given (SENT, PLACED, ISSUED, DRAFT). */
    readonly status?: string | null;
    /** When that status happened; when not given, issuedAt for the first status, now for a later one. */
    readonly statusAt?: string | null;
    /** Invoices PARTIALLY_PAID (what is paid so far) or PAID (the amount). */
    readonly paidAmount?: string | null;
  }
>;

export type ChangeCommercialDocumentStatus = Message<
  'ChangeCommercialDocumentStatus',
  {
    readonly documentId: string;
    readonly status: string;
    /** When the status was reached; now when not given. */
    readonly at?: string | null;
    /** Invoices: what is paid in all after this change (not the instalment alone). */
    readonly paidAmount?: string | null;
  }
>;

export type CommercialDocumentCommand = RecordCommercialDocument | ChangeCommercialDocumentStatus;
