import { validateTemplate } from '../mail/templates.js';
import { DomainRuleViolated, InvalidInput, NotFound } from '../shared/errors.js';
import type { CommandContext, Decider } from '../shared/event.js';
import { isoInstant, oneOf } from '../shared/validation.js';
import type {
  ApproveFollowUpStep,
  CancelFollowUp,
  DecideFollowUpSend,
  FollowUpCommand,
  RecordFollowUpFailure,
  RecordFollowUpSent,
  ScheduleFollowUp,
  SkipFollowUpStep,
  SnoozeFollowUpStep,
} from './follow-up.commands.js';
import {
  followUpCancelReasons,
  followUpKinds,
  followUpModes,
  followUpSkipReasons,
  type FollowUpEvent,
  type FollowUpKind,
  type FollowUpMailOverride,
  type FollowUpMode,
  type FollowUpRef,
  type FollowUpStepPlan,
} from './follow-up.events.js';

const DAY_MS = 86_400_000;
/** Offsets are days from the anchor; negative ones remind before it (an invoice's due date). */
export const FOLLOW_UP_OFFSET_MAX_DAYS = 365;
export const FOLLOW_UP_STEPS_MAX = 10;

/** A follow-up's id: one per policy kind and anchor (the quote, the invoice, the prospect). */
export const followUpIdOf = (kind: FollowUpKind, anchorId: string): string => `${kind}-${anchorId}`;

/**
 * The Message-ID of a step's mail: the same whichever process or attempt sends
 * it, so that a mail handed over before a crash is recognised after it (and by
 * the recipient's client, should it arrive twice). New for each cycle.
 */
export const followUpMessageId = (followUpId: string, cycle: number, step: number): string =>
  `<followup.${followUpId.replace(/[^A-Za-z0-9-]/g, '-')}.c${cycle}.s${step}@suivi>`;

/**
 * scheduled: waiting for its due instant (and, in APPROVAL mode, a person);
 * approved: a person agreed, sent when due; decided: the send is recorded and
 * the mail on its way (or failed, `failures` times, retried); sent, skipped: settled.
 */
export type FollowUpStepStatus = 'scheduled' | 'approved' | 'decided' | 'sent' | 'skipped';

export interface FollowUpStepState {
  readonly step: number;
  readonly mode: FollowUpMode;
  readonly dueAt: string;
  readonly status: FollowUpStepStatus;
  readonly messageId: string | null;
  readonly failures: number;
  /** What the approver wrote instead of the template; null: the template as it is. */
  readonly override: FollowUpMailOverride | null;
}

interface FollowUpFacts extends FollowUpRef {
  readonly anchorAt: string;
  readonly ownerId: string | null;
  readonly language: string;
  readonly steps: readonly FollowUpStepState[];
}

export type FollowUpState =
  | { readonly status: 'none' }
  | (FollowUpFacts & { readonly status: 'active' })
  | (FollowUpFacts & { readonly status: 'cancelled' });

const initialState = (): FollowUpState => ({ status: 'none' });

export const isSettled = (step: FollowUpStepState): boolean => step.status === 'sent' || step.status === 'skipped';

/** The step the automation may act on next: the first one neither sent nor skipped (steps are sequential). */
export const currentStep = (state: FollowUpState): FollowUpStepState | null =>
  state.status === 'active' ? (state.steps.find((step) => !isSettled(step)) ?? null) : null;

const refOf = (state: FollowUpFacts): FollowUpRef => ({
  followUpId: state.followUpId,
  kind: state.kind,
  thirdPartyId: state.thirdPartyId,
  documentId: state.documentId,
  cycle: state.cycle,
});

const withStep = (state: FollowUpState, cycle: number, number: number, change: (step: FollowUpStepState) => FollowUpStepState): FollowUpState =>
  state.status === 'none' || state.cycle !== cycle
    ? state
    : { ...state, steps: state.steps.map((step) => (step.step === number ? change(step) : step)) };

const evolve = (state: FollowUpState, event: FollowUpEvent): FollowUpState => {
  switch (event.type) {
    case 'FollowUpScheduled': {
      const { followUpId, kind, thirdPartyId, documentId, cycle, anchorAt, ownerId, language, steps } = event.data;
      return {
        status: 'active',
        followUpId,
        kind,
        thirdPartyId,
        documentId,
        cycle,
        anchorAt,
        ownerId,
        language,
        steps: steps.map((plan) => ({ ...plan, status: 'scheduled', messageId: null, failures: 0, override: null })),
      };
    }
    case 'FollowUpSendDecided':
      return withStep(state, event.data.cycle, event.data.step, (step) => ({ ...step, status: 'decided', messageId: event.data.messageId }));
    case 'FollowUpStepSent':
      return withStep(state, event.data.cycle, event.data.step, (step) => ({ ...step, status: 'sent', messageId: event.data.messageId }));
    case 'FollowUpStepFailed':
      return withStep(state, event.data.cycle, event.data.step, (step) => ({ ...step, failures: event.data.attempt }));
    case 'FollowUpStepSkipped':
      return withStep(state, event.data.cycle, event.data.step, (step) => ({ ...step, status: 'skipped' }));
    case 'FollowUpStepSnoozed':
      return withStep(state, event.data.cycle, event.data.step, (step) => ({ ...step, dueAt: event.data.until }));
    case 'FollowUpStepApproved':
      return withStep(state, event.data.cycle, event.data.step, (step) => ({ ...step, status: 'approved', override: overrideOf(event.data) }));
    case 'FollowUpCancelled':
      return state.status === 'none' || state.cycle !== event.data.cycle ? state : { ...state, status: 'cancelled' };
    default: {
      const unreachable: never = event;
      return unreachable;
    }
  }
};

const schedule = (command: ScheduleFollowUp, state: FollowUpState, context: CommandContext): FollowUpEvent[] => {
  const { followUpId, thirdPartyId, documentId, ownerId } = command.data;
  const kind = oneOf('kind', command.data.kind, followUpKinds);
  if (thirdPartyId.length === 0) throw new InvalidInput('thirdPartyId', 'is required');
  if ((kind === 'INACTIVE_PROSPECT') !== (documentId === null)) {
    throw new InvalidInput('documentId', kind === 'INACTIVE_PROSPECT' ? 'must be null for INACTIVE_PROSPECT' : `is required for ${kind}`);
  }
  if (command.data.language.length === 0) throw new InvalidInput('language', 'is required');
  const anchorAt = isoInstant('anchorAt', command.data.anchorAt);
  const steps = validSteps(command.data.steps);
  // The same anchor again (a replayed event) or an older one: the plan stands.
  if (state.status !== 'none' && Date.parse(anchorAt) <= Date.parse(state.anchorAt)) return [];
  const cycle = state.status === 'none' ? 1 : state.cycle + 1;
  const ref: FollowUpRef = { followUpId, kind, thirdPartyId, documentId, cycle };
  const anchor = Date.parse(anchorAt);
  const plans: FollowUpStepPlan[] = steps.map((step, index) => ({
    step: index + 1,
    mode: step.mode,
    dueAt: new Date(anchor + step.offsetDays * DAY_MS).toISOString(),
  }));
  const now = context.now.getTime();
  const scheduledAt = context.now.toISOString();
  // Scheduled late (an old quote when the engine starts, a log replayed): of the
  // steps already due, only the last is sent, not a burst of reminders at once.
  const overtaken = plans.filter((plan, index) => index + 1 < plans.length && Date.parse(plans[index + 1]!.dueAt) <= now);
  return [
    { type: 'FollowUpScheduled', data: { ...ref, anchorAt, ownerId, language: command.data.language, steps: plans, scheduledAt } },
    ...overtaken.map(
      (plan): FollowUpEvent => ({
        type: 'FollowUpStepSkipped',
        data: { ...ref, step: plan.step, reason: 'OVERTAKEN', skippedAt: scheduledAt, skippedBy: context.actorId },
      }),
    ),
  ];
};

const validSteps = (raw: ScheduleFollowUp['data']['steps']): { offsetDays: number; mode: FollowUpMode }[] => {
  if (raw.length === 0) throw new InvalidInput('steps', 'must have at least one step');
  if (raw.length > FOLLOW_UP_STEPS_MAX) throw new InvalidInput('steps', `must have at most ${FOLLOW_UP_STEPS_MAX} steps`);
  return raw.map((step, index) => {
    const field = `steps[${index}]`;
    if (!Number.isInteger(step.offsetDays) || Math.abs(step.offsetDays) > FOLLOW_UP_OFFSET_MAX_DAYS) {
      throw new InvalidInput(`${field}.offsetDays`, `must be a whole number of days between -${FOLLOW_UP_OFFSET_MAX_DAYS} and ${FOLLOW_UP_OFFSET_MAX_DAYS}`);
    }
    if (index > 0 && step.offsetDays <= raw[index - 1]!.offsetDays) {
      throw new InvalidInput(`${field}.offsetDays`, 'must be later than the step before');
    }
    return { offsetDays: step.offsetDays, mode: oneOf(`${field}.mode`, step.mode, followUpModes) };
  });
};

type Active = FollowUpFacts & { readonly status: 'active' };

/** The follow-up, active, in the cycle the command names. */
const activeCycle = (state: FollowUpState, followUpId: string, cycle: number, verb: string): Active => {
  if (state.status === 'none') throw new NotFound('follow-up', followUpId);
  if (state.cycle !== cycle) throw new DomainRuleViolated(`follow-up ${followUpId}: cycle ${cycle} is over (now ${state.cycle}): nothing in it can be ${verb}`);
  if (state.status === 'cancelled') throw new DomainRuleViolated(`follow-up ${followUpId} was cancelled: nothing in it can be ${verb}`);
  return state;
};

const stepOf = (state: FollowUpFacts, number: number): FollowUpStepState => {
  const step = state.steps.find((candidate) => candidate.step === number);
  if (step === undefined) throw new InvalidInput('step', `follow-up ${state.followUpId} has steps 1 to ${state.steps.length}`);
  return step;
};

const decideSend = (command: DecideFollowUpSend, state: FollowUpState, context: CommandContext): FollowUpEvent[] => {
  const { followUpId, cycle } = command.data;
  const active = activeCycle(state, followUpId, cycle, 'sent');
  const step = stepOf(active, command.data.step);
  const name = `follow-up ${followUpId} step ${step.step}`;
  // Exactly once: a second decision would be a second mail.
  if (step.status === 'decided' || step.status === 'sent') throw new DomainRuleViolated(`${name}: its sending was decided already (${step.messageId})`);
  if (step.status === 'skipped') throw new DomainRuleViolated(`${name} was skipped`);
  if (step.mode === 'APPROVAL' && step.status !== 'approved') throw new DomainRuleViolated(`${name} awaits approval`);
  if (Date.parse(step.dueAt) > context.now.getTime()) throw new DomainRuleViolated(`${name} is not due before ${step.dueAt}`);
  const pending = active.steps.find((earlier) => earlier.step < step.step && !isSettled(earlier));
  if (pending !== undefined) throw new DomainRuleViolated(`${name}: step ${pending.step} is neither sent nor skipped`);
  const messageId = followUpMessageId(followUpId, cycle, step.step);
  return [{ type: 'FollowUpSendDecided', data: { ...refOf(active), step: step.step, messageId, decidedAt: context.now.toISOString() } }];
};

const recordSent = (command: RecordFollowUpSent, state: FollowUpState, context: CommandContext): FollowUpEvent[] => {
  if (state.status === 'none') throw new NotFound('follow-up', command.data.followUpId);
  if (state.cycle !== command.data.cycle) return [];
  const step = stepOf(state, command.data.step);
  if (step.status === 'sent') return [];
  if (step.status !== 'decided') throw new DomainRuleViolated(`follow-up ${state.followUpId} step ${step.step}: no sending was decided`);
  const recipients = command.data.recipients;
  if (!Number.isInteger(recipients) || recipients < 0) throw new InvalidInput('recipients', 'must be a count');
  return [{ type: 'FollowUpStepSent', data: { ...refOf(state), step: step.step, messageId: step.messageId!, recipients, sentAt: context.now.toISOString() } }];
};

const recordFailure = (command: RecordFollowUpFailure, state: FollowUpState, context: CommandContext): FollowUpEvent[] => {
  if (state.status === 'none') throw new NotFound('follow-up', command.data.followUpId);
  if (state.cycle !== command.data.cycle) return [];
  const step = stepOf(state, command.data.step);
  if (step.status !== 'decided') return [];
  const error = command.data.error.slice(0, 100);
  return [
    {
      type: 'FollowUpStepFailed',
      data: { ...refOf(state), step: step.step, messageId: step.messageId!, error, attempt: step.failures + 1, failedAt: context.now.toISOString() },
    },
  ];
};

const skip = (command: SkipFollowUpStep, state: FollowUpState, context: CommandContext): FollowUpEvent[] => {
  const reason = oneOf('reason', command.data.reason, followUpSkipReasons);
  const active = activeCycle(state, command.data.followUpId, command.data.cycle, 'skipped');
  const step = stepOf(active, command.data.step);
  const name = `follow-up ${active.followUpId} step ${step.step}`;
  if (step.status === 'skipped') return [];
  if (step.status === 'sent') throw new DomainRuleViolated(`${name} was sent`);
  // Decided and not failed: the mail may be on its way; skipping would not stop it.
  if (step.status === 'decided' && step.failures === 0) throw new DomainRuleViolated(`${name} is being sent`);
  return [{ type: 'FollowUpStepSkipped', data: { ...refOf(active), step: step.step, reason, skippedAt: context.now.toISOString(), skippedBy: context.actorId } }];
};

const snooze = (command: SnoozeFollowUpStep, state: FollowUpState, context: CommandContext): FollowUpEvent[] => {
  const until = isoInstant('until', command.data.until);
  if (Date.parse(until) <= context.now.getTime()) throw new InvalidInput('until', 'must be in the future');
  const active = activeCycle(state, command.data.followUpId, command.data.cycle, 'snoozed');
  const step = stepOf(active, command.data.step);
  if (step.status !== 'scheduled' && step.status !== 'approved') {
    throw new DomainRuleViolated(`follow-up ${active.followUpId} step ${step.step} is ${step.status}: it cannot be snoozed`);
  }
  if (step.dueAt === until) return [];
  return [{ type: 'FollowUpStepSnoozed', data: { ...refOf(active), step: step.step, until, snoozedAt: context.now.toISOString(), snoozedBy: context.actorId } }];
};

/** The parts an approval replaces; null when it replaces none (absent in approvals recorded before edits were possible). */
const overrideOf = (data: { readonly subject?: string | null; readonly text?: string | null; readonly html?: string | null }): FollowUpMailOverride | null => {
  const override = { subject: data.subject ?? null, text: data.text ?? null, html: data.html ?? null };
  return override.subject === null && override.text === null && override.html === null ? null : override;
};

const sameOverride = (a: FollowUpMailOverride | null, b: FollowUpMailOverride | null): boolean =>
  a === b || (a !== null && b !== null && a.subject === b.subject && a.text === b.text && a.html === b.html);

/**
 * An edited mail is checked like a policy's template, part by part, so a typo
 * in a `{VARIABLE}` fails in front of the approver, naming the part
 * (`subject`, `text`, `html`), not in the client's inbox. A blank HTML part is
 * no HTML part.
 */
const validOverride = (data: ApproveFollowUpStep['data']): FollowUpMailOverride | null => {
  const html = data.html?.trim() === '' ? null : (data.html ?? null);
  const override = overrideOf({ subject: data.subject, text: data.text, html });
  if (override === null) return null;
  // The parts not given stand in for the template's, which was checked when the policy was read.
  const placeholder = 'unchanged';
  try {
    validateTemplate({ subject: override.subject ?? placeholder, text: override.text ?? placeholder, html: override.html ?? undefined }, 'mail');
  } catch (error) {
    if (!(error instanceof InvalidInput)) throw error;
    const field = error.field.replace(/^mail\./, '');
    throw new InvalidInput(field, error.message.slice(error.field.length + 2));
  }
  return override;
};

const approve = (command: ApproveFollowUpStep, state: FollowUpState, context: CommandContext): FollowUpEvent[] => {
  const override = validOverride(command.data);
  const active = activeCycle(state, command.data.followUpId, command.data.cycle, 'approved');
  const step = stepOf(active, command.data.step);
  const name = `follow-up ${active.followUpId} step ${step.step}`;
  if (step.mode !== 'APPROVAL') throw new DomainRuleViolated(`${name} is sent without approval (AUTO)`);
  if (step.status === 'skipped') throw new DomainRuleViolated(`${name} was skipped`);
  // The same approval again changes nothing; once the mail is on its way, its text is what it is.
  if (step.status !== 'scheduled' && sameOverride(step.override, override)) return [];
  if (step.status === 'decided' || step.status === 'sent') throw new DomainRuleViolated(`${name} is ${step.status === 'sent' ? 'sent' : 'being sent'}: its mail can no longer be edited`);
  return [
    {
      type: 'FollowUpStepApproved',
      data: {
        ...refOf(active),
        step: step.step,
        approvedAt: context.now.toISOString(),
        approvedBy: context.actorId,
        subject: override?.subject ?? null,
        text: override?.text ?? null,
        html: override?.html ?? null,
      },
    },
  ];
};

const cancel = (command: CancelFollowUp, state: FollowUpState, context: CommandContext): FollowUpEvent[] => {
  const reason = oneOf('reason', command.data.reason, followUpCancelReasons);
  // Nothing planned, cancelled already, or every step settled: nothing left to stop.
  if (state.status !== 'active' || state.steps.every(isSettled)) return [];
  return [{ type: 'FollowUpCancelled', data: { ...refOf(state), reason, cancelledAt: context.now.toISOString(), cancelledBy: context.actorId } }];
};

const decide = (command: FollowUpCommand, state: FollowUpState, context: CommandContext): FollowUpEvent[] => {
  switch (command.type) {
    case 'ScheduleFollowUp':
      return schedule(command, state, context);
    case 'DecideFollowUpSend':
      return decideSend(command, state, context);
    case 'RecordFollowUpSent':
      return recordSent(command, state, context);
    case 'RecordFollowUpFailure':
      return recordFailure(command, state, context);
    case 'SkipFollowUpStep':
      return skip(command, state, context);
    case 'SnoozeFollowUpStep':
      return snooze(command, state, context);
    case 'ApproveFollowUpStep':
      return approve(command, state, context);
    case 'CancelFollowUp':
      return cancel(command, state, context);
    default: {
      const unreachable: never = command;
      return unreachable;
    }
  }
};

export const followUpDecider: Decider<FollowUpState, FollowUpCommand, FollowUpEvent> = { initialState, evolve, decide };
