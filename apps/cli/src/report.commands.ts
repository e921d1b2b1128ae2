import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { Command } from 'commander';
import cliProgress from 'cli-progress';
import type { EventCodec, EventStore } from '#event-store';
import {
  buildConversionReport,
  chartJsLibrary,
  renderConversionReportHtml,
  systemClock,
  type Clock,
  type ConversionReport,
} from '#platform';
import { MetricsQueries, metricsProjection, replayMetricsFacts, UserQueries, type MetricsFactsEntry } from '#projections';
import type { ReadStore } from '#read-store';
import { parseInstant } from './replay.commands.js';
import { withCliStores } from './cli-stores.js';

/**
 * `suivi report conversion --from DATE --to DATE --out report.html [--as-of DATE]`:
 * the conversion metrics of a period as a page people open in a browser, with
 * the charting library and the data inside it (no network needed to view it).
 * As of a past instant, the metrics facts are replayed from the log; for the
 * present they are read from the metrics read model when it has applied the
 * whole log, and replayed otherwise.
 */
export interface ReportSession {
  readonly store: EventStore;
  readonly readStore: ReadStore;
  readonly codec: EventCodec;
  readonly clock: Clock;
}

export interface ConversionReportArgs {
  readonly from: string;
  /** Exclusive. */
  readonly to: string;
  readonly out: string;
  readonly asOf?: string | undefined;
}

export interface ReportOutput {
  out(line: string): void;
  note(line: string): void;
  readonly progress: boolean;
}

const standardOutput: ReportOutput = {
  out: (line) => process.stdout.write(`${line}\n`),
  note: (line) => process.stderr.write(`${line}\n`),
  progress: process.stderr.isTTY === true,
};

/** The facts as of `asOf` (replayed), or of now: the read model when it is at the head of the log. */
async function factsFor(session: ReportSession, asOf: Date | null, output: ReportOutput): Promise<MetricsFactsEntry[]> {
  const head = await session.store.headPosition();
  if (asOf === null) {
    const checkpoint = await session.readStore.checkpoints.get(metricsProjection.name);
    if (head === null || (checkpoint !== null && checkpoint >= head)) {
      return (await MetricsQueries.open(session.readStore, session.store, session.codec)).currentFacts();
    }
    output.note(
      `the read model ${metricsProjection.name} is at position ${checkpoint ?? 'none'} of ${head} (is the worker running?): ` +
        'replaying the log instead',
    );
  }
  const bar =
    output.progress && head !== null
      ? new cliProgress.SingleBar(
          { format: 'replay [{bar}] {percentage}% | {value}/{total} | {rate} ev/s | ETA {eta_formatted}', etaBuffer: 50, stream: process.stderr },
          cliProgress.Presets.shades_classic,
        )
      : null;
  const started = Date.now();
  bar?.start(Number(head), 0, { rate: 0 });
  try {
    return await replayMetricsFacts(session.store, session.codec, {
      asOf: asOf ?? session.clock.now(),
      onProgress: ({ position }) => {
        const value = Number(position);
        bar?.update(value, { rate: Math.round(value / Math.max((Date.now() - started) / 1000, 0.001)) });
      },
    });
  } finally {
    bar?.stop();
  }
}

/** Salespeople's display names (staff accounts, not personal data of the directory's subjects). */
async function ownerNames(readStore: ReadStore, report: ConversionReport): Promise<Map<string, string>> {
  const users = await UserQueries.open(readStore);
  const names = new Map<string, string>();
  for (const owner of report.owners) {
    if (owner.ownerId === null) continue;
    const user = await users.get(owner.ownerId);
    if (user) names.set(owner.ownerId, user.displayName || user.login);
  }
  return names;
}

/** Writes the report; resolves to what it holds. */
export async function writeConversionReport(session: ReportSession, args: ConversionReportArgs, output: ReportOutput = standardOutput): Promise<ConversionReport> {
  const from = parseInstant('--from', args.from);
  const to = parseInstant('--to', args.to);
  if (to.getTime() <= from.getTime()) throw new Error(`--to (${to.toISOString()}) must be after --from (${from.toISOString()}); the period ends before --to`);
  const asOf = args.asOf === undefined ? null : parseInstant('--as-of', args.asOf);
  const library = chartJsLibrary();
  const facts = await factsFor(session, asOf, output);
  const generatedAt = session.clock.now();
  const period = { from, to };
  const first = buildConversionReport({ facts, period, asOf, generatedAt });
  const report = buildConversionReport({ facts, period, asOf, generatedAt, ownerNames: await ownerNames(session.readStore, first) });
  const file = path.resolve(args.out);
  writeFileSync(file, renderConversionReportHtml(report, library));
  output.out(
    `wrote ${args.out}: ${report.total.prospects} prospects in play, ${report.total.conversions} conversions ` +
      `from ${from.toISOString()} to ${to.toISOString()}${asOf === null ? '' : ` as of ${asOf.toISOString()}`} (${library.name} ${library.version} inlined)`,
  );
  return report;
}

export async function withReportSession<T>(work: (session: ReportSession) => Promise<T>): Promise<T> {
  return withCliStores(({ store, readStore, codec }) => work({ store, readStore, codec, clock: systemClock }), { readOnlyLog: true });
}

export function registerReportCommands(program: Command): void {
  const report = program.commands.find((command) => command.name() === 'report') ?? program.command('report').description('reports people read, as self-contained HTML pages');
  report
    .command('conversion')
    .requiredOption('--from <date>', 'start of the period: 2026-01-01 (00:00 UTC) or 2026-01-01T00:00:00+01:00')
    .requiredOption('--to <date>', 'end of the period, excluded')
    .requiredOption('--out <file.html>', 'where to write the page')
    .option('--as-of <date>', 'what Suivi knew at this instant (the log replayed up to it); default: now')
    .description('conversion funnel, time to convert, per-owner bars and cohorts, as one HTML page that needs no network')
    .action((options: { from: string; to: string; out: string; asOf?: string }) =>
      withReportSession(async (session) => {
        await writeConversionReport(session, options);
      }),
    );
}
