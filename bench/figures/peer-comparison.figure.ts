import fs from 'node:fs';
import path from 'node:path';
import { exchangeDecider, streams } from '#domain';
import { handleCommand, SqliteEventStore, type NewEvent } from '#event-store';
import { logExchangeCommands } from '../data/bench-commands.js';
import { seededIds } from '../data/data-set.js';
import { openBenchCodec } from '../support/bench-codec.js';
import type { BenchContext } from '../support/bench-context.js';
import { measured, withoutValue, type FigureResult, type FigureSpec } from '../support/bench-report.js';
import { formatNumber, median } from '../support/stats.js';

export const peerAppend: FigureSpec = {
  id: 'peer-append',
  figure: 'ratio vs Emmett SQLite, appending one command at a time',
  unit: '×',
  target: { comparison: '>=', value: 5 },
  targetText: '>= 5×',
};

export const peerRead: FigureSpec = {
  id: 'peer-read',
  figure: 'ratio vs Emmett SQLite, reading the events back',
  unit: '×',
  target: { comparison: '>=', value: 3 },
  targetText: '>= 3×',
};

type EmmettSqlite = typeof import('@event-driven-io/emmett-sqlite');
type EmmettConnection = import('@event-driven-io/emmett-sqlite').SQLiteConnection;

interface Peer {
  readonly module: EmmettSqlite;
  readonly version: string;
  readonly streamDoesNotExist: typeof import('@event-driven-io/emmett').STREAM_DOES_NOT_EXIST;
}

const READ_PAGE = 1_000;
const BULK_STREAM_LENGTH = 500;

/** Loads the peer, or says why it cannot run here. */
async function loadPeer(): Promise<Peer | string> {
  try {
    const module = await import('@event-driven-io/emmett-sqlite');
    const emmett = await import('@event-driven-io/emmett');
    const manifest = JSON.parse(
      fs.readFileSync(path.join(process.cwd(), 'node_modules/@event-driven-io/emmett-sqlite/package.json'), 'utf8'),
    ) as { version: string };
    // sqlite3 is native and compiles on install: loading a connection is the real test.
    const probe = module.sqliteConnection({ fileName: ':memory:' });
    await probe.query('SELECT 1');
    probe.close();
    return { module, version: manifest.version, streamDoesNotExist: emmett.STREAM_DOES_NOT_EXIST };
  } catch (error) {
    return error instanceof Error ? `${error.name}: ${error.message.split('\n')[0]}` : String(error);
  }
}

/**
 * Emmett's store given its best configuration: one shared connection for every
 * operation (its per-operation connections hit SQLITE_BUSY under load), and the
 * same durability as ours (WAL, synchronous=NORMAL) so the ratio compares code,
 * not fsyncs. Emmett's own default (synchronous FULL) is measured for the details.
 */
async function openPeer(peer: Peer, file: string, synchronous: 'NORMAL' | 'FULL') {
  const connection = peer.module.sqliteConnection({ fileName: file });
  await connection.command('PRAGMA journal_mode = WAL');
  await connection.command(`PRAGMA synchronous = ${synchronous}`);
  const store = peer.module.getSQLiteEventStore({ fileName: file, connectionOptions: { singleton: true, connection } });
  await store.schema.migrate();
  return { connection, store };
}

const asPeerEvent = (event: NewEvent) => ({
  type: event.type,
  data: event.data as Record<string, unknown>,
  metadata: { ...event.metadata, eventId: event.eventId },
});

/**
 * The same events through both stores, in the same run: LogExchange commands
 * decided once, encoded by our codec, then appended one command (one append)
 * at a time to a fresh file of each store; then a log of the data set's own
 * events loaded into fresh files of both and read back in pages of 1,000.
 */
export async function measurePeer(ctx: BenchContext): Promise<FigureResult[]> {
  const peer = await loadPeer();
  if (typeof peer === 'string') {
    ctx.log(`  peer unavailable: ${peer}`);
    return [withoutValue(peerAppend, 'unavailable', peer), withoutValue(peerRead, 'unavailable', peer)];
  }
  const dir = path.join(ctx.runDir, 'peer');
  fs.mkdirSync(dir, { recursive: true });
  const { sizes, seed } = ctx.options;
  const codec = openBenchCodec(ctx.data.eventsFile);

  const encodedCommands = async (run: string) => {
    const ids = seededIds(`${seed}:peer:${run}:ids`);
    const commands = logExchangeCommands(ctx.data.world, sizes.peerAppends, `${seed}:peer:${run}`);
    const workload: { streamName: string; events: NewEvent[] }[] = [];
    for (const { command, context } of commands) {
      const events = exchangeDecider.decide(command, exchangeDecider.initialState(), context);
      const metadata = {
        actorId: context.actorId,
        occurredAt: context.now.toISOString(),
        commandId: context.commandId,
        correlationId: context.correlationId,
        causationId: context.causationId,
        source: context.source,
      };
      workload.push({
        streamName: streams.exchange(command.data.exchangeId),
        events: await codec.encodeAll(
          events,
          metadata,
          events.map(() => ids.next()),
        ),
      });
    }
    return workload;
  };

  const ours = SqliteEventStore.open({ file: path.join(dir, 'suivi-append.sqlite'), durability: 'normal' });
  const theirs = await openPeer(peer, path.join(dir, 'emmett-append.sqlite'), 'NORMAL');
  const oursRates: number[] = [];
  const theirRates: number[] = [];
  const handleCommandRates: number[] = [];
  let theirDefault: number;
  try {
    for (let run = 0; run < sizes.runs; run++) {
      // Alternate which store goes first, so neither always runs on a warmer machine.
      const workloads = [await encodedCommands(`run${run}a`), await encodedCommands(`run${run}b`)] as const;
      const appendOurs = async (workload: (typeof workloads)[number]) => {
        const startedAt = performance.now();
        for (const { streamName, events } of workload) await ours.append(streamName, events, 'no_stream');
        return workload.length / ((performance.now() - startedAt) / 1000);
      };
      const appendTheirs = async (workload: (typeof workloads)[number]) => {
        const startedAt = performance.now();
        for (const { streamName, events } of workload) {
          await theirs.store.appendToStream(streamName, events.map(asPeerEvent), { expectedStreamVersion: peer.streamDoesNotExist });
        }
        return workload.length / ((performance.now() - startedAt) / 1000);
      };
      if (run % 2 === 0) {
        oursRates.push(await appendOurs(workloads[0]));
        theirRates.push(await appendTheirs(workloads[1]));
      } else {
        theirRates.push(await appendTheirs(workloads[0]));
        oursRates.push(await appendOurs(workloads[1]));
      }
      const commands = logExchangeCommands(ctx.data.world, sizes.peerAppends, `${seed}:peer:run${run}:handle`);
      const deps = { store: ours, codec, ids: seededIds(`${seed}:peer:run${run}:handle:ids`) };
      const startedAt = performance.now();
      for (const { command, context } of commands) {
        await handleCommand(deps, exchangeDecider, streams.exchange(command.data.exchangeId), command, context);
      }
      handleCommandRates.push(commands.length / ((performance.now() - startedAt) / 1000));
      ctx.log(
        `  run ${run + 1}: Suivi ${formatNumber(oursRates.at(-1)!)} appends/s (handleCommand ${formatNumber(handleCommandRates.at(-1)!)}/s), ` +
          `Emmett ${formatNumber(theirRates.at(-1)!)} appends/s`,
      );
    }
    const asShipped = await openPeer(peer, path.join(dir, 'emmett-default.sqlite'), 'FULL');
    try {
      const workload = (await encodedCommands('default')).slice(0, Math.max(10, Math.floor(sizes.peerAppends / 3)));
      const startedAt = performance.now();
      for (const { streamName, events } of workload) {
        await asShipped.store.appendToStream(streamName, events.map(asPeerEvent), { expectedStreamVersion: peer.streamDoesNotExist });
      }
      theirDefault = workload.length / ((performance.now() - startedAt) / 1000);
    } finally {
      asShipped.connection.close();
    }
  } finally {
    await ours.close();
    await codec.close();
    theirs.connection.close();
  }
  const appendRatio = median(oursRates) / median(theirRates);
  const appendResult = measured(
    peerAppend,
    appendRatio,
    `${formatNumber(appendRatio, 1)}× (${formatNumber(median(oursRates))} vs ${formatNumber(median(theirRates))} appends/s; ` +
      `handleCommand ${formatNumber(median(handleCommandRates) / median(theirRates), 1)}×)`,
    ctx.compare,
    {
      peer: `@event-driven-io/emmett-sqlite ${peer.version}`,
      peerConfiguration: 'one shared connection (connectionOptions.singleton with the connection), WAL, synchronous=NORMAL',
      appendsPerRun: sizes.peerAppends,
      suiviAppendsPerSecond: oursRates,
      suiviHandleCommandPerSecond: handleCommandRates,
      emmettAppendsPerSecond: theirRates,
      emmettDefaultSynchronousFullAppendsPerSecond: theirDefault,
    },
  );

  const readResult = await measureReadBack(ctx, peer, dir);
  return [appendResult, readResult];
}

async function measureReadBack(ctx: BenchContext, peer: Peer, dir: string): Promise<FigureResult> {
  const { sizes } = ctx.options;
  const source = SqliteEventStore.open({ file: ctx.data.eventsFile, readonly: true });
  const events: NewEvent[] = [];
  try {
    let after: bigint | null = null;
    while (events.length < sizes.peerReadEvents) {
      const page = await source.readAll({ after, maxCount: Math.min(READ_PAGE, sizes.peerReadEvents - events.length) });
      events.push(...page.events.map(({ eventId, type, data, metadata }) => ({ eventId, type, data, metadata })));
      if (page.isEnd || page.lastPosition === null) break;
      after = page.lastPosition;
    }
  } finally {
    await source.close();
  }

  const ours = SqliteEventStore.open({ file: path.join(dir, 'suivi-read.sqlite'), durability: 'normal' });
  const theirs = await openPeer(peer, path.join(dir, 'emmett-read.sqlite'), 'NORMAL');
  const oursRates: number[] = [];
  const theirRates: number[] = [];
  try {
    for (let start = 0, stream = 0; start < events.length; start += BULK_STREAM_LENGTH, stream++) {
      const chunk = events.slice(start, start + BULK_STREAM_LENGTH);
      await ours.append(`readback-${stream}`, chunk, 'no_stream');
      await theirs.store.appendToStream(`readback-${stream}`, chunk.map(asPeerEvent), { expectedStreamVersion: peer.streamDoesNotExist });
    }
    for (let run = 0; run < sizes.runs; run++) {
      let startedAt = performance.now();
      let count = 0;
      let after: bigint | null = null;
      for (;;) {
        const page = await ours.readAll({ after, maxCount: READ_PAGE });
        count += page.events.length;
        if (page.isEnd || page.lastPosition === null) break;
        after = page.lastPosition;
      }
      oursRates.push(count / ((performance.now() - startedAt) / 1000));

      startedAt = performance.now();
      let theirCount = 0;
      let position = 0n;
      for (;;) {
        const batch = await peer.module.readMessagesBatch(theirs.connection as EmmettConnection, { after: position, batchSize: READ_PAGE });
        theirCount += batch.messages.length;
        position = batch.currentGlobalPosition;
        if (!batch.areEventsLeft) break;
      }
      theirRates.push(theirCount / ((performance.now() - startedAt) / 1000));
      if (count !== events.length || theirCount !== events.length) {
        throw new Error(`read back ${count} (Suivi) and ${theirCount} (Emmett) events, expected ${events.length}`);
      }
    }
  } finally {
    await ours.close();
    theirs.connection.close();
  }
  const ratio = median(oursRates) / median(theirRates);
  ctx.log(`  read back ${events.length} events: Suivi ${formatNumber(median(oursRates))}/s, Emmett ${formatNumber(median(theirRates))}/s`);
  return measured(
    peerRead,
    ratio,
    `${formatNumber(ratio, 1)}× (${formatNumber(median(oursRates))} vs ${formatNumber(median(theirRates))} events/s)`,
    ctx.compare,
    {
      events: events.length,
      page: READ_PAGE,
      suiviEventsPerSecond: oursRates,
      emmettEventsPerSecond: theirRates,
      how: 'Suivi readAll vs Emmett readMessagesBatch over the whole log, pages of 1,000, both parsing the JSON',
    },
  );
}
