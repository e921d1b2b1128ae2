import type { ProjectionLogger } from '#projections';
import type { BenchOptions } from '../bench-options.js';
import type { PreparedDataSet } from '../data/data-set.js';

export interface BenchContext {
  readonly options: BenchOptions;
  readonly data: PreparedDataSet;
  /** A scratch directory of this run, removed at the end unless --keep. */
  readonly runDir: string;
  /** False in a tiny run: its numbers say nothing about the targets. */
  readonly compare: boolean;
  /** True when the data set has the size the targets are stated at (1,000,000 events). */
  readonly fullSize: boolean;
  log(line: string): void;
}

/** The runner reports every catch-up and stop; a benchmark only wants errors. */
export const quietLogger = (log: (line: string) => void): ProjectionLogger => ({
  log: () => undefined,
  warn: (message) => log(`  projections: ${message}`),
  error: (message) => log(`  projections: ${message}`),
});
