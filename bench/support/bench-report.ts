import { formatNumber } from './stats.js';

export type Comparison = '>=' | '<=';

export interface Target {
  readonly comparison: Comparison;
  readonly value: number;
}

/**
 * pass/fail: compared with its target. measured: no target yet. not-compared:
 * this run is too small for the target to mean anything (tiny, or a figure
 * defined at 1,000,000 events). skipped/unavailable/error: no value, with why.
 */
export type FigureStatus = 'pass' | 'fail' | 'measured' | 'not-compared' | 'skipped' | 'unavailable' | 'error';

export interface FigureResult {
  readonly id: string;
  readonly figure: string;
  /** The headline number, in `unit`; null when there is none. */
  readonly value: number | null;
  readonly unit: string;
  /** How the value reads in the table, e.g. "p50 0.9 ms / p99 2.1 ms". */
  readonly display: string;
  readonly target: Target | null;
  readonly targetText: string;
  readonly status: FigureStatus;
  /** Why there is no value, or what limited it. */
  readonly note?: string;
  /** Raw measurements (every run, percentiles, counts) for latest.json. */
  readonly details?: Readonly<Record<string, unknown>>;
}

export interface FigureSpec {
  readonly id: string;
  readonly figure: string;
  readonly unit: string;
  readonly target: Target | null;
  readonly targetText: string;
  /** Targets stated at 1,000,000 events are only compared in a full run. */
  readonly fullSizeOnly?: boolean;
}

export function measured(
  spec: FigureSpec,
  value: number,
  display: string,
  compare: boolean,
  details?: Record<string, unknown>,
  note?: string,
): FigureResult {
  let status: FigureStatus = 'measured';
  if (spec.target !== null) {
    if (!compare) status = 'not-compared';
    else status = (spec.target.comparison === '>=' ? value >= spec.target.value : value <= spec.target.value) ? 'pass' : 'fail';
  }
  return { ...base(spec), value, display, status, ...(details ? { details } : {}), ...(note ? { note } : {}) };
}

export function withoutValue(spec: FigureSpec, status: 'skipped' | 'unavailable' | 'error', note: string, details?: Record<string, unknown>): FigureResult {
  const label = status === 'skipped' ? 'skipped' : status === 'unavailable' ? 'peer unavailable' : 'error';
  return { ...base(spec), value: null, display: `${label}: ${note}`, status, note, ...(details ? { details } : {}) };
}

const base = (spec: FigureSpec) => ({ id: spec.id, figure: spec.figure, unit: spec.unit, target: spec.target, targetText: spec.targetText });

export const perSecond = (value: number): string => `${formatNumber(value)}/s`;
export const ms = (value: number, digits = 1): string => `${formatNumber(value, digits)} ms`;

const STATUS_TEXT: Record<FigureStatus, string> = {
  pass: 'pass',
  fail: 'FAIL',
  measured: 'measured',
  'not-compared': 'n/c',
  skipped: 'skipped',
  unavailable: 'n/a',
  error: 'ERROR',
};

/** A fixed-width table for the terminal; the README gets the Markdown one. */
export function renderTable(results: readonly FigureResult[]): string {
  const rows = [['figure', 'value', 'target', ''], ...results.map((r) => [r.figure, r.display, r.targetText, STATUS_TEXT[r.status]])];
  const widths = [0, 1, 2, 3].map((column) => Math.max(...rows.map((row) => row[column]!.length)));
  const line = (row: readonly string[]): string => row.map((cell, column) => cell.padEnd(widths[column]!)).join('  ').trimEnd();
  return [line(rows[0]!), widths.map((width) => '-'.repeat(width)).join('  '), ...rows.slice(1).map(line)].join('\n');
}

export function renderMarkdown(results: readonly FigureResult[]): string {
  const escape = (text: string): string => text.replaceAll('|', '\\|');
  return [
    '| figure | value | target | |',
    '|---|---|---|---|',
    ...results.map((r) => `| ${escape(r.figure)} | ${escape(r.display)} | ${escape(r.targetText)} | ${STATUS_TEXT[r.status]} |`),
  ].join('\n');
}
