import http from 'node:http';
import path from 'node:path';
import type { BenchContext } from '../support/bench-context.js';
import { measured, ms, withoutValue, type FigureResult, type FigureSpec } from '../support/bench-report.js';
import { postGraphql, ServerProcess } from '../support/server-process.js';
import { formatNumber, median, percentile } from '../support/stats.js';

export const graphqlHttp: FigureSpec = {
  id: 'graphql',
  figure: 'the same over GraphQL HTTP, 10 concurrent clients',
  unit: 'requests/s',
  target: { comparison: '>=', value: 3_000 },
  targetText: '>= 3,000 req/s, p99 <= 30 ms',
};

export const coldStart: FigureSpec = {
  id: 'cold-start',
  figure: 'cold start to first answered query',
  unit: 'ms',
  target: { comparison: '<=', value: 3_000 },
  targetText: '<= 3 s at 1,000,000 events',
  fullSizeOnly: true,
};

export const peakRss: FigureSpec = {
  id: 'peak-rss',
  figure: 'peak RSS of the one-process embedded server',
  unit: 'MB',
  target: { comparison: '<=', value: 400 },
  targetText: '<= 400 MB at 1,000,000 events',
  fullSizeOnly: true,
};

const CLIENTS = 10;
const P99_TARGET_MS = 30;
const TIMELINE_QUERY =
  'query ($id: ID!) { timeline(thirdPartyId: $id, first: 50) { totalCount edges { cursor node { id kind occurredAt summary } } pageInfo { hasNextPage endCursor } } }';
const DIRECTORY_QUERY = JSON.stringify({
  query: '{ thirdParties(first: 50) { totalCount edges { cursor node { id name kind roles } } pageInfo { hasNextPage endCursor } } }',
});
const FIRST_QUERY = JSON.stringify({ query: '{ thirdParties(first: 1) { edges { node { id } } } }' });

/**
 * The built server (`node dist/apps/api/src/main.js`, API and projection worker
 * in one process) on the data directory: started cold several times (time to
 * the first answered query), then loaded by 10 keep-alive clients sending the
 * largest account's timeline page (or the directory's first page when the
 * schema has no timeline query yet), then its peak RSS is read from /proc.
 */
export async function measureServer(ctx: BenchContext, wanted: ReadonlySet<string>): Promise<FigureResult[]> {
  const { sizes } = ctx.options;
  const logFile = path.join(ctx.runDir, 'server.log');
  const agent = new http.Agent({ keepAlive: true, maxSockets: CLIENTS });
  const starts: number[] = [];
  const peaks: number[] = [];
  let server: ServerProcess | null = null;
  try {
    for (let attempt = 0; attempt < sizes.coldStarts; attempt++) {
      server = await ServerProcess.start(ctx.data.dir, logFile);
      starts.push(await server.firstAnswer(agent, FIRST_QUERY, 120_000));
      ctx.log(`  cold start ${attempt + 1}: ${formatNumber(starts.at(-1)!)} ms to the first answer`);
      if (attempt < sizes.coldStarts - 1) {
        peaks.push(server.peakRssBytes() ?? Number.NaN);
        await server.stop();
        server = null;
      }
    }
    const running = server!;
    const results: FigureResult[] = [];
    const coldMs = median(starts);
    results.push(
      measured(coldStart, coldMs, `${formatNumber(coldMs)} ms (${formatNumber(ctx.data.world.events)} events)`, ctx.compare && ctx.fullSize, {
        runs: starts,
        query: FIRST_QUERY,
      }),
    );

    if (wanted.has('graphql')) results.push(await loadTest(ctx, running, agent));
    const peak = running.peakRssBytes();
    if (peak !== null) peaks.push(peak);
    await running.stop();
    server = null;
    if (peaks.length === 0 || peaks.every((value) => Number.isNaN(value))) {
      results.push(withoutValue(peakRss, 'skipped', '/proc/<pid>/status is not readable here'));
    } else {
      const mb = Math.max(...peaks.filter((value) => !Number.isNaN(value))) / (1024 * 1024);
      results.push(
        measured(peakRss, mb, `${formatNumber(mb)} MB`, ctx.compare && ctx.fullSize, {
          vmHwmBytes: peaks,
          over: 'cold starts and the GraphQL load (the largest of the processes)',
        }),
      );
    }
    return results;
  } finally {
    await server?.stop();
    agent.destroy();
  }
}

async function loadTest(ctx: BenchContext, server: ServerProcess, agent: http.Agent): Promise<FigureResult> {
  const { sizes } = ctx.options;
  const largest = ctx.data.world.largestAccounts[0]!;
  // Introspection is off in production, so ask for the timeline and see whether the schema knows it.
  const timelinePayload = JSON.stringify({ query: TIMELINE_QUERY, variables: { id: largest.id } });
  const timelineProbe = await postGraphql(agent, server.port, timelinePayload);
  const usesTimeline = timelineProbe.status === 200 && !timelineProbe.body.errors;
  const unknownField = JSON.stringify(timelineProbe.body.errors ?? '').includes('Cannot query field');
  if (!usesTimeline && !unknownField) {
    return withoutValue(graphqlHttp, 'error', `the timeline query failed: HTTP ${timelineProbe.status} ${JSON.stringify(timelineProbe.body.errors ?? timelineProbe.body).slice(0, 300)}`);
  }
  const payload = usesTimeline ? timelinePayload : DIRECTORY_QUERY;
  const probe = await postGraphql(agent, server.port, payload);
  if (probe.status !== 200 || probe.body.errors) {
    return withoutValue(graphqlHttp, 'error', `the query failed: HTTP ${probe.status} ${JSON.stringify(probe.body.errors ?? probe.body).slice(0, 300)}`);
  }

  await drive(agent, server.port, payload, sizes.httpWarmupSeconds);
  const run = await drive(agent, server.port, payload, sizes.httpSeconds);
  const rate = run.ok / run.seconds;
  const p50 = percentile(run.latencies, 50);
  const p99 = percentile(run.latencies, 99);
  const which = usesTimeline ? 'timeline(first: 50) of the largest account' : 'thirdParties(first: 50): the schema has no timeline query yet';
  // The directory's first page as well: the other list every screen opens.
  let directory: Record<string, number> | null = null;
  if (usesTimeline) {
    const directoryRun = await drive(agent, server.port, DIRECTORY_QUERY, Math.max(0.2, sizes.httpSeconds / 2));
    directory = {
      requestsPerSecond: directoryRun.ok / directoryRun.seconds,
      p50: percentile(directoryRun.latencies, 50),
      p99: percentile(directoryRun.latencies, 99),
      failed: directoryRun.failed,
    };
    ctx.log(`  thirdParties(first: 50): ${formatNumber(directory['requestsPerSecond']!)} req/s, p99 ${formatNumber(directory['p99']!, 1)} ms`);
  }
  ctx.log(`  ${which}: ${formatNumber(rate)} req/s, p50 ${formatNumber(p50, 1)} ms, p99 ${formatNumber(p99, 1)} ms, ${run.failed} failed`);
  if (run.failed > 0) {
    return withoutValue(graphqlHttp, 'error', `${run.failed} of ${run.ok + run.failed} requests failed (${run.firstFailure})`, { rate, p50, p99 });
  }
  const result = measured(graphqlHttp, rate, `${formatNumber(rate)} req/s, p50 ${ms(p50)} / p99 ${ms(p99)}`, ctx.compare, {
    query: which,
    clients: CLIENTS,
    seconds: run.seconds,
    requests: run.ok,
    p50,
    p90: percentile(run.latencies, 90),
    p99,
    max: Math.max(...run.latencies),
    directoryFirstPage: directory,
  });
  // Both halves of the target must hold: the rate and the p99.
  if (result.status === 'pass' && p99 > P99_TARGET_MS) return { ...result, status: 'fail', note: `p99 ${formatNumber(p99, 1)} ms > ${P99_TARGET_MS} ms` };
  return usesTimeline ? result : { ...result, note: which };
}

interface Drive {
  readonly ok: number;
  readonly failed: number;
  readonly firstFailure: string | null;
  readonly latencies: number[];
  readonly seconds: number;
}

/** CLIENTS loops, each sending the next request as soon as the previous one is answered, for `seconds`. */
async function drive(agent: http.Agent, port: number, payload: string, seconds: number): Promise<Drive> {
  const latencies: number[] = [];
  let failed = 0;
  let firstFailure: string | null = null;
  const startedAt = performance.now();
  const stopAt = startedAt + seconds * 1000;
  const client = async (): Promise<void> => {
    while (performance.now() < stopAt) {
      const sentAt = performance.now();
      try {
        const answer = await postGraphql(agent, port, payload);
        if (answer.status !== 200 || answer.body.errors) throw new Error(`HTTP ${answer.status} ${JSON.stringify(answer.body.errors ?? '').slice(0, 200)}`);
        latencies.push(performance.now() - sentAt);
      } catch (error) {
        failed += 1;
        firstFailure ??= error instanceof Error ? error.message : String(error);
      }
    }
  };
  await Promise.all(Array.from({ length: CLIENTS }, client));
  return { ok: latencies.length, failed, firstFailure, latencies, seconds: (performance.now() - startedAt) / 1000 };
}
