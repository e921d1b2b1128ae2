import type { Message } from '../shared/event.js';
import type { FieldChange } from '../shared/values.js';

export const exchangeStatuses = ['CLOSED', 'IN_PROGRESS', 'TO_DO'] as const;
export type ExchangeStatus = (typeof exchangeStatuses)[number];

export const linkedDocumentTypes = ['QUOTE', 'ORDER', 'INVOICE', 'CONTRACT', 'TICKET', 'PROJECT'] as const;
export type LinkedDocumentType = (typeof linkedDocumentTypes)[number];

export interface LinkedDocument {
  readonly type: LinkedDocumentType;
  /** The document's id or reference in the system that owns it (e.g. `PR2411-0042`). */
  readonly ref: string;
}

/** An exchange ("échange") as recorded: one third party, its contacts, who, how, what. */
export interface ExchangeDetails {
  readonly thirdPartyId: string;
  readonly contactIds: string[];
  readonly occurredAt: string;
  /** Code from the catalogue's contact modes. */
  readonly mode: string;
  /** Code from the catalogue's exchange subjects. */
  readonly subject: string;
  readonly comment: string | null;
  readonly status: ExchangeStatus;
  /** Readable only by its author and the group it is shared with. */
  readonly confidentialComment: string | null;
  readonly confidentialGroupId: string | null;
  readonly collaboratorIds: string[];
  /** The collaborators asked to be told by mail (sent by the notifier, later). */
  readonly notifyCollaborators: boolean;
  readonly linkedDocument: LinkedDocument | null;
  /** The user who contacted the third party; defaults to the actor. */
  readonly contactedBy: string;
}

export const exchangeDetailFields = [
  'contactIds',
  'occurredAt',
  'mode',
  'subject',
  'comment',
  'status',
  'confidentialComment',
  'confidentialGroupId',
  'collaboratorIds',
  'notifyCollaborators',
  'linkedDocument',
  'contactedBy',
] as const;
export type ExchangeDetailField = (typeof exchangeDetailFields)[number];

export type ExchangeLogged = Message<
  'ExchangeLogged',
  ExchangeDetails & { readonly exchangeId: string; readonly authorId: string }
>;

/**
 * Every exchange event repeats the third party, the contacts (after the change),
 * the subject and the date, so that read models need no lookups.
 */
interface ExchangeContext {
  readonly exchangeId: string;
  readonly thirdPartyId: string;
  readonly contactIds: string[];
  readonly subject: string;
  readonly occurredAt: string;
}

/** Changed fields old → new (a change to confidentialComment is recorded; readers may redact it). */
export type ExchangeUpdated = Message<
  'ExchangeUpdated',
  ExchangeContext & { readonly changes: FieldChange[]; readonly previousContactIds: string[] }
>;

export type ExchangeStatusChanged = Message<
  'ExchangeStatusChanged',
  ExchangeContext & { readonly from: ExchangeStatus; readonly to: ExchangeStatus }
>;

export type ExchangeDeleted = Message<'ExchangeDeleted', ExchangeContext & { readonly reason: string | null }>;

export type ExchangeEvent = ExchangeLogged | ExchangeUpdated | ExchangeStatusChanged | ExchangeDeleted;
