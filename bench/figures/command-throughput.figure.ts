import { exchangeDecider, exchangeStatuses, streams, type ChangeExchangeStatus } from '#domain';
import { handleCommand, SqliteEventStore } from '#event-store';
import { logExchangeCommands } from '../data/bench-commands.js';
import { seededIds } from '../data/data-set.js';
import { openBenchCodec } from '../support/bench-codec.js';
import type { BenchContext } from '../support/bench-context.js';
import { measured, perSecond, type FigureResult, type FigureSpec } from '../support/bench-report.js';
import { formatNumber, median } from '../support/stats.js';

export const commandsNormal: FigureSpec = {
  id: 'commands-normal',
  figure: 'commands/s, handleCommand LogExchange, synchronous=NORMAL',
  unit: 'commands/s',
  target: { comparison: '>=', value: 10_000 },
  targetText: '>= 10,000/s',
};

export const commandsFull: FigureSpec = {
  id: 'commands-full',
  figure: 'commands/s, the same, synchronous=FULL',
  unit: 'commands/s',
  target: { comparison: '>=', value: 5_000 },
  targetText: '>= 5,000/s',
};

const WARMUP = 200;

/**
 * One command at a time, awaited, through handleCommand on the data set's own
 * log (it grows by the commands of each run): read the exchange stream, fold,
 * decide, encode, append with the expected revision. Then ChangeExchangeStatus
 * on the exchanges just logged, for the cost of a command on a stream that has
 * history (reported in the details).
 */
export async function measureCommandThroughput(ctx: BenchContext, durability: 'normal' | 'full'): Promise<FigureResult> {
  const spec = durability === 'normal' ? commandsNormal : commandsFull;
  const { sizes, seed } = ctx.options;
  const store = SqliteEventStore.open({ file: ctx.data.eventsFile, durability });
  const codec = openBenchCodec(ctx.data.eventsFile);
  const deps = { store, codec, ids: seededIds(`${seed}:${durability}:ids`) };
  const rates: number[] = [];
  const existingRates: number[] = [];
  try {
    const settings = store.settings();
    const warmup = logExchangeCommands(ctx.data.world, WARMUP, `${seed}:${durability}:warmup`);
    for (const { command, context } of warmup) {
      await handleCommand(deps, exchangeDecider, streams.exchange(command.data.exchangeId), command, context);
    }
    for (let run = 0; run < sizes.runs; run++) {
      const commands = logExchangeCommands(ctx.data.world, sizes.commands, `${seed}:${durability}:run${run}`);
      const startedAt = performance.now();
      for (const { command, context } of commands) {
        await handleCommand(deps, exchangeDecider, streams.exchange(command.data.exchangeId), command, context);
      }
      const seconds = (performance.now() - startedAt) / 1000;
      rates.push(commands.length / seconds);

      const changes = commands.slice(0, Math.ceil(commands.length / 2)).map(({ command, context }) => {
        const from = command.data.status ?? 'CLOSED';
        const change: ChangeExchangeStatus = {
          type: 'ChangeExchangeStatus',
          data: { exchangeId: command.data.exchangeId, status: exchangeStatuses.find((status) => status !== from)! },
        };
        return { command: change, context: { ...context, now: new Date(context.now.getTime() + 60_000) } };
      });
      const changedAt = performance.now();
      for (const { command, context } of changes) {
        await handleCommand(deps, exchangeDecider, streams.exchange(command.data.exchangeId), command, context);
      }
      existingRates.push(changes.length / ((performance.now() - changedAt) / 1000));
      ctx.log(`  run ${run + 1}: ${formatNumber(rates.at(-1)!)} LogExchange/s, ${formatNumber(existingRates.at(-1)!)} ChangeExchangeStatus/s`);
    }
    const value = median(rates);
    return measured(spec, value, perSecond(value), ctx.compare, {
      runs: rates,
      commandsPerRun: sizes.commands,
      journalMode: settings.journalMode,
      synchronous: settings.synchronous,
      changeExchangeStatusPerSecond: { median: median(existingRates), runs: existingRates },
      note: 'sequential, one command awaited at a time; no group commit',
    });
  } finally {
    await store.close();
    await codec.close();
  }
}
