/** How big a run is: `--tiny` keeps the harness working in CI, `--quick` is a preview, the default is the published run. */
export type BenchMode = 'tiny' | 'quick' | 'full';

export interface DataSetSize {
  readonly thirdParties: number;
  readonly contacts: number;
  readonly events: number;
  /** Accounts that each get `largeAccountShare` of the activity (the skew). */
  readonly largeAccounts: number;
  readonly largeAccountShare: number;
}

export interface BenchSizes {
  readonly dataSet: DataSetSize;
  /** LogExchange commands per throughput run. */
  readonly commands: number;
  /** Runs whose median is reported, where a run is cheap enough to repeat. */
  readonly runs: number;
  /** Appends per run against the peer (it does about 1,000 a second). */
  readonly peerAppends: number;
  /** Events loaded into both stores for the read-back comparison. */
  readonly peerReadEvents: number;
  readonly timelineQueries: number;
  /** Upper bound on the time the in-process timeline queries take. */
  readonly timelineSeconds: number;
  readonly httpSeconds: number;
  readonly httpWarmupSeconds: number;
  readonly lagSeconds: number;
  readonly coldStarts: number;
  /** How long the catch-up runs with the worker's defaults before its rate is taken (the rest runs faster). */
  readonly catchUpBudgetSeconds: number;
  /** How long the MongoDB catch-up may run before its rate is taken. */
  readonly mongoSeconds: number;
}

export interface BenchOptions {
  readonly mode: BenchMode;
  readonly seed: string;
  readonly sizes: BenchSizes;
  /** Figure ids to run; empty: all. */
  readonly only: readonly string[];
  /** Keep the generated data directory (printed) instead of deleting it. */
  readonly keep: boolean;
  /** Reuse a data directory kept by an earlier run with the same mode and seed. */
  readonly reuse: string | null;
  /** Keep built data sets between runs (see data-set.cache.ts); --no-cache builds everything afresh. */
  readonly cache: boolean;
  readonly resultsFile: string;
}

const SIZES: Record<BenchMode, BenchSizes> = {
  full: {
    dataSet: { thirdParties: 10_000, contacts: 30_000, events: 1_000_000, largeAccounts: 5, largeAccountShare: 0.015 },
    commands: 10_000,
    runs: 3,
    peerAppends: 3_000,
    peerReadEvents: 100_000,
    timelineQueries: 2_000,
    timelineSeconds: 15,
    httpSeconds: 10,
    httpWarmupSeconds: 2,
    lagSeconds: 15,
    coldStarts: 3,
    mongoSeconds: 30,
    catchUpBudgetSeconds: 90,
  },
  quick: {
    dataSet: { thirdParties: 500, contacts: 1_500, events: 50_000, largeAccounts: 3, largeAccountShare: 0.015 },
    commands: 5_000,
    runs: 3,
    peerAppends: 1_000,
    peerReadEvents: 20_000,
    timelineQueries: 1_000,
    timelineSeconds: 5,
    httpSeconds: 4,
    httpWarmupSeconds: 1,
    lagSeconds: 5,
    coldStarts: 2,
    mongoSeconds: 8,
    catchUpBudgetSeconds: 20,
  },
  tiny: {
    dataSet: { thirdParties: 60, contacts: 180, events: 3_000, largeAccounts: 2, largeAccountShare: 0.05 },
    commands: 200,
    runs: 1,
    peerAppends: 50,
    peerReadEvents: 500,
    timelineQueries: 50,
    timelineSeconds: 5,
    httpSeconds: 0.5,
    httpWarmupSeconds: 0.2,
    lagSeconds: 0.5,
    coldStarts: 1,
    mongoSeconds: 3,
    catchUpBudgetSeconds: 30,
  },
};

export const FIGURE_IDS = [
  'commands-normal',
  'commands-full',
  'peer',
  'catch-up',
  'catch-up-mongodb',
  'timeline',
  'graphql',
  'lag',
  'replay',
  'cold-start',
  'peak-rss',
  'import',
] as const;

const USAGE = `usage: npm run bench -- [--quick | --tiny] [--seed S] [--only id,id] [--keep] [--reuse DIR] [--no-cache] [--out FILE]
  --quick       under 2 minutes: 50,000 events
  --tiny        seconds: the harness works (CI); no figure is compared to its target
  --only        run only these figures: ${FIGURE_IDS.join(', ')}
  --keep        keep the generated data directory; --reuse DIR runs on it again
  --no-cache    generate the log and build the read models even if this build cached them`;

export function parseBenchOptions(argv: readonly string[]): BenchOptions {
  let mode: BenchMode = 'full';
  let seed = 'suivi-bench-1';
  let only: string[] = [];
  let keep = false;
  let reuse: string | null = null;
  let cache = true;
  let resultsFile = 'bench/results/latest.json';
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    const value = (): string => {
      const next = argv[++i];
      if (next === undefined) throw new Error(`${arg} needs a value\n${USAGE}`);
      return next;
    };
    switch (arg) {
      case '--quick':
        mode = 'quick';
        break;
      case '--tiny':
        mode = 'tiny';
        break;
      case '--seed':
        seed = value();
        break;
      case '--only':
        only = value().split(',').filter((id) => id !== '');
        for (const id of only) {
          if (!(FIGURE_IDS as readonly string[]).includes(id)) throw new Error(`unknown figure ${id}\n${USAGE}`);
        }
        break;
      case '--keep':
        keep = true;
        break;
      case '--reuse':
        reuse = value();
        keep = true;
        break;
      case '--no-cache':
        cache = false;
        break;
      case '--out':
        resultsFile = value();
        break;
      case '--help':
      case '-h':
        process.stdout.write(`${USAGE}\n`);
        process.exit(0);
        break;
      default:
        throw new Error(`unknown option ${arg}\n${USAGE}`);
    }
  }
  return { mode, seed, sizes: SIZES[mode], only, keep, reuse: reuse, cache: cache && reuse === null, resultsFile };
}
