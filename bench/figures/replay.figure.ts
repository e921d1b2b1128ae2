import { SqliteEventStore } from '#event-store';
import { openBenchCodec } from '../support/bench-codec.js';
import type { BenchContext } from '../support/bench-context.js';
import { measured, type FigureResult, type FigureSpec } from '../support/bench-report.js';
import { formatNumber, median } from '../support/stats.js';

export const replay: FigureSpec = {
  id: 'replay',
  figure: 'full replay of the log through the codec',
  unit: 's',
  target: { comparison: '<=', value: 5 },
  targetText: '<= 5 s for 1,000,000',
  fullSizeOnly: true,
};

const PAGE = 1_000;

/**
 * What an analyst's replay does: read the whole log in order, in pages, and
 * decode every event through the codec (subject keys, decryption, schema
 * versions, upcasting), counting by type so that nothing is optimised away.
 */
export async function measureReplay(ctx: BenchContext): Promise<FigureResult> {
  const store = SqliteEventStore.open({ file: ctx.data.eventsFile, readonly: true });
  const codec = openBenchCodec(ctx.data.eventsFile);
  const seconds: number[] = [];
  let events = 0;
  try {
    for (let run = 0; run < ctx.options.sizes.runs; run++) {
      const byType = new Map<string, number>();
      const startedAt = performance.now();
      let after: bigint | null = null;
      events = 0;
      for (;;) {
        const page = await store.readAll({ after, maxCount: PAGE });
        for (const envelope of await codec.decodeAll(page.events)) {
          byType.set(envelope.type, (byType.get(envelope.type) ?? 0) + 1);
        }
        events += page.events.length;
        if (page.isEnd || page.lastPosition === null) break;
        after = page.lastPosition;
      }
      seconds.push((performance.now() - startedAt) / 1000);
      ctx.log(`  run ${run + 1}: ${formatNumber(events)} events in ${formatNumber(seconds.at(-1)!, 2)} s`);
    }
  } finally {
    await store.close();
    await codec.close();
  }
  const value = median(seconds);
  return measured(
    replay,
    value,
    `${formatNumber(value, 2)} s for ${formatNumber(events)} (${formatNumber(events / value)} events/s)`,
    ctx.compare && ctx.fullSize,
    { runs: seconds, events, eventsPerSecond: events / value, page: PAGE },
  );
}
