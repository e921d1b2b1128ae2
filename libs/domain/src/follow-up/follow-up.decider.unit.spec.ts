import { describe, expect, it } from '@jest/globals';
import { DomainError } from '../shared/errors.js';
import { deciderSpec, fixedContext, NOW } from '../testing/decider-spec.js';
import type { FollowUpCommand, ScheduleFollowUp } from './follow-up.commands.js';
import { followUpDecider, followUpIdOf, followUpMessageId, isSettled, type FollowUpState } from './follow-up.decider.js';
import type { FollowUpEvent, FollowUpRef, FollowUpScheduled } from './follow-up.events.js';
import { followUpHoldDecider, holdVerdict } from './follow-up-hold.js';

const { given, fold } = deciderSpec(followUpDecider);
const DAY = 86_400_000;
const id = followUpIdOf('QUOTE_NO_RESPONSE', 'doc-1');
const ref: FollowUpRef = { followUpId: id, kind: 'QUOTE_NO_RESPONSE', thirdPartyId: 'tp-1', documentId: 'doc-1', cycle: 1 };
const at = (days: number): string => new Date(NOW.getTime() + days * DAY).toISOString();

const schedule = (data: Partial<ScheduleFollowUp['data']> = {}): ScheduleFollowUp => ({
  type: 'ScheduleFollowUp',
  data: {
    followUpId: id,
    kind: 'QUOTE_NO_RESPONSE',
    thirdPartyId: 'tp-1',
    documentId: 'doc-1',
    anchorAt: at(-1),
    ownerId: 'user-7',
    language: 'fr',
    steps: [
      { offsetDays: 3, mode: 'AUTO' },
      { offsetDays: 7, mode: 'APPROVAL' },
      { offsetDays: 14, mode: 'AUTO' },
    ],
    ...data,
  },
});
const scheduled: FollowUpScheduled = {
  type: 'FollowUpScheduled',
  data: {
    ...ref,
    anchorAt: at(-1),
    ownerId: 'user-7',
    language: 'fr',
    steps: [
      { step: 1, mode: 'AUTO', dueAt: at(2) },
      { step: 2, mode: 'APPROVAL', dueAt: at(6) },
      { step: 3, mode: 'AUTO', dueAt: at(13) },
    ],
    scheduledAt: NOW.toISOString(),
  },
};
const stepRef = (step: number, cycle = 1) => ({ followUpId: id, cycle, step });
const decideSend = (step: number): FollowUpCommand => ({ type: 'DecideFollowUpSend', data: stepRef(step) });
const later = (days: number) => fixedContext({ now: new Date(NOW.getTime() + days * DAY), actorId: 'automation', source: 'automation' });
const decided = (step: number, days: number): FollowUpEvent => ({
  type: 'FollowUpSendDecided',
  data: { ...ref, step, messageId: followUpMessageId(id, 1, step), decidedAt: at(days) },
});
const sent = (step: number, days: number): FollowUpEvent => ({
  type: 'FollowUpStepSent',
  data: { ...ref, step, messageId: followUpMessageId(id, 1, step), recipients: 1, sentAt: at(days) },
});

describe('ScheduleFollowUp', () => {
  it('plans each step from the anchor', () => {
    given([]).when(schedule()).then([scheduled]);
  });

  it('does nothing for the same or an older anchor, and starts a new cycle for a newer one', () => {
    given([scheduled]).when(schedule()).thenNothing();
    given([scheduled]).when(schedule({ anchorAt: at(-2) })).thenNothing();
    const [event] = given([scheduled]).when(schedule({ anchorAt: at(0) })).events();
    expect(event).toMatchObject({ type: 'FollowUpScheduled', data: { cycle: 2, anchorAt: at(0) } });
  });

  it('skips the steps overtaken by a later one already due, so a late start sends one reminder, not three', () => {
    const events = given([]).when(schedule({ anchorAt: at(-8) })).events();
    expect(events.map((event) => event.type)).toEqual(['FollowUpScheduled', 'FollowUpStepSkipped']);
    expect(events[1]?.data).toMatchObject({ step: 1, reason: 'OVERTAKEN' });
  });

  it('refuses steps out of order, offsets out of range, and a document on a prospect follow-up', () => {
    given([]).when(schedule({ steps: [{ offsetDays: 7, mode: 'AUTO' }, { offsetDays: 3, mode: 'AUTO' }] })).thenInvalid('steps[1].offsetDays');
    given([]).when(schedule({ steps: [{ offsetDays: 1.5, mode: 'AUTO' }] })).thenInvalid('steps[0].offsetDays');
    given([]).when(schedule({ steps: [] })).thenInvalid('steps');
    given([]).when(schedule({ kind: 'INACTIVE_PROSPECT' })).thenInvalid('documentId');
    given([]).when(schedule({ anchorAt: 'yesterday' })).thenInvalid('anchorAt');
  });

  it('reminds before the anchor with negative offsets', () => {
    const [event] = given([]).when(schedule({ kind: 'UNPAID_INVOICE', anchorAt: at(10), steps: [{ offsetDays: -3, mode: 'AUTO' }] })).events();
    expect(event).toMatchObject({ data: { steps: [{ step: 1, dueAt: at(7) }] } });
  });
});

describe('DecideFollowUpSend', () => {
  it('records the decision with a stable Message-ID once the step is due', () => {
    given([scheduled]).when(decideSend(1), later(2)).then([decided(1, 2)]);
    expect(followUpMessageId(id, 1, 1)).toBe(`<followup.QUOTE-NO-RESPONSE-doc-1.c1.s1@suivi>`);
  });

  it('refuses a second decision for the same step: exactly one mail per step', () => {
    given([scheduled, decided(1, 2)]).when(decideSend(1), later(3)).thenViolates(/decided already/);
    given([scheduled, decided(1, 2), sent(1, 2)]).when(decideSend(1), later(3)).thenViolates(/decided already/);
  });

  it('refuses a step before it is due, before the step before it settles, or awaiting approval', () => {
    given([scheduled]).when(decideSend(1), later(1)).thenViolates(/not due before/);
    given([scheduled]).when(decideSend(3), later(20)).thenViolates(/step 1 is neither sent nor skipped/);
    given([scheduled, decided(1, 2), sent(1, 2)]).when(decideSend(2), later(7)).thenViolates(/awaits approval/);
  });

  it('sends an approved step once the one before was sent', () => {
    const approved: FollowUpEvent = { type: 'FollowUpStepApproved', data: { ...ref, step: 2, approvedAt: at(6), approvedBy: 'user-2' } };
    given([scheduled, decided(1, 2), sent(1, 2), approved]).when(decideSend(2), later(7)).then([decided(2, 7)]);
  });

  it('refuses anything in a cancelled follow-up or a finished cycle', () => {
    const cancelled: FollowUpEvent = { type: 'FollowUpCancelled', data: { ...ref, reason: 'DOCUMENT_CLOSED', cancelledAt: at(1), cancelledBy: 'automation' } };
    given([scheduled, cancelled]).when(decideSend(1), later(2)).thenViolates(/cancelled/);
    given([scheduled]).when({ type: 'DecideFollowUpSend', data: stepRef(1, 2) }, later(2)).thenViolates(/cycle 2 is over/);
  });
});

describe('ApproveFollowUpStep', () => {
  const approve = (edit: { subject?: string | null; text?: string | null; html?: string | null } = {}): FollowUpCommand => ({
    type: 'ApproveFollowUpStep',
    data: { ...stepRef(2), ...edit },
  });
  const approval = (edit: { subject?: string | null; text?: string | null; html?: string | null } = {}): FollowUpEvent => ({
    type: 'FollowUpStepApproved',
    data: { ...ref, step: 2, approvedAt: NOW.toISOString(), approvedBy: 'user-1', subject: null, text: null, html: null, ...edit },
  });
  const stepTwo = (events: FollowUpEvent[]) => {
    const state = fold(events);
    return state.status === 'none' ? undefined : state.steps[1];
  };

  it('approves the step as the template has it, once', () => {
    given([scheduled]).when(approve()).then([approval()]);
    given([scheduled, approval()]).when(approve()).thenNothing();
    expect(stepTwo([scheduled, approval()])).toMatchObject({ status: 'approved', override: null });
  });

  it('records the mail the approver edited in the approval, and the step keeps it to be sent', () => {
    const edit = { subject: 'Your quote {DOCUMENT_REF}, as discussed', text: 'Dear {CONTACT_FIRST_NAME}, as agreed on the phone…' };
    given([scheduled]).when(approve(edit)).then([approval(edit)]);
    expect(stepTwo([scheduled, approval(edit)])?.override).toEqual({ ...edit, html: null });
    // An approval recorded before edits existed has no override fields: it sends the template.
    const old: FollowUpEvent = { type: 'FollowUpStepApproved', data: { ...ref, step: 2, approvedAt: at(6), approvedBy: 'user-2' } };
    expect(stepTwo([scheduled, old])?.override).toBeNull();
  });

  it('replaces the edits when approved again before the mail leaves, and refuses an edit once it is on its way', () => {
    const first = { text: 'First draft' };
    given([scheduled, approval(first)]).when(approve(first)).thenNothing();
    given([scheduled, approval(first)]).when(approve({ text: 'Second draft' })).then([approval({ text: 'Second draft' })]);
    const onItsWay = [scheduled, decided(1, 2), sent(1, 2), approval(first), decided(2, 7)];
    given(onItsWay).when(approve(first)).thenNothing();
    given(onItsWay).when(approve({ text: 'Too late' })).thenViolates(/being sent: its mail can no longer be edited/);
  });

  it('refuses an unknown {VARIABLE}, an empty or multi-line subject, naming the part', () => {
    given([scheduled]).when(approve({ subject: 'Your quote {DOCUMENT_NUMBER}' })).thenInvalid('subject', /unknown variable \{DOCUMENT_NUMBER\}/);
    given([scheduled]).when(approve({ text: 'Dear {CONTACT_FIRSTNAME}' })).thenInvalid('text', /\{CONTACT_FIRSTNAME\}/);
    given([scheduled]).when(approve({ html: '<p>{AMOUNT_PAID}</p>' })).thenInvalid('html', /\{AMOUNT_PAID\}/);
    given([scheduled]).when(approve({ subject: '  ' })).thenInvalid('subject', /must not be empty/);
    given([scheduled]).when(approve({ subject: 'Two\nlines' })).thenInvalid('subject', /single line/);
  });

  it('refuses to approve an AUTO step or a skipped one', () => {
    given([scheduled]).when({ type: 'ApproveFollowUpStep', data: stepRef(1) }).thenViolates(/without approval/);
    const skipped: FollowUpEvent = { type: 'FollowUpStepSkipped', data: { ...ref, step: 2, reason: 'MANUAL', skippedAt: at(1), skippedBy: 'user-2' } };
    given([scheduled, skipped]).when(approve({ text: 'x' })).thenViolates(/was skipped/);
  });
});

describe('sent, failed, skipped, snoozed, cancelled', () => {
  it('records a sending once, and a failure only while the step is on its way', () => {
    given([scheduled, decided(1, 2)]).when({ type: 'RecordFollowUpSent', data: { ...stepRef(1), recipients: 1 } }, later(2)).then([sent(1, 2)]);
    given([scheduled, decided(1, 2), sent(1, 2)]).when({ type: 'RecordFollowUpSent', data: { ...stepRef(1), recipients: 1 } }).thenNothing();
    given([scheduled]).when({ type: 'RecordFollowUpSent', data: { ...stepRef(1), recipients: 1 } }).thenViolates(/no sending was decided/);
    const [failure] = given([scheduled, decided(1, 2)]).when({ type: 'RecordFollowUpFailure', data: { ...stepRef(1), error: 'SMTP_ERROR' } }).events();
    expect(failure).toMatchObject({ type: 'FollowUpStepFailed', data: { attempt: 1, messageId: followUpMessageId(id, 1, 1) } });
  });

  it('skips a step not yet on its way, and a failed one, never one being sent', () => {
    const skip = (reason: 'CONSENT' | 'MANUAL' = 'CONSENT'): FollowUpCommand => ({ type: 'SkipFollowUpStep', data: { ...stepRef(1), reason } });
    const [event] = given([scheduled]).when(skip()).events();
    expect(event).toMatchObject({ type: 'FollowUpStepSkipped', data: { step: 1, reason: 'CONSENT' } });
    given([scheduled, decided(1, 2)]).when(skip('MANUAL')).thenViolates(/is being sent/);
    const failed: FollowUpEvent = { type: 'FollowUpStepFailed', data: { ...ref, step: 1, messageId: 'm', error: 'SMTP_ERROR', attempt: 1, failedAt: at(2) } };
    expect(given([scheduled, decided(1, 2), failed]).when(skip('MANUAL')).events()).toHaveLength(1);
  });

  it('snoozes a step to a later due instant', () => {
    const snooze: FollowUpCommand = { type: 'SnoozeFollowUpStep', data: { ...stepRef(1), until: at(5) } };
    const state = given([scheduled]).when(snooze).state() as Extract<FollowUpState, { status: 'active' }>;
    expect(state.steps[0]?.dueAt).toBe(at(5));
    given([scheduled]).when({ type: 'SnoozeFollowUpStep', data: { ...stepRef(1), until: at(-1) } }).thenInvalid('until');
  });

  it('cancels what is left, once', () => {
    const cancel: FollowUpCommand = { type: 'CancelFollowUp', data: { followUpId: id, reason: 'DOCUMENT_CLOSED' } };
    expect(given([scheduled]).when(cancel).events()).toMatchObject([{ type: 'FollowUpCancelled', data: { reason: 'DOCUMENT_CLOSED' } }]);
    given([]).when(cancel).thenNothing();
    expect(fold([scheduled, ...given([scheduled]).when(cancel).events()]).status).toBe('cancelled');
    given([scheduled, ...given([scheduled]).when(cancel).events()]).when(cancel).thenNothing();
  });
});

/** A small deterministic generator (mulberry32), so a failure replays with its seed. */
const random = (seed: number) => () => {
  seed = (seed + 0x6d2b79f5) | 0;
  let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
  t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
};

describe('generated histories', () => {
  it('never decide step n+1 before step n is sent or skipped, nor any step twice', () => {
    let decisions = 0;
    for (let seed = 1; seed <= 300; seed++) {
      const next = random(seed);
      const pick = <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)]!;
      let events: FollowUpEvent[] = [scheduled];
      let day = 0;
      for (let move = 0; move < 40; move++) {
        day += pick([0, 0, 1, 2, 5]);
        const step = pick([1, 2, 3]);
        const command = pick<FollowUpCommand>([
          decideSend(step),
          decideSend(step),
          { type: 'RecordFollowUpSent', data: { ...stepRef(step), recipients: 1 } },
          { type: 'RecordFollowUpFailure', data: { ...stepRef(step), error: 'SMTP_ERROR' } },
          { type: 'SkipFollowUpStep', data: { ...stepRef(step), reason: 'MANUAL' } },
          { type: 'ApproveFollowUpStep', data: stepRef(step) },
          { type: 'SnoozeFollowUpStep', data: { ...stepRef(step), until: at(day + 1) } },
        ]);
        const before = fold(events);
        let decidedNow: FollowUpEvent[] = [];
        try {
          decidedNow = followUpDecider.decide(command, before, later(day));
        } catch (error) {
          if (!(error instanceof DomainError)) throw error;
        }
        for (const event of decidedNow) {
          if (event.type !== 'FollowUpSendDecided') continue;
          decisions++;
          const steps = before.status === 'none' ? [] : before.steps;
          const earlier = steps.filter((candidate) => candidate.step < event.data.step);
          expect({ seed, unsettled: earlier.filter((candidate) => !isSettled(candidate)).map((candidate) => candidate.step) }).toEqual({ seed, unsettled: [] });
          expect({ seed, twice: events.some((old) => old.type === 'FollowUpSendDecided' && old.data.step === event.data.step) }).toEqual({ seed, twice: false });
        }
        events = [...events, ...decidedNow];
      }
    }
    // The histories reach later steps often enough for the check to mean something.
    expect(decisions).toBeGreaterThan(300);
  });
});

describe('follow-up holds', () => {
  const hold = deciderSpec(followUpHoldDecider);
  it('pauses until a date, blocks, resumes', () => {
    const paused = hold.given([]).when({ type: 'PauseFollowUps', data: { thirdPartyId: 'tp-1', until: at(3) } }).state();
    expect(holdVerdict(paused, NOW)).toBe('wait');
    expect(holdVerdict(paused, new Date(at(4)))).toBe('send');
    const blocked = hold.given([]).when({ type: 'BlockFollowUps', data: { thirdPartyId: 'tp-1' } }).state();
    expect(holdVerdict(blocked, NOW)).toBe('skip');
    hold.given([]).when({ type: 'PauseFollowUps', data: { thirdPartyId: 'tp-1', until: at(-1) } }).thenInvalid('until');
    hold.given([]).when({ type: 'ResumeFollowUps', data: { thirdPartyId: 'tp-1' } }).thenNothing();
  });
});
