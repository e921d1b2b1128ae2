import type { Message } from '../shared/event.js';
import type { Catalogue } from '../catalogue/catalogue.js';
import type { ThirdPartyReference } from '../contact/contact.commands.js';
import type { ExchangeStatus } from './exchange.events.js';

/** What the handler found about a contact named by a command. */
export interface ContactReference {
  readonly contactId: string;
  /** null when no such contact exists. */
  readonly thirdPartyId: string | null;
  readonly archived: boolean;
}

export interface LinkedDocumentInput {
  readonly type: string;
  readonly ref: string;
}

export type LogExchange = Message<
  'LogExchange',
  {
    readonly exchangeId: string;
    /** null when the client named no third party. */
    readonly thirdParty: ThirdPartyReference | null;
    readonly contacts: readonly ContactReference[];
    /** ISO-8601 instant; must parse. */
    readonly occurredAt: string;
    readonly mode: string;
    readonly subject: string;
    readonly comment?: string | null;
    readonly status?: ExchangeStatus | null;
    readonly confidentialComment?: string | null;
    readonly confidentialGroupId?: string | null;
    readonly collaboratorIds?: readonly string[];
    readonly notifyCollaborators?: boolean;
    readonly linkedDocument?: LinkedDocumentInput | null;
    /** Defaults to the actor. */
    readonly contactedBy?: string | null;
    readonly catalogue: Catalogue;
  }
>;

/** Only fields present change. `contacts` (when given) replaces the contacts. */
export type UpdateExchange = Message<
  'UpdateExchange',
  {
    readonly exchangeId: string;
    readonly contacts?: readonly ContactReference[];
    readonly occurredAt?: string;
    readonly mode?: string;
    readonly subject?: string;
    readonly comment?: string | null;
    readonly confidentialComment?: string | null;
    readonly confidentialGroupId?: string | null;
    readonly collaboratorIds?: readonly string[];
    readonly notifyCollaborators?: boolean;
    readonly linkedDocument?: LinkedDocumentInput | null;
    readonly contactedBy?: string;
    readonly catalogue: Catalogue;
  }
>;

export type ChangeExchangeStatus = Message<
  'ChangeExchangeStatus',
  { readonly exchangeId: string; readonly status: ExchangeStatus }
>;

export type DeleteExchange = Message<'DeleteExchange', { readonly exchangeId: string; readonly reason?: string | null }>;

export type ExchangeCommand = LogExchange | UpdateExchange | ChangeExchangeStatus | DeleteExchange;
