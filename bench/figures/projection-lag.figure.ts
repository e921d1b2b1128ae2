import { setTimeout as sleep } from 'node:timers/promises';
import { exchangeDecider, streams } from '#domain';
import { handleCommand, SqliteEventStore } from '#event-store';
import { ProjectionRunner } from '#projections';
import { SqliteReadStore } from '#read-store';
import { logExchangeCommands } from '../data/bench-commands.js';
import { seededIds } from '../data/data-set.js';
import { openBenchCodec } from '../support/bench-codec.js';
import { quietLogger, type BenchContext } from '../support/bench-context.js';
import { measured, ms, type FigureResult, type FigureSpec } from '../support/bench-report.js';
import { formatNumber, percentile } from '../support/stats.js';

export const projectionLag: FigureSpec = {
  id: 'lag',
  figure: 'projection lag under a steady 1,000 commands/s',
  unit: 'ms (p99)',
  target: { comparison: '<=', value: 100 },
  targetText: 'p99 <= 100 ms',
};

const RATE = 1_000;

/**
 * The embedded process as it runs: commands through handleCommand and every
 * projection (ProjectionRunner with the worker's defaults) on one thread, over
 * the data set and its caught-up read store. Commands arrive on a fixed
 * schedule of 1,000 a second; the lag of a command is the time from its append
 * returning to every projection having applied its position (waitFor, the
 * read-your-writes wait).
 */
export async function measureLag(ctx: BenchContext): Promise<FigureResult> {
  const store = SqliteEventStore.open({ file: ctx.data.eventsFile });
  const readStore = SqliteReadStore.open({ file: ctx.data.readFile });
  const codec = openBenchCodec(ctx.data.eventsFile);
  const runner = new ProjectionRunner({ store, readStore, codec, logger: quietLogger(ctx.log) });
  try {
    await runner.start();
    const head = await store.headPosition();
    if (head !== null) await runner.waitFor(head, 3_600_000);

    const count = Math.max(1, Math.round(ctx.options.sizes.lagSeconds * RATE));
    const commands = logExchangeCommands(ctx.data.world, count, `${ctx.options.seed}:lag`);
    const deps = { store, codec, ids: seededIds(`${ctx.options.seed}:lag:ids`) };
    const lags: number[] = [];
    const waits: Promise<void>[] = [];
    let late = 0;
    const startedAt = performance.now();
    for (let i = 0; i < commands.length; i++) {
      const due = startedAt + (i * 1000) / RATE;
      const now = performance.now();
      if (due - now >= 1) await sleep(due - now);
      else if (now - due > 10) late += 1;
      const { command, context } = commands[i]!;
      const result = await handleCommand(deps, exchangeDecider, streams.exchange(command.data.exchangeId), command, context);
      const appendedAt = performance.now();
      waits.push(runner.waitFor(result.position!, 600_000).then(() => void lags.push(performance.now() - appendedAt)));
    }
    const sentSeconds = (performance.now() - startedAt) / 1000;
    await Promise.all(waits);
    const p50 = percentile(lags, 50);
    const p99 = percentile(lags, 99);
    const achieved = commands.length / sentSeconds;
    // A lag measured at a lower rate than asked says nothing about the target's rate: not a pass.
    const sustained = achieved >= RATE * 0.95;
    const result = measured(projectionLag, p99, `p50 ${ms(p50)} / p99 ${ms(p99)} at ${formatNumber(achieved)} commands/s`, ctx.compare, {
      commands: commands.length,
      achievedCommandsPerSecond: achieved,
      commandsMoreThan10msLate: late,
      p50,
      p90: percentile(lags, 90),
      p99,
      max: Math.max(...lags),
      runner: 'ProjectionRunner defaults (batch 500, idle flush 20 ms, max batch delay 25 ms at the head; 10,000 events or 1 s while catching up)',
      sustained,
    });
    if (sustained || result.status !== 'pass') return result;
    return { ...result, status: 'fail', note: `the process sustained ${formatNumber(achieved)} of ${formatNumber(RATE)} commands/s` };
  } finally {
    await runner.stop();
    await store.close();
    await readStore.close();
    await codec.close();
  }
}
