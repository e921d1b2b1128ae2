import type { Message } from '../shared/event.js';
import type { FollowUpCancelReason, FollowUpKind, FollowUpMode, FollowUpSkipReason } from './follow-up.events.js';

interface StepRef {
  readonly followUpId: string;
  readonly cycle: number;
  readonly step: number;
}

/** Plans (or re-plans, from a newer anchor) a follow-up's steps; the steps come from its policy. */
export type ScheduleFollowUp = Message<
  'ScheduleFollowUp',
  {
    readonly followUpId: string;
    readonly kind: FollowUpKind;
    readonly thirdPartyId: string;
    readonly documentId: string | null;
    readonly anchorAt: string;
    readonly ownerId: string | null;
    readonly language: string;
    readonly steps: readonly { readonly offsetDays: number; readonly mode: FollowUpMode }[];
  }
>;

/** The automation is about to hand the step's mail over: recorded first, once. */
export type DecideFollowUpSend = Message<'DecideFollowUpSend', StepRef>;
export type RecordFollowUpSent = Message<'RecordFollowUpSent', StepRef & { readonly recipients: number }>;
export type RecordFollowUpFailure = Message<'RecordFollowUpFailure', StepRef & { readonly error: string }>;
export type SkipFollowUpStep = Message<'SkipFollowUpStep', StepRef & { readonly reason: FollowUpSkipReason }>;
export type SnoozeFollowUpStep = Message<'SnoozeFollowUpStep', StepRef & { readonly until: string }>;
/** Subject, text or HTML given replace the policy template's, checked like a template (only known `{VARIABLE}`s). */
export type ApproveFollowUpStep = Message<
  'ApproveFollowUpStep',
  StepRef & { readonly subject?: string | null; readonly text?: string | null; readonly html?: string | null }
>;
export type CancelFollowUp = Message<'CancelFollowUp', { readonly followUpId: string; readonly reason: FollowUpCancelReason }>;

export type FollowUpCommand =
  | ScheduleFollowUp
  | DecideFollowUpSend
  | RecordFollowUpSent
  | RecordFollowUpFailure
  | SkipFollowUpStep
  | SnoozeFollowUpStep
  | ApproveFollowUpStep
  | CancelFollowUp;
