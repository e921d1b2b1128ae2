import { createHash } from 'node:crypto';
import { conversionMetrics, metricsBase, type ConversionGroup, type DurationStats, type MetricsFactsEntry, type MetricsPeriod } from '#projections';
import type { ChartLibrary } from './chart-library.js';
import { escapeHtml, inlineScriptSource, jsonForScript } from './html.js';

/**
 * The conversion report: what `suivi report conversion` computes from the
 * metrics facts (a pure step, tested on its own) and the self-contained page it
 * writes. The numbers are the metrics API's (conversionMetrics over
 * metricsBase); the report only adds how they are cut for charts: the funnel's
 * intermediate stages, the time-to-convert histogram and the cohorts.
 */

export interface ConversionReportInput {
  /** As read from the read model or replayed as of an instant; merges are resolved here. */
  readonly facts: readonly MetricsFactsEntry[];
  readonly period: MetricsPeriod;
  /** The instant the facts were replayed as of; null: the present. */
  readonly asOf: Date | null;
  readonly generatedAt: Date;
  /** Salespeople's names by user id; an owner without one shows its id. */
  readonly ownerNames?: ReadonlyMap<string, string>;
}

export interface FunnelStage {
  readonly stage: string;
  readonly count: number;
  /** count / prospects in play; null without prospects. */
  readonly share: number | null;
}

export interface HistogramBucket {
  readonly label: string;
  /** Days, inclusive. */
  readonly fromDays: number;
  /** Days, exclusive; null: no upper bound. */
  readonly toDays: number | null;
  readonly count: number;
}

export interface OwnerBar {
  readonly ownerId: string | null;
  readonly label: string;
  readonly prospects: number;
  readonly conversions: number;
  readonly conversionRate: number | null;
  readonly medianDays: number | null;
}

export interface CohortRow {
  /** The month the prospects were registered in, YYYY-MM (UTC). */
  readonly month: string;
  readonly prospects: number;
  /** Prospects of the cohort converted by the end of its month + k (cumulative); null for months not yet begun. */
  readonly convertedBy: readonly (number | null)[];
}

export interface ConversionReport {
  readonly period: { readonly from: string; readonly to: string };
  readonly asOf: string | null;
  readonly generatedAt: string;
  readonly total: ConversionGroup;
  readonly funnel: readonly FunnelStage[];
  readonly timeToConvert: { readonly stats: DurationStats; readonly buckets: readonly HistogramBucket[] };
  readonly owners: readonly OwnerBar[];
  /** Columns of the cohort table: months after the registration month (0 = that month). */
  readonly cohortMonths: number;
  readonly cohorts: readonly CohortRow[];
}

const DAY_MS = 86_400_000;
/** Twelve months after the registration month: past a year, a prospect's conversion is another story. */
const MAX_COHORT_MONTHS = 13;
const HISTOGRAM_DAYS: readonly [number, number | null][] = [
  [0, 7],
  [7, 14],
  [14, 30],
  [30, 60],
  [60, 90],
  [90, 180],
  [180, 365],
  [365, null],
];

const time = (iso: string | null): number | null => (iso === null ? null : Date.parse(iso));
const isBefore = (iso: string | null, instant: Date): boolean => iso !== null && Date.parse(iso) < instant.getTime();

/**
 * Prospects in play during the period, as conversionMetrics counts them (ever
 * a prospect, registered before its end, neither converted nor archived before
 * its start): the funnel's first stage must be its denominator. The report's
 * test checks that both count the same.
 */
const inPlay = (entry: MetricsFactsEntry, period: MetricsPeriod): boolean =>
  entry.wasProspect &&
  (entry.registeredAt === null || isBefore(entry.registeredAt, period.to)) &&
  !isBefore(entry.convertedAt, period.from) &&
  !isBefore(entry.archivedAt, period.from);

const convertedWithin = (entry: MetricsFactsEntry, period: MetricsPeriod): boolean => {
  const at = time(entry.convertedAt);
  return at !== null && at >= period.from.getTime() && at < period.to.getTime();
};

const monthOf = (at: number): { year: number; month: number } => {
  const date = new Date(at);
  return { year: date.getUTCFullYear(), month: date.getUTCMonth() };
};
const monthIndex = (m: { year: number; month: number }): number => m.year * 12 + m.month;
const monthLabel = (index: number): string => `${Math.floor(index / 12)}-${String((index % 12) + 1).padStart(2, '0')}`;

const ratio = (part: number, whole: number): number | null => (whole === 0 ? null : part / whole);

export function buildConversionReport(input: ConversionReportInput): ConversionReport {
  const { period } = input;
  const facts = metricsBase(input.facts, null);
  const metrics = conversionMetrics(facts, period, 'OWNER');
  const playing = facts.filter((entry) => inPlay(entry, period));
  const prospects = playing.length;
  const contacted = playing.filter((entry) => entry.exchanges.some((exchange) => isBefore(exchange.at, period.to))).length;
  const quoted = playing.filter((entry) => entry.documents.some((document) => document.type === 'QUOTE' && isBefore(document.issuedAt, period.to))).length;
  const converted = playing.filter((entry) => convertedWithin(entry, period));
  const funnel: FunnelStage[] = [
    { stage: 'Prospects in play', count: prospects, share: ratio(prospects, prospects) },
    { stage: 'With an exchange', count: contacted, share: ratio(contacted, prospects) },
    { stage: 'With a quote', count: quoted, share: ratio(quoted, prospects) },
    { stage: 'Converted in the period', count: metrics.total.conversions, share: metrics.total.conversionRate },
  ];
  const days = converted.flatMap((entry) => (entry.msSinceFirstExchange === null ? [] : [entry.msSinceFirstExchange / DAY_MS]));
  const buckets = HISTOGRAM_DAYS.map(([fromDays, toDays]) => ({
    label: toDays === null ? `${fromDays}+ days` : `${fromDays}–${toDays} days`,
    fromDays,
    toDays,
    count: days.filter((d) => d >= fromDays && (toDays === null || d < toDays)).length,
  }));
  const owners = metrics.groups.map((group) => ({
    ownerId: group.key,
    label: group.key === null ? '(no owner)' : (input.ownerNames?.get(group.key) ?? group.key),
    prospects: group.prospects,
    conversions: group.conversions,
    conversionRate: group.conversionRate,
    medianDays: group.timeToConvert.medianDays,
  }));
  // Cohorts: the prospects registered in the period, by month, and how many had converted month after month.
  const observedUntil = monthIndex(monthOf((input.asOf ?? input.generatedAt).getTime()));
  const byMonth = new Map<number, MetricsFactsEntry[]>();
  for (const entry of facts) {
    const registered = time(entry.registeredAt);
    if (!entry.wasProspect || registered === null || registered < period.from.getTime() || registered >= period.to.getTime()) continue;
    const index = monthIndex(monthOf(registered));
    byMonth.set(index, [...(byMonth.get(index) ?? []), entry]);
  }
  const months = [...byMonth.keys()].sort((a, b) => a - b);
  const cohortMonths = months.length === 0 ? 0 : Math.min(MAX_COHORT_MONTHS, observedUntil - months[0]! + 1);
  const cohorts = months.map((index) => {
    const members = byMonth.get(index)!;
    const conversionMonths = members.flatMap((entry) => {
      const at = time(entry.convertedAt);
      return at === null ? [] : [monthIndex(monthOf(at)) - index];
    });
    const convertedBy = Array.from({ length: cohortMonths }, (_, k) =>
      index + k > observedUntil ? null : conversionMonths.filter((offset) => offset <= k).length,
    );
    return { month: monthLabel(index), prospects: members.length, convertedBy };
  });
  return {
    period: { from: period.from.toISOString(), to: period.to.toISOString() },
    asOf: input.asOf?.toISOString() ?? null,
    generatedAt: input.generatedAt.toISOString(),
    total: metrics.total,
    funnel,
    timeToConvert: { stats: metrics.total.timeToConvert, buckets },
    owners,
    cohortMonths,
    cohorts,
  };
}

const percent = (value: number | null): string => (value === null ? '—' : `${(value * 100).toFixed(1)} %`);
const daysText = (value: number | null): string => (value === null ? '—' : `${value.toFixed(1)} d`);
const number = (value: number | null): string => (value === null ? '—' : value.toLocaleString('en-GB', { maximumFractionDigits: 2 }));

/**
 * Draws the charts from the JSON block. It holds no value of the report: the
 * data is read with JSON.parse, so nothing in it is ever evaluated as code, and
 * this script's hash is the same for every report (the CSP names it).
 */
const CHARTS_SCRIPT = `
(function () {
  'use strict';
  var data = JSON.parse(document.getElementById('report-data').textContent);
  var common = { animation: false, responsive: false, plugins: { legend: { display: false } } };
  function merge(a, b) { var out = {}; for (var k in a) out[k] = a[k]; for (var j in b) out[j] = b[j]; return out; }
  var charts = {};
  charts.funnel = new Chart(document.getElementById('funnel-chart'), {
    type: 'bar',
    data: { labels: data.funnel.map(function (s) { return s.stage; }), datasets: [{ label: 'Third parties', data: data.funnel.map(function (s) { return s.count; }), backgroundColor: ['#1f4e79', '#2e75b6', '#5b9bd5', '#70ad47'] }] },
    options: merge(common, { indexAxis: 'y', scales: { x: { beginAtZero: true, ticks: { precision: 0 } } } })
  });
  charts.timeToConvert = new Chart(document.getElementById('time-to-convert-chart'), {
    type: 'bar',
    data: { labels: data.timeToConvert.buckets.map(function (b) { return b.label; }), datasets: [{ label: 'Conversions', data: data.timeToConvert.buckets.map(function (b) { return b.count; }), backgroundColor: '#2e75b6' }] },
    options: merge(common, { scales: { y: { beginAtZero: true, ticks: { precision: 0 } } } })
  });
  charts.owners = new Chart(document.getElementById('owners-chart'), {
    type: 'bar',
    data: {
      labels: data.owners.map(function (o) { return o.label; }),
      datasets: [
        { label: 'Prospects in play', data: data.owners.map(function (o) { return o.prospects; }), backgroundColor: '#9dc3e6' },
        { label: 'Conversions', data: data.owners.map(function (o) { return o.conversions; }), backgroundColor: '#70ad47' }
      ]
    },
    options: merge(common, { plugins: { legend: { display: true } }, scales: { y: { beginAtZero: true, ticks: { precision: 0 } } } })
  });
  window.suiviCharts = charts;
  document.body.setAttribute('data-charts', 'drawn');
})();
`;

const STYLE = `
body { font: 14px/1.45 system-ui, sans-serif; color: #1b1b1b; margin: 2rem auto; max-width: 64rem; padding: 0 1rem; }
h1 { font-size: 1.5rem; margin-bottom: .25rem; } h2 { font-size: 1.15rem; margin-top: 2rem; }
.meta { color: #555; margin-top: 0; }
.figures { display: flex; flex-wrap: wrap; gap: 1rem; padding: 0; list-style: none; }
.figures li { border: 1px solid #ddd; border-radius: 4px; padding: .5rem .75rem; min-width: 9rem; }
.figures strong { display: block; font-size: 1.25rem; }
table { border-collapse: collapse; margin-top: .5rem; }
th, td { border: 1px solid #ddd; padding: .3rem .55rem; text-align: right; }
th:first-child, td:first-child { text-align: left; }
td.none { color: #999; }
canvas { max-width: 100%; }
`;

const sha256 = (text: string): string => createHash('sha256').update(text, 'utf8').digest('base64');

const table = (head: readonly string[], rows: readonly (readonly string[])[]): string =>
  `<table><thead><tr>${head.map((h) => `<th scope="col">${escapeHtml(h)}</th>`).join('')}</tr></thead><tbody>${rows
    .map((row) => `<tr>${row.map((cell) => (cell === '—' ? '<td class="none">—</td>' : `<td>${escapeHtml(cell)}</td>`)).join('')}</tr>`)
    .join('')}</tbody></table>`;

/**
 * The report as one HTML file: the charting library and the data inlined, no
 * external resource, and a Content-Security-Policy that allows exactly the two
 * inline scripts (by hash) and no connection, so the page works offline and
 * cannot call out. Every value is escaped where it lands: text in the tables,
 * JSON in a data block.
 */
export function renderConversionReportHtml(report: ConversionReport, library: ChartLibrary): string {
  const librarySource = inlineScriptSource(library.source);
  const csp = [
    "default-src 'none'",
    `script-src 'sha256-${sha256(librarySource)}' 'sha256-${sha256(CHARTS_SCRIPT)}'`,
    "style-src 'unsafe-inline'",
    'img-src data:',
    "base-uri 'none'",
    "form-action 'none'",
  ].join('; ');
  const { total } = report;
  const stats = report.timeToConvert.stats;
  const periodText = `${report.period.from} – ${report.period.to} (end excluded)`;
  const figures = [
    ['Prospects in play', number(total.prospects)],
    ['Conversions', number(total.conversions)],
    ['Conversion rate', percent(total.conversionRate)],
    ['Median time to convert', daysText(stats.medianDays)],
    ['75th percentile', daysText(stats.p75Days)],
    ['Mean time to convert', daysText(stats.meanDays)],
    ['Exchanges per conversion', number(total.exchangesPerConversion)],
  ];
  const cohortHead = ['Registered', 'Prospects', ...Array.from({ length: report.cohortMonths }, (_, k) => `M+${k}`)];
  const cohortRows = report.cohorts.map((row) => [
    row.month,
    String(row.prospects),
    ...row.convertedBy.map((count) => (count === null ? '—' : `${count} (${percent(ratio(count, row.prospects))})`)),
  ]);
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${escapeHtml(csp)}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="Suivi, ${escapeHtml(library.name)} ${escapeHtml(library.version)}">
<title>Conversion report ${escapeHtml(report.period.from.slice(0, 10))} – ${escapeHtml(report.period.to.slice(0, 10))}</title>
<style>${STYLE}</style>
</head>
<body>
<h1>Conversion report</h1>
<p class="meta">Period ${escapeHtml(periodText)}. ${
    report.asOf === null ? 'What Suivi knows now' : `What Suivi knew at ${escapeHtml(report.asOf)}`
  }; generated ${escapeHtml(report.generatedAt)}.</p>
<ul class="figures">${figures.map(([label, value]) => `<li>${escapeHtml(label!)}<strong>${escapeHtml(value!)}</strong></li>`).join('')}</ul>

<section id="funnel">
<h2>Conversion funnel</h2>
<p class="meta">Prospects in play during the period, those with an exchange and with a quote before its end, and those converted within it.</p>
<canvas id="funnel-chart" width="900" height="260" role="img" aria-label="Conversion funnel"></canvas>
${table(['Stage', 'Third parties', 'Share'], report.funnel.map((s) => [s.stage, String(s.count), percent(s.share)]))}
</section>

<section id="time-to-convert">
<h2>Time to convert</h2>
<p class="meta">From the first exchange to the conversion, for the conversions of the period that had an exchange (${escapeHtml(String(stats.count))}).</p>
<canvas id="time-to-convert-chart" width="900" height="300" role="img" aria-label="Time to convert distribution"></canvas>
</section>

<section id="owners">
<h2>Per owner</h2>
<p class="meta">The owner when the prospect converted, otherwise the current one.</p>
<canvas id="owners-chart" width="900" height="320" role="img" aria-label="Prospects and conversions per owner"></canvas>
${table(
  ['Owner', 'Prospects in play', 'Conversions', 'Conversion rate', 'Median time to convert'],
  report.owners.map((o) => [o.label, String(o.prospects), String(o.conversions), percent(o.conversionRate), daysText(o.medianDays)]),
)}
</section>

<section id="cohorts">
<h2>Cohorts</h2>
<p class="meta">Prospects registered in the period, by month of registration, and how many had converted by the end of each following month.</p>
${report.cohorts.length === 0 ? '<p class="meta">No prospect was registered in the period.</p>' : table(cohortHead, cohortRows)}
</section>

<script type="application/json" id="report-data">${jsonForScript(report)}</script>
<script>${librarySource}</script>
<script>${CHARTS_SCRIPT}</script>
</body>
</html>
`;
}
