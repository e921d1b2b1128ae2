import { describe, expect, it } from '@jest/globals';
import { renderSubjectExportHtml } from './subject-export.html.js';
import { SUBJECT_EXPORT_FORMAT, type SubjectExport } from './subject-export.js';

const hostile = `<img src=x onerror="alert('x')"> & "quotes"`;

const exported = (over: Partial<SubjectExport> = {}): SubjectExport => ({
  format: SUBJECT_EXPORT_FORMAT,
  generatedAt: '2026-03-02T09:30:00.000Z',
  subject: { kind: 'contact', id: 'c-1', status: 'active', thirdPartyId: 'tp-1', organisation: { thirdPartyId: 'tp-1', name: hostile } },
  profile: { firstName: hostile, lastName: 'Dupont', notes: null, [hostile]: 'a key' },
  changes: [
    { type: 'ContactAdded', at: '2026-03-01T00:00:00.000Z', by: 'user-1', source: 'api', position: '1', confidential: false, erased: false, data: { lastName: hostile } },
  ],
  consents: {
    current: [
      {
        purpose: 'NEWSLETTER',
        channel: 'EMAIL',
        decision: 'GIVEN',
        expressedAt: '2026-03-01T00:00:00.000Z',
        method: 'FORM',
        evidence: { formId: null, ipAddress: null, textShown: hostile, documentRef: null },
        recordedAt: '2026-03-01T00:00:00.000Z',
        recordedBy: 'user-1',
      },
    ],
    history: [],
  },
  exchanges: [],
  notes: [],
  documents: { recordedBySuivi: true, note: null, items: [] },
  followUps: { recordedBySuivi: false, note: 'Suivi does not record follow-ups yet.', items: [] },
  auditEntries: [],
  notices: [hostile],
  ...over,
});

describe('the export as an HTML page', () => {
  it('escapes every value, key and notice, and loads nothing', () => {
    const html = renderSubjectExportHtml(exported());
    expect(html).not.toContain('<img');
    expect(html).not.toContain(`"alert`);
    expect(html).toContain('&lt;img src=x onerror=&quot;alert(&#39;x&#39;)&quot;&gt; &amp; &quot;quotes&quot;');
    expect(html).not.toMatch(/<script|<[^>]*\b(?:src|href)=/);
    expect(html).toContain(`<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">`);
  });

  it('names the person in the title, and says what is empty or not recorded', () => {
    const html = renderSubjectExportHtml(exported({ profile: { firstName: 'Paul', lastName: 'Dupont' } }));
    expect(html).toContain('<title>Personal data export — Paul Dupont</title>');
    expect(html).toContain('<h2>Follow-ups</h2><p class="none">Suivi does not record follow-ups yet.</p>');
    expect(html).toContain('<h2>Exchanges</h2><p class="none">None.</p>');
  });

  it('marks confidential and erased events', () => {
    const event = { type: 'ExchangeLogged', at: '2026-03-01T00:00:00.000Z', by: 'user-1', source: 'api', position: '2', confidential: true, erased: true, data: {} };
    const html = renderSubjectExportHtml(exported({ exchanges: [{ id: 'x-1', current: null, confidential: true, events: [event] }] }));
    expect(html).toContain('<h3>x-1 <span class="badge">confidential</span></h3>');
    expect(html).toContain('ExchangeLogged <span class="badge">confidential</span> <span class="badge">erased</span>');
  });
});
