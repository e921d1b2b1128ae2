import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseBenchOptions, type BenchOptions } from './bench-options.js';
import { prepareDataSet } from './data/data-set.js';
import { commandsFull, commandsNormal, measureCommandThroughput } from './figures/command-throughput.figure.js';
import { coldStart, graphqlHttp, measureServer, peakRss } from './figures/graphql-server.figure.js';
import { peerAppend, peerRead, measurePeer } from './figures/peer-comparison.figure.js';
import { catchUpMongo, catchUpSqlite, measureMongoCatchUp, measureSqliteCatchUp } from './figures/projection-catch-up.figure.js';
import { measureLag, projectionLag } from './figures/projection-lag.figure.js';
import { importLines, measureImport } from './figures/import.figure.js';
import { measureReplay, replay } from './figures/replay.figure.js';
import { measureTimeline, timelineInProcess } from './figures/timeline-query.figure.js';
import type { BenchContext } from './support/bench-context.js';
import { renderMarkdown, renderTable, withoutValue, type FigureResult, type FigureSpec } from './support/bench-report.js';

/** The order of the issue's table, whatever order the figures run in. */
const TABLE_ORDER: readonly FigureSpec[] = [
  commandsNormal,
  commandsFull,
  peerAppend,
  peerRead,
  catchUpSqlite,
  catchUpMongo,
  timelineInProcess,
  graphqlHttp,
  projectionLag,
  replay,
  coldStart,
  peakRss,
  importLines,
];

interface Step {
  /** The --only ids this step serves. */
  readonly ids: readonly string[];
  readonly title: string;
  readonly specs: readonly FigureSpec[];
  readonly run: (ctx: BenchContext, wanted: ReadonlySet<string>) => Promise<FigureResult | FigureResult[]>;
}

/**
 * Reads come before the figures that append to the data set (lag, commands);
 * the catch-up builds the read store every later query figure reads, and the
 * lag runs before the command figures so its runner has nothing to catch up.
 */
const STEPS: readonly Step[] = [
  { ids: ['replay'], title: 'full replay through the codec', specs: [replay], run: measureReplay },
  { ids: ['catch-up', 'timeline', 'graphql', 'cold-start', 'peak-rss', 'lag'], title: 'projection catch-up (SQLite)', specs: [catchUpSqlite], run: measureSqliteCatchUp },
  { ids: ['catch-up-mongodb'], title: 'projection catch-up (MongoDB)', specs: [catchUpMongo], run: measureMongoCatchUp },
  { ids: ['timeline'], title: 'timeline queries in process', specs: [timelineInProcess], run: measureTimeline },
  { ids: ['graphql', 'cold-start', 'peak-rss'], title: 'the built server: cold start, GraphQL over HTTP, peak RSS', specs: [coldStart, graphqlHttp, peakRss], run: measureServer },
  { ids: ['lag'], title: 'projection lag at 1,000 commands/s', specs: [projectionLag], run: measureLag },
  { ids: ['commands-normal'], title: 'commands/s, synchronous=NORMAL', specs: [commandsNormal], run: (ctx) => measureCommandThroughput(ctx, 'normal') },
  { ids: ['commands-full'], title: 'commands/s, synchronous=FULL', specs: [commandsFull], run: (ctx) => measureCommandThroughput(ctx, 'full') },
  { ids: ['peer'], title: 'Emmett SQLite, same events, same run', specs: [peerAppend, peerRead], run: measurePeer },
  { ids: ['import'], title: 'CSV import, 100,000 lines', specs: [importLines], run: measureImport },
];

const log = (line: string): void => void process.stdout.write(`${line}\n`);

async function main(): Promise<number> {
  const options = parseBenchOptions(process.argv.slice(2));
  const began = performance.now();
  const startedAt = new Date();
  const loadBefore = os.loadavg();
  const runDir = options.reuse ?? fs.mkdtempSync(path.join(os.tmpdir(), 'suivi-bench-'));
  log(`Suivi benchmarks — ${options.mode} run, seed ${options.seed}, ${os.cpus().length} cores, Node ${process.version}`);
  log(`load average at start: ${loadBefore.map((n) => n.toFixed(2)).join(' ')}; scratch directory ${runDir}`);

  const wanted = new Set(options.only.length > 0 ? options.only : STEPS.flatMap((step) => step.ids));
  const results: FigureResult[] = [];
  let failed = false;
  try {
    const data = await prepareDataSet(options, path.join(runDir, 'data'), log);
    const ctx: BenchContext = {
      options,
      data,
      runDir,
      compare: options.mode !== 'tiny',
      fullSize: data.world.events >= 1_000_000,
      log,
    };
    for (const step of STEPS) {
      if (!step.ids.some((id) => wanted.has(id))) continue;
      log(`\n${step.title}`);
      const stepStarted = performance.now();
      try {
        const produced = await step.run(ctx, wanted);
        results.push(...(Array.isArray(produced) ? produced : [produced]));
      } catch (error) {
        failed = true;
        const message = error instanceof Error ? error.message : String(error);
        log(`  error: ${message}`);
        if (error instanceof Error && error.stack) log(error.stack.split('\n').slice(1, 6).join('\n'));
        results.push(...step.specs.map((spec) => withoutValue(spec, 'error', message)));
      }
      log(`  (${((performance.now() - stepStarted) / 1000).toFixed(1)} s)`);
    }

    const ordered = TABLE_ORDER.flatMap((spec) => results.filter((result) => result.id === spec.id));
    const loadAfter = os.loadavg();
    const durationMs = performance.now() - began;
    log(`\n${renderTable(ordered)}\n`);
    log(
      `${options.mode} run: ${data.world.events.toLocaleString('en-US')} events generated, ${(durationMs / 1000).toFixed(0)} s in all; ` +
        `load average ${loadBefore.map((n) => n.toFixed(2)).join(' ')} at start, ${loadAfter.map((n) => n.toFixed(2)).join(' ')} at the end`,
    );
    if (!ctx.compare) log('tiny run: the harness works; no figure is compared with its target');
    writeResults(options, {
      date: startedAt.toISOString(),
      mode: options.mode,
      seed: options.seed,
      command: `npm run bench${options.mode === 'full' ? '' : ` -- --${options.mode}`}`,
      machine: {
        cores: os.cpus().length,
        cpu: os.cpus()[0]?.model ?? 'unknown',
        memoryBytes: os.totalmem(),
        platform: `${os.platform()} ${os.release()}`,
        loadAverageAtStart: loadBefore,
        loadAverageAtEnd: loadAfter,
      },
      node: process.version,
      durability: {
        eventStore: 'SQLite WAL, synchronous=NORMAL (the default) unless the figure says FULL',
        readStore: 'SQLite WAL, synchronous=NORMAL',
      },
      dataSet: (({ accounts: _accounts, users: _users, ...summary }) => summary)(data.world),
      dataSetLoad: data.load,
      durationMs,
      figures: ordered,
      markdown: renderMarkdown(ordered),
    });
  } finally {
    if (!options.keep) fs.rmSync(runDir, { recursive: true, force: true });
    else log(`kept ${runDir} (reuse it with --reuse ${runDir})`);
  }
  return failed ? 1 : 0;
}

function writeResults(options: BenchOptions, results: Record<string, unknown>): void {
  const file = path.resolve(options.resultsFile);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, `${JSON.stringify(results, (_key, value: unknown) => (typeof value === 'bigint' ? value.toString() : value), 2)}\n`);
  log(`results written to ${path.relative(process.cwd(), file)}`);
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`benchmark failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exit(1);
  },
);
