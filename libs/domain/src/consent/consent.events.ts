import type { Message } from '../shared/event.js';

/**
 * What a person may consent to, or object to. A fixed list: the follow-up
 * engine and the notifications ask about these, so a purpose nobody checks
 * cannot be recorded.
 */
export const consentPurposes = [
  'MARKETING_EMAIL',
  'MARKETING_SMS',
  'PHONE_PROSPECTING',
  'POSTAL_MARKETING',
  'PROFILING',
  /** The follow-ups of quotes and invoices the relances engine sends: legitimate interest, not consent. */
  'FOLLOW_UP_EMAIL',
  'NEWSLETTER',
] as const;
export type ConsentPurpose = (typeof consentPurposes)[number];

/** ANY: the decision holds on every channel (an objection "to all marketing"). */
export const consentChannels = ['EMAIL', 'PHONE', 'SMS', 'POST', 'ANY'] as const;
export type ConsentChannel = (typeof consentChannels)[number];

/** GIVEN: consent; WITHDRAWN: consent taken back; OBJECTED: a refusal of a use based on legitimate interest. */
export const consentDecisions = ['GIVEN', 'WITHDRAWN', 'OBJECTED'] as const;
export type ConsentDecision = (typeof consentDecisions)[number];

/** How the person expressed it. */
export const consentMethods = ['FORM', 'EMAIL', 'PHONE', 'PAPER', 'IN_PERSON', 'OTHER'] as const;
export type ConsentMethod = (typeof consentMethods)[number];

/** The data subjects of Suivi: a contact, or a third party that is a person. */
export const consentSubjectKinds = ['contact', 'thirdParty'] as const;
export type ConsentSubjectKind = (typeof consentSubjectKinds)[number];

/**
 * What proves the decision (GDPR art. 7(1): the controller must be able to
 * demonstrate consent). At least one field is set, or the evidence is null.
 */
export interface ConsentEvidence {
  /** The web form or campaign the decision came through. */
  readonly formId: string | null;
  readonly ipAddress: string | null;
  /** The wording the person agreed to or refused, as shown to them. */
  readonly textShown: string | null;
  /** A reference to the signed paper, the e-mail, the call recording… */
  readonly documentRef: string | null;
}

/**
 * One decision of a person about one purpose on one channel. Decisions are
 * never changed: a later one (by `expressedAt`) supersedes an earlier one.
 */
export type ConsentRecorded = Message<
  'ConsentRecorded',
  {
    readonly subjectKind: ConsentSubjectKind;
    readonly subjectId: string;
    /** The third party the subject is, or belongs to: who may see the record (scope). */
    readonly thirdPartyId: string;
    readonly purpose: ConsentPurpose;
    readonly channel: ConsentChannel;
    readonly decision: ConsentDecision;
    /** When the person expressed it (UTC ISO with ms); may be well before it was recorded. */
    readonly expressedAt: string;
    readonly method: ConsentMethod;
    readonly evidence: ConsentEvidence | null;
    /** When Suivi recorded it, and who did. */
    readonly recordedAt: string;
    readonly recordedBy: string;
  }
>;

export type ConsentEvent = ConsentRecorded;
