import { createHash } from 'node:crypto';
import { describe, expect, it } from '@jest/globals';
import { emptyMetricsFacts, type MetricsFactsEntry } from '#projections';
import { buildConversionReport, renderConversionReportHtml } from './conversion-report.js';
import { escapeHtml, inlineScriptSource, jsonForScript } from './html.js';

const DAY_MS = 86_400_000;
const at = (iso: string, days = 0): string => new Date(Date.parse(iso) + days * DAY_MS).toISOString();

/** A prospect registered at `registeredAt`, owned by `ownerId`, with what the test adds. */
const prospect = (id: string, registeredAt: string, ownerId: string, more: Partial<MetricsFactsEntry> = {}): MetricsFactsEntry => ({
  ...emptyMetricsFacts(id),
  registeredAt,
  roles: ['PROSPECT'],
  wasProspect: true,
  prospectStatus: 'NEW',
  ownerId,
  convertedOwnerId: more.convertedAt ? ownerId : null,
  ...more,
});

const converted = (registeredAt: string, firstExchangeDays: number, convertedDays: number): Partial<MetricsFactsEntry> => ({
  roles: ['CUSTOMER'],
  convertedAt: at(registeredAt, convertedDays),
  firstExchangeAt: at(registeredAt, firstExchangeDays),
  msSinceFirstExchange: (convertedDays - firstExchangeDays) * DAY_MS,
  exchanges: [{ id: 'x', at: at(registeredAt, firstExchangeDays) }],
});

/**
 * Five prospects, hand-counted: registered in January (a, b, c) and February
 * (d, e) 2026; a converts 5 days after its first exchange (in January), b 40
 * days after (in March), c and d never, e was archived before the period.
 */
const facts: MetricsFactsEntry[] = [
  prospect('a', '2026-01-05T00:00:00.000Z', 'u1', converted('2026-01-05T00:00:00.000Z', 1, 6)),
  prospect('b', '2026-01-20T00:00:00.000Z', 'u1', converted('2026-01-20T00:00:00.000Z', 2, 42)),
  prospect('c', '2026-01-25T00:00:00.000Z', 'u2', {
    exchanges: [{ id: 'y', at: '2026-02-01T00:00:00.000Z' }],
    documents: [{ id: 'q', type: 'QUOTE', issuedAt: '2026-02-02T00:00:00.000Z', status: 'SENT', succeededAt: null, steps: [] }],
  }),
  prospect('d', '2026-02-10T00:00:00.000Z', 'u2'),
  prospect('e', '2025-06-01T00:00:00.000Z', 'u2', { archivedAt: '2025-12-01T00:00:00.000Z' }),
];

const period = { from: new Date('2026-01-01T00:00:00Z'), to: new Date('2026-07-01T00:00:00Z') };

describe('the conversion report', () => {
  const report = buildConversionReport({
    facts,
    period,
    asOf: new Date('2026-04-15T00:00:00Z'),
    generatedAt: new Date('2026-11-23T00:00:00Z'),
    ownerNames: new Map([['u1', 'Claire Martin']]),
  });

  it('cuts the funnel from the prospects in play, as conversionMetrics counts them', () => {
    expect(report.total).toMatchObject({ prospects: 4, conversions: 2, conversionRate: 0.5 });
    expect(report.funnel.map((s) => [s.stage, s.count, s.share])).toEqual([
      ['Prospects in play', 4, 1],
      ['With an exchange', 3, 0.75],
      ['With a quote', 1, 0.25],
      ['Converted in the period', 2, 0.5],
    ]);
  });

  it('distributes the times to convert into buckets that add up to the conversions counted', () => {
    expect(report.timeToConvert.buckets.filter((b) => b.count > 0).map((b) => [b.label, b.count])).toEqual([
      ['0–7 days', 1],
      ['30–60 days', 1],
    ]);
    expect(report.timeToConvert.buckets.reduce((sum, b) => sum + b.count, 0)).toBe(report.timeToConvert.stats.count);
    expect(report.timeToConvert.stats).toEqual({ count: 2, medianDays: 22.5, p75Days: 31.25, meanDays: 22.5 });
  });

  it('names the owners it knows, and shows the ids of the others', () => {
    expect(report.owners.map((o) => [o.label, o.prospects, o.conversions, o.conversionRate])).toEqual([
      ['Claire Martin', 2, 2, 1],
      ['u2', 2, 0, 0],
    ]);
  });

  it('counts cohorts by month of registration, cumulatively, blank past the report instant', () => {
    // From January to April (the as-of month): four columns.
    expect(report.cohortMonths).toBe(4);
    expect(report.cohorts).toEqual([
      { month: '2026-01', prospects: 3, convertedBy: [1, 1, 2, 2] },
      { month: '2026-02', prospects: 1, convertedBy: [0, 0, 0, null] },
    ]);
  });

  it('renders a page whose CSP admits exactly its inline scripts, with values escaped', () => {
    const library = { name: 'Chart.js', version: '4.6.1', source: 'window.Chart = function () {}; var s = "</script><!--";' };
    const named = buildConversionReport({ facts, period, asOf: null, generatedAt: new Date('2026-11-23T00:00:00Z'), ownerNames: new Map([['u1', '<b>Claire</b>']]) });
    const html = renderConversionReportHtml(named, library);
    const scripts = [...html.matchAll(/<script>([\s\S]*?)<\/script>/g)].map((m) => m[1]!);
    expect(scripts).toHaveLength(2);
    expect(scripts[0]).toBe(inlineScriptSource(library.source));
    const csp = /script-src ([^;]+);/.exec(html.replaceAll('&#39;', "'"))![1]!;
    expect(csp).toBe(scripts.map((script) => `'sha256-${createHash('sha256').update(script).digest('base64')}'`).join(' '));
    expect(html).toContain('<td>&lt;b&gt;Claire&lt;/b&gt;</td>');
    expect(html).not.toContain('<b>Claire');
    const data = /<script type="application\/json" id="report-data">([\s\S]*?)<\/script>/.exec(html)![1]!;
    expect(JSON.parse(data)).toEqual(JSON.parse(JSON.stringify(named)));
  });
});

describe('values in HTML', () => {
  it('escapes text, and JSON so that no string closes its block', () => {
    expect(escapeHtml(`<a href="x">'&'</a>`)).toBe('&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;');
    const tricky = { s: '</script><!-- & \u2028\u2029' };
    const json = jsonForScript(tricky);
    expect(json).not.toMatch(/[<>&\u2028\u2029]/);
    expect(JSON.parse(json)).toEqual(tricky);
    expect(inlineScriptSource('a = "</SCRIPT>"; b = "<!--";')).toBe('a = "<\\/SCRIPT>"; b = "<\\!--";');
  });
});
