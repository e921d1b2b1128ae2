import { TimelineQueries } from '#projections';
import { SqliteReadStore } from '#read-store';
import type { BenchContext } from '../support/bench-context.js';
import { measured, ms, type FigureResult, type FigureSpec } from '../support/bench-report.js';
import { percentile } from '../support/stats.js';

export const timelineInProcess: FigureSpec = {
  id: 'timeline',
  figure: 'timeline page of 50, largest account, in process',
  unit: 'ms (p99)',
  target: { comparison: '<=', value: 5 },
  targetText: 'p99 <= 5 ms',
};

const PAGE = 50;
/** How deep a reader scrolls before starting again from the newest entries. */
const DEPTH = 10;
const WARMUP = 50;

/**
 * TimelineQueries.list on the read store the catch-up built, for the account
 * with the most entries: the newest page, then the next pages by cursor, as a
 * person scrolling back would, again and again. Each call is one page with its
 * totalCount, as the API serves it.
 */
export async function measureTimeline(ctx: BenchContext): Promise<FigureResult> {
  const largest = ctx.data.world.largestAccounts[0];
  if (!largest) throw new Error('the data set has no account');
  const readStore = SqliteReadStore.open({ file: ctx.data.readFile });
  try {
    const queries = await TimelineQueries.open(readStore);
    const latencies: number[] = [];
    const firstPage: number[] = [];
    let totalCount = 0;
    let after: string | null = null;
    let depth = 0;
    // A count, and a time cap: pages of a very large timeline can be slow.
    const stopAt = performance.now() + ctx.options.sizes.timelineSeconds * 1000;
    for (let i = 0; i < WARMUP + ctx.options.sizes.timelineQueries && performance.now() < stopAt; i++) {
      const startedAt = performance.now();
      const page = await queries.list({ thirdPartyId: largest.id, first: PAGE, after });
      const elapsed = performance.now() - startedAt;
      if (i >= WARMUP) {
        latencies.push(elapsed);
        if (after === null) firstPage.push(elapsed);
      }
      totalCount = page.totalCount;
      depth += 1;
      after = page.hasNextPage && depth < DEPTH ? page.endCursor : null;
      if (after === null) depth = 0;
    }
    const p50 = percentile(latencies, 50);
    const p99 = percentile(latencies, 99);
    return measured(timelineInProcess, p99, `p50 ${ms(p50, 2)} / p99 ${ms(p99, 2)} (${totalCount.toLocaleString('en-US')} entries)`, ctx.compare, {
      account: largest.id,
      entries: totalCount,
      queries: latencies.length,
      p50,
      p90: percentile(latencies, 90),
      p99,
      max: Math.max(...latencies),
      firstPage: { p50: percentile(firstPage, 50), p99: percentile(firstPage, 99) },
      pagesPerScroll: DEPTH,
    });
  } finally {
    await readStore.close();
  }
}
