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
  figure: 'commands/s, handleCommand LogExchange, 16 concurrent clients, synchronous=NORMAL',
  unit: 'commands/s',
  target: { comparison: '>=', value: 10_000 },
  targetText: '>= 10,000/s',
};

export const commandsFull: FigureSpec = {
  id: 'commands-full',
  figure: 'commands/s, the same, synchronous=FULL (group commit)',
  unit: 'commands/s',
  target: { comparison: '>=', value: 5_000 },
  targetText: '>= 5,000/s',
};

const WARMUP = 200;
/** In-process clients issuing commands at once, as the requests of a busy server do. */
const CLIENTS = 16;

/**
 * Commands through handleCommand on the data set's own log (it grows by the
 * commands of each run): read the exchange stream, fold, decide, encode, append
 * with the expected revision. The figure is 16 clients at once, each awaiting
 * its command before the next, whose appends the store commits in groups; the
 * details give one command at a time (a lone client: no group to form), and
 * ChangeExchangeStatus on the exchanges just logged, for the cost of a command
 * on a stream that has history.
 */
export async function measureCommandThroughput(ctx: BenchContext, durability: 'normal' | 'full'): Promise<FigureResult> {
  const spec = durability === 'normal' ? commandsNormal : commandsFull;
  const { sizes, seed } = ctx.options;
  const store = SqliteEventStore.open({ file: ctx.data.eventsFile, durability });
  const codec = openBenchCodec(ctx.data.eventsFile);
  const deps = { store, codec, ids: seededIds(`${seed}:${durability}:ids`) };
  const rates: number[] = [];
  const sequentialRates: number[] = [];
  const existingRates: number[] = [];
  try {
    const settings = store.settings();
    const warmup = logExchangeCommands(ctx.data.world, WARMUP, `${seed}:${durability}:warmup`);
    for (const { command, context } of warmup) {
      await handleCommand(deps, exchangeDecider, streams.exchange(command.data.exchangeId), command, context);
    }
    for (let run = 0; run < sizes.runs; run++) {
      const sequential = logExchangeCommands(ctx.data.world, sizes.commands, `${seed}:${durability}:run${run}:one`);
      const startedAt = performance.now();
      for (const { command, context } of sequential) {
        await handleCommand(deps, exchangeDecider, streams.exchange(command.data.exchangeId), command, context);
      }
      sequentialRates.push(sequential.length / ((performance.now() - startedAt) / 1000));

      const commands = logExchangeCommands(ctx.data.world, sizes.commands, `${seed}:${durability}:run${run}`);
      let next = 0;
      const concurrentAt = performance.now();
      await Promise.all(
        Array.from({ length: CLIENTS }, async () => {
          for (let mine = next++; mine < commands.length; mine = next++) {
            const { command, context } = commands[mine]!;
            await handleCommand(deps, exchangeDecider, streams.exchange(command.data.exchangeId), command, context);
          }
        }),
      );
      rates.push(commands.length / ((performance.now() - concurrentAt) / 1000));

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
      ctx.log(
        `  run ${run + 1}: ${formatNumber(rates.at(-1)!)} LogExchange/s with ${CLIENTS} clients, ${formatNumber(sequentialRates.at(-1)!)} one at a time, ` +
          `${formatNumber(existingRates.at(-1)!)} ChangeExchangeStatus/s`,
      );
    }
    const value = median(rates);
    const oneAtATime = median(sequentialRates);
    return measured(spec, value, `${perSecond(value)} (one at a time: ${perSecond(oneAtATime)})`, ctx.compare, {
      runs: rates,
      clients: CLIENTS,
      oneAtATime: { median: oneAtATime, runs: sequentialRates },
      commandsPerRun: sizes.commands,
      journalMode: settings.journalMode,
      synchronous: settings.synchronous,
      changeExchangeStatusPerSecond: { median: median(existingRates), runs: existingRates },
      note: `${CLIENTS} clients, each awaiting its command; appends arriving together are committed in one transaction (group commit)`,
    });
  } finally {
    await store.close();
    await codec.close();
  }
}
