import { describe, expect, it } from '@jest/globals';
import type { ConsentChannel, ConsentDecision, ConsentPurpose } from './consent.events.js';
import { mayContact, optInPurposes, type ConsentStanding } from './consent.rules.js';
import { consentPurposes } from './consent.events.js';

const standing = (purpose: ConsentPurpose, channel: ConsentChannel, decision: ConsentDecision, day = 10): ConsentStanding => ({
  purpose,
  channel,
  decision,
  expressedAt: `2026-02-${String(day).padStart(2, '0')}T09:00:00.000Z`,
});

describe('mayContact', () => {
  it('lets no follow-up e-mail go to a person who objected to follow-ups, by e-mail or on every channel', () => {
    expect(mayContact([standing('FOLLOW_UP_EMAIL', 'EMAIL', 'OBJECTED')], 'FOLLOW_UP_EMAIL', 'EMAIL')).toBe(false);
    expect(mayContact([standing('FOLLOW_UP_EMAIL', 'ANY', 'OBJECTED')], 'FOLLOW_UP_EMAIL', 'EMAIL')).toBe(false);
    // The objection is to follow-ups: a newsletter they asked for still goes.
    const consents = [standing('FOLLOW_UP_EMAIL', 'ANY', 'OBJECTED'), standing('NEWSLETTER', 'EMAIL', 'GIVEN')];
    expect(mayContact(consents, 'NEWSLETTER', 'EMAIL')).toBe(true);
  });

  it('sends follow-ups without any decision (legitimate interest), and after a consent', () => {
    expect(mayContact([], 'FOLLOW_UP_EMAIL', 'EMAIL')).toBe(true);
    expect(mayContact([standing('FOLLOW_UP_EMAIL', 'EMAIL', 'GIVEN')], 'FOLLOW_UP_EMAIL', 'EMAIL')).toBe(true);
    // An objection on another channel does not concern e-mail.
    expect(mayContact([standing('FOLLOW_UP_EMAIL', 'PHONE', 'OBJECTED')], 'FOLLOW_UP_EMAIL', 'EMAIL')).toBe(true);
  });

  it('reads a withdrawal as a refusal, for follow-ups too', () => {
    expect(mayContact([standing('FOLLOW_UP_EMAIL', 'EMAIL', 'WITHDRAWN')], 'FOLLOW_UP_EMAIL', 'EMAIL')).toBe(false);
    expect(mayContact([standing('MARKETING_EMAIL', 'EMAIL', 'WITHDRAWN')], 'MARKETING_EMAIL', 'EMAIL')).toBe(false);
  });

  it.each([...optInPurposes])('sends nothing for %s without a consent (opt-in)', (purpose) => {
    expect(mayContact([], purpose, 'EMAIL')).toBe(false);
    expect(mayContact([standing(purpose, 'EMAIL', 'GIVEN')], purpose, 'EMAIL')).toBe(true);
    expect(mayContact([standing(purpose, 'ANY', 'GIVEN')], purpose, 'SMS')).toBe(true);
    // A consent on one channel is not one on another.
    expect(mayContact([standing(purpose, 'POST', 'GIVEN')], purpose, 'EMAIL')).toBe(false);
  });

  it('treats every purpose but follow-ups as opt-in', () => {
    expect(consentPurposes.filter((purpose) => !optInPurposes.has(purpose))).toEqual(['FOLLOW_UP_EMAIL']);
  });

  it('a consent on another purpose is no consent', () => {
    expect(mayContact([standing('NEWSLETTER', 'EMAIL', 'GIVEN')], 'MARKETING_EMAIL', 'EMAIL')).toBe(false);
  });

  it('a refusal on every channel blocks a consent given on one channel before it', () => {
    const consents = [standing('MARKETING_EMAIL', 'EMAIL', 'GIVEN', 1), standing('MARKETING_EMAIL', 'ANY', 'OBJECTED', 5)];
    expect(mayContact(consents, 'MARKETING_EMAIL', 'EMAIL')).toBe(false);
  });

  it('a consent on one channel given after a refusal on every channel lifts it for that channel only', () => {
    const consents = [standing('NEWSLETTER', 'ANY', 'OBJECTED', 1), standing('NEWSLETTER', 'EMAIL', 'GIVEN', 5)];
    expect(mayContact(consents, 'NEWSLETTER', 'EMAIL')).toBe(true);
    expect(mayContact(consents, 'NEWSLETTER', 'SMS')).toBe(false);
    // Expressed at the same instant: when in doubt, do not send.
    expect(mayContact([standing('NEWSLETTER', 'ANY', 'OBJECTED', 5), standing('NEWSLETTER', 'EMAIL', 'GIVEN', 5)], 'NEWSLETTER', 'EMAIL')).toBe(false);
  });

  it('a consent on every channel never lifts a refusal on one channel', () => {
    const consents = [standing('MARKETING_SMS', 'SMS', 'OBJECTED', 1), standing('MARKETING_SMS', 'ANY', 'GIVEN', 5)];
    expect(mayContact(consents, 'MARKETING_SMS', 'SMS')).toBe(false);
    expect(mayContact(consents, 'MARKETING_SMS', 'PHONE')).toBe(true);
  });

  it('asked for no one channel, counts every channel’s refusal and needs a consent on every channel', () => {
    expect(mayContact([standing('PROFILING', 'ANY', 'GIVEN')], 'PROFILING', 'ANY')).toBe(true);
    expect(mayContact([standing('PROFILING', 'EMAIL', 'GIVEN')], 'PROFILING', 'ANY')).toBe(false);
    expect(mayContact([standing('PROFILING', 'ANY', 'GIVEN'), standing('PROFILING', 'EMAIL', 'OBJECTED')], 'PROFILING', 'ANY')).toBe(false);
    expect(mayContact([], 'FOLLOW_UP_EMAIL', 'ANY')).toBe(true);
  });
});
