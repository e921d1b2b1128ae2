import type { Message } from '../shared/event.js';
import type { ConsentSubjectKind } from './consent.events.js';

/**
 * What the handler found about the person a decision is about, read from their
 * own stream at decision time. `forgotten`: the subject was erased, and nothing
 * more may be recorded about them.
 */
export interface ConsentSubjectReference {
  readonly kind: ConsentSubjectKind;
  readonly id: string;
  readonly status: 'none' | 'active' | 'archived' | 'forgotten';
  /**
   * The third party the subject is, or is a contact of; null when the subject
   * does not exist. Not named `thirdPartyId`: this is no ThirdPartyReference.
   */
  readonly underThirdParty: string | null;
  /** False for a third party that is a company: it is not a person, its contacts are. */
  readonly person: boolean;
}

export interface ConsentEvidenceInput {
  readonly formId?: string | null;
  readonly ipAddress?: string | null;
  readonly textShown?: string | null;
  readonly documentRef?: string | null;
}

/** Input as the client sent it: the decider validates every field. */
export type RecordConsent = Message<
  'RecordConsent',
  {
    readonly subject: ConsentSubjectReference;
    readonly purpose: string;
    readonly channel: string;
    readonly decision: string;
    /** When the person expressed it: an ISO-8601 instant with an offset, not in the future. */
    readonly at: string;
    readonly method: string;
    readonly evidence?: ConsentEvidenceInput | null;
  }
>;

export type ConsentCommand = RecordConsent;
