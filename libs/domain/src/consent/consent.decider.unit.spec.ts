import { describe, expect, it } from '@jest/globals';
import { deciderSpec, fixedContext, NOW } from '../testing/decider-spec.js';
import type { ConsentSubjectReference, RecordConsent } from './consent.commands.js';
import { CONSENT_CLOCK_SKEW_MS, consentDecider } from './consent.decider.js';
import type { ConsentRecorded } from './consent.events.js';
import { currentConsents } from './consent.rules.js';

const { given, fold } = deciderSpec(consentDecider);

const contact: ConsentSubjectReference = { kind: 'contact', id: 'c-1', status: 'active', underThirdParty: 'tp-1', person: true };

const record = (data: Partial<RecordConsent['data']> = {}): RecordConsent => ({
  type: 'RecordConsent',
  data: {
    subject: contact,
    purpose: 'MARKETING_EMAIL',
    channel: 'EMAIL',
    decision: 'GIVEN',
    at: '2026-03-01T18:00:00+01:00',
    method: 'FORM',
    evidence: { formId: 'newsletter-2026', ipAddress: '203.0.113.7', textShown: 'Yes, send me offers.' },
    ...data,
  },
});

const recorded = (data: Partial<ConsentRecorded['data']> = {}): ConsentRecorded => ({
  type: 'ConsentRecorded',
  data: {
    subjectKind: 'contact',
    subjectId: 'c-1',
    thirdPartyId: 'tp-1',
    purpose: 'MARKETING_EMAIL',
    channel: 'EMAIL',
    decision: 'GIVEN',
    expressedAt: '2026-03-01T17:00:00.000Z',
    method: 'FORM',
    evidence: { formId: 'newsletter-2026', ipAddress: '203.0.113.7', textShown: 'Yes, send me offers.', documentRef: null },
    recordedAt: NOW.toISOString(),
    recordedBy: 'user-1',
    ...data,
  },
});

describe('RecordConsent', () => {
  it('records a decision with when it was expressed (in UTC), how, the evidence, and who recorded it', () => {
    given([]).when(record(), fixedContext({ actorId: 'user-7' })).then([recorded({ recordedBy: 'user-7' })]);
  });

  it('records on a third party that is a person, scoped by its own id', () => {
    const subject: ConsentSubjectReference = { kind: 'thirdParty', id: 'tp-2', status: 'active', underThirdParty: 'tp-2', person: true };
    const [event] = given([]).when(record({ subject })).events();
    expect(event?.data).toMatchObject({ subjectKind: 'thirdParty', subjectId: 'tp-2', thirdPartyId: 'tp-2' });
  });

  it('records on an archived contact: a person who left may still object', () => {
    const [event] = given([]).when(record({ subject: { ...contact, status: 'archived' }, decision: 'OBJECTED' })).events();
    expect(event?.data.decision).toBe('OBJECTED');
  });

  it('keeps no evidence when none is given, or every field is blank', () => {
    expect(given([]).when(record({ evidence: null })).events()[0]?.data.evidence).toBeNull();
    expect(given([]).when(record({ evidence: { formId: '  ', textShown: '' } })).events()[0]?.data.evidence).toBeNull();
  });

  it('keeps an IPv6 address in its canonical form', () => {
    const [event] = given([]).when(record({ evidence: { ipAddress: '2001:DB8:0:0:0:0:0:1' } })).events();
    expect(event?.data.evidence).toEqual({ formId: null, ipAddress: '2001:db8::1', textShown: null, documentRef: null });
  });

  it('accepts an instant a little ahead of the clock (a form server running ahead), not more', () => {
    const ahead = (ms: number): string => new Date(NOW.getTime() + ms).toISOString();
    expect(given([]).when(record({ at: ahead(CONSENT_CLOCK_SKEW_MS) })).events()).toHaveLength(1);
    given([]).when(record({ at: ahead(CONSENT_CLOCK_SKEW_MS + 1) })).thenInvalid('at', /must not be in the future/);
  });

  it('is a no-op when the same decision at the same instant is recorded again', () => {
    given([recorded()]).when(record()).thenNothing();
    // Spelled in another offset, the instant is the same.
    given([recorded()]).when(record({ at: '2026-03-01T17:00:00Z' })).thenNothing();
  });

  it('records a new event for a new decision, another instant, channel or evidence', () => {
    expect(given([recorded()]).when(record({ decision: 'WITHDRAWN' })).events()).toHaveLength(1);
    expect(given([recorded()]).when(record({ at: '2026-03-01T18:00:01+01:00' })).events()).toHaveLength(1);
    expect(given([recorded()]).when(record({ channel: 'ANY' })).events()).toHaveLength(1);
    expect(given([recorded()]).when(record({ evidence: { documentRef: 'scan-0042' } })).events()).toHaveLength(1);
  });

  it('refuses an unknown subject as not found', () => {
    given([]).when(record({ subject: { ...contact, status: 'none', underThirdParty: null } })).thenNotFound('contact', 'c-1');
    const thirdParty: ConsentSubjectReference = { kind: 'thirdParty', id: 'tp-9', status: 'none', underThirdParty: null, person: true };
    given([]).when(record({ subject: thirdParty })).thenNotFound('third party', 'tp-9');
  });

  it('refuses a forgotten subject, even an identical retry', () => {
    given([recorded()]).when(record({ subject: { ...contact, status: 'forgotten' } })).thenViolates(/contact c-1 has been forgotten/);
  });

  it('refuses a company: consent is a person’s', () => {
    const company: ConsentSubjectReference = { kind: 'thirdParty', id: 'tp-3', status: 'active', underThirdParty: 'tp-3', person: false };
    given([]).when(record({ subject: company })).thenViolates(/is a company/);
  });

  it.each<[string, Partial<RecordConsent['data']>, string, string | RegExp]>([
    ['an unknown purpose', { purpose: 'SPAM' }, 'purpose', /must be one of MARKETING_EMAIL, /],
    ['an unknown channel', { channel: 'FAX' }, 'channel', /must be one of EMAIL, PHONE, SMS, POST, ANY/],
    ['an unknown decision', { decision: 'MAYBE' }, 'decision', /must be one of GIVEN, WITHDRAWN, OBJECTED/],
    ['an unknown method', { method: 'TELEPATHY' }, 'method', /must be one of FORM, /],
    ['an instant without offset', { at: '2026-03-01T18:00:00' }, 'at', /with an offset/],
    ['no instant', { at: '' }, 'at', /ISO-8601/],
    ['a day in the future', { at: '2026-03-03T09:30:00Z' }, 'at', /must not be in the future/],
    ['an IP address that is none', { evidence: { ipAddress: '999.1.1.1' } }, 'evidence.ipAddress', /IPv4 or IPv6/],
    ['an IPv6 zone id', { evidence: { ipAddress: 'fe80::1%eth0' } }, 'evidence.ipAddress', /IPv4 or IPv6/],
    ['a form id over 100 characters', { evidence: { formId: 'f'.repeat(101) } }, 'evidence.formId', /at most 100/],
    ['a text shown over 10,000 characters', { evidence: { textShown: 'x'.repeat(10_001) } }, 'evidence.textShown', /at most 10000/],
    ['a document reference with a line break', { evidence: { documentRef: 'a\nb' } }, 'evidence.documentRef', /line breaks/],
  ])('refuses %s, naming the field', (_label, data, field, message) => {
    given([]).when(record(data)).thenInvalid(field, message);
  });

  it('keeps the text shown on several lines, trimmed', () => {
    const [event] = given([]).when(record({ evidence: { textShown: '  I agree.\r\nUnsubscribe at any time.  ' } })).events();
    expect(event?.data.evidence?.textShown).toBe('I agree.\nUnsubscribe at any time.');
  });
});

describe('the consent state', () => {
  it('folds every decision, in recording order', () => {
    const later = recorded({ decision: 'WITHDRAWN', expressedAt: '2026-03-02T08:00:00.000Z', method: 'EMAIL', evidence: null });
    const state = fold([recorded(), later]);
    expect(state).toMatchObject({ status: 'recorded', subjectKind: 'contact', subjectId: 'c-1', thirdPartyId: 'tp-1' });
    expect(state.status === 'recorded' && state.decisions.map((d) => d.decision)).toEqual(['GIVEN', 'WITHDRAWN']);
  });

  it('has no current consent before any decision', () => {
    expect(currentConsents(fold([]))).toEqual([]);
  });

  it('holds, per purpose and channel, the decision expressed last — not the one recorded last', () => {
    const objection = recorded({ decision: 'OBJECTED', expressedAt: '2026-02-20T10:00:00.000Z', method: 'PHONE', evidence: null });
    // A paper form signed before the objection, entered after it.
    const paper = recorded({ decision: 'GIVEN', expressedAt: '2026-02-01T10:00:00.000Z', method: 'PAPER', evidence: null });
    const sms = recorded({ purpose: 'MARKETING_SMS', channel: 'SMS', expressedAt: '2026-01-01T10:00:00.000Z' });
    const newsletter = recorded({ purpose: 'NEWSLETTER', channel: 'ANY', expressedAt: '2026-01-01T10:00:00.000Z' });
    const current = currentConsents(fold([newsletter, objection, sms, paper]));
    expect(current.map((c) => `${c.purpose}:${c.channel}:${c.decision}:${c.method}`)).toEqual([
      'MARKETING_EMAIL:EMAIL:OBJECTED:PHONE',
      'MARKETING_SMS:SMS:GIVEN:FORM',
      'NEWSLETTER:ANY:GIVEN:FORM',
    ]);
  });

  it('on the same instant, the decision recorded last holds', () => {
    const withdrawn = recorded({ decision: 'WITHDRAWN' });
    expect(currentConsents(fold([recorded(), withdrawn]))[0]?.decision).toBe('WITHDRAWN');
    expect(currentConsents(fold([withdrawn, recorded()]))[0]?.decision).toBe('GIVEN');
  });
});
