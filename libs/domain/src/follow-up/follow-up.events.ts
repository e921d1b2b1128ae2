import type { Message } from '../shared/event.js';

/*
 * One stream per follow-up (streams.followUp): a policy kind and the thing it
 * waits on, a quote, an invoice or a prospect. Its id derives from both, so
 * scheduling twice finds the same stream. The events name the third party, the
 * document and the people by id only, and never a recipient's address (resolved
 * when the mail is sent): they stay in clear and outlive an erasure as the
 * record of what was sent when. The one exception is the text a person wrote
 * when approving a step, which the codec encrypts under the third party's key.
 */

export const followUpKinds = ['QUOTE_NO_RESPONSE', 'UNPAID_INVOICE', 'INACTIVE_PROSPECT'] as const;
export type FollowUpKind = (typeof followUpKinds)[number];

/** AUTO: sent when due. APPROVAL: waits, once due, for a person to approve, skip or snooze it. */
export const followUpModes = ['AUTO', 'APPROVAL'] as const;
export type FollowUpMode = (typeof followUpModes)[number];

/**
 * Why a step was not sent. CONSENT: the recipient objected to (or never gave,
 * for opt-in purposes) the purpose; HOLD: the third party is blocked; NO_RECIPIENT:
 * no address to send to; OVERTAKEN: scheduled when the next step was due already;
 * MANUAL: a person skipped it.
 */
export const followUpSkipReasons = ['CONSENT', 'HOLD', 'NO_RECIPIENT', 'OVERTAKEN', 'MANUAL'] as const;
export type FollowUpSkipReason = (typeof followUpSkipReasons)[number];

/**
 * Why the rest of a follow-up will not be sent. DOCUMENT_CLOSED: the quote was
 * accepted, refused or expired, the invoice paid or cancelled; THIRD_PARTY_CLOSED:
 * the prospect converted, was archived or forgotten; MANUAL: a person cancelled.
 */
export const followUpCancelReasons = ['DOCUMENT_CLOSED', 'THIRD_PARTY_CLOSED', 'MANUAL'] as const;
export type FollowUpCancelReason = (typeof followUpCancelReasons)[number];

export interface FollowUpStepPlan {
  /** 1-based, in sending order. */
  readonly step: number;
  readonly mode: FollowUpMode;
  /** When it is due: the anchor plus the step's offset. */
  readonly dueAt: string;
}

/** What every event of a follow-up repeats, so read models need no lookups. */
export interface FollowUpRef {
  readonly followUpId: string;
  readonly kind: FollowUpKind;
  readonly thirdPartyId: string;
  /** The quote or invoice; null for INACTIVE_PROSPECT. */
  readonly documentId: string | null;
  /** Starts at 1; a newer anchor (a new exchange with a prospect) starts the next cycle, whose mails are new ones. */
  readonly cycle: number;
}

/**
 * The steps of a cycle, planned from its anchor: the quote's sending, the
 * invoice's due date, the prospect's last interaction. `ownerId` is who answers
 * for it (the policy's responsible user, else the third party's owner).
 */
export type FollowUpScheduled = Message<
  'FollowUpScheduled',
  FollowUpRef & {
    readonly anchorAt: string;
    readonly ownerId: string | null;
    readonly language: string;
    readonly steps: readonly FollowUpStepPlan[];
    readonly scheduledAt: string;
  }
>;

/**
 * Recorded BEFORE the mail is handed to the mail server, with the Message-ID it
 * will carry: at most one per step and cycle (the decider refuses a second), so
 * a restart finds the decision and asks the mailer whether that Message-ID was
 * handed over before sending again.
 */
export type FollowUpSendDecided = Message<
  'FollowUpSendDecided',
  FollowUpRef & { readonly step: number; readonly messageId: string; readonly decidedAt: string }
>;

/** The mail server accepted the mail of the step (`recipients`: how many addresses, not which). */
export type FollowUpStepSent = Message<
  'FollowUpStepSent',
  FollowUpRef & { readonly step: number; readonly messageId: string; readonly recipients: number; readonly sentAt: string }
>;

/**
 * Handing the mail over failed; the automation tries again, with the same
 * Message-ID, on its next tick. `error` is a code (no address, no server text).
 */
export type FollowUpStepFailed = Message<
  'FollowUpStepFailed',
  FollowUpRef & { readonly step: number; readonly messageId: string; readonly error: string; readonly attempt: number; readonly failedAt: string }
>;

export type FollowUpStepSkipped = Message<
  'FollowUpStepSkipped',
  FollowUpRef & { readonly step: number; readonly reason: FollowUpSkipReason; readonly skippedAt: string; readonly skippedBy: string }
>;

/** The step is due again at `until` (later steps still wait for it). */
export type FollowUpStepSnoozed = Message<
  'FollowUpStepSnoozed',
  FollowUpRef & { readonly step: number; readonly until: string; readonly snoozedAt: string; readonly snoozedBy: string }
>;

/**
 * What a person wrote instead of the policy's template when approving a step;
 * null parts keep the template's. Free text about the client: personal data,
 * encrypted under the third party's key (personal-data.ts).
 */
export interface FollowUpMailOverride {
  readonly subject: string | null;
  readonly text: string | null;
  /** Null with a text: the HTML part is the escaped text, not the template's HTML of another text. */
  readonly html: string | null;
}

/**
 * A person approved an APPROVAL step, possibly editing its mail: the automation
 * sends it when due. Approving again before it is sent, with other edits,
 * replaces them. The override fields are absent from approvals recorded before
 * they could be edited.
 */
export type FollowUpStepApproved = Message<
  'FollowUpStepApproved',
  FollowUpRef & {
    readonly step: number;
    readonly approvedAt: string;
    readonly approvedBy: string;
    readonly subject?: string | null;
    readonly text?: string | null;
    readonly html?: string | null;
  }
>;

/** The steps of the cycle not sent or skipped yet will not be. */
export type FollowUpCancelled = Message<
  'FollowUpCancelled',
  FollowUpRef & { readonly reason: FollowUpCancelReason; readonly cancelledAt: string; readonly cancelledBy: string }
>;

export type FollowUpEvent =
  | FollowUpScheduled
  | FollowUpSendDecided
  | FollowUpStepSent
  | FollowUpStepFailed
  | FollowUpStepSkipped
  | FollowUpStepSnoozed
  | FollowUpStepApproved
  | FollowUpCancelled;

export const followUpEventTypes: readonly FollowUpEvent['type'][] = [
  'FollowUpScheduled',
  'FollowUpSendDecided',
  'FollowUpStepSent',
  'FollowUpStepFailed',
  'FollowUpStepSkipped',
  'FollowUpStepSnoozed',
  'FollowUpStepApproved',
  'FollowUpCancelled',
];
