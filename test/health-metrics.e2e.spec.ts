import 'reflect-metadata';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { loadConfig } from '#platform';
import { ProjectionRunner, projections } from '#projections';
import { AppModule } from '../apps/api/src/app.module.js';
import { AdminBootstrap } from '../apps/api/src/auth/admin-bootstrap.service.js';
import { createHttpAdapter } from '../apps/api/src/http/http-hardening.js';
import { WorkerMetricsModule } from '../apps/worker/src/observability/worker-metrics.module.js';
import { WorkerModule } from '../apps/worker/src/worker.module.js';
import { SuiviApp, TEST_ADMIN_TOKEN } from './support/suivi-app.js';
import { SuiviClient } from './support/suivi-client.js';

/** One sample of a Prometheus text exposition: `name{a="x",b="y"} value`. */
interface Sample {
  readonly name: string;
  readonly labels: Record<string, string>;
  readonly value: number;
}

function samples(text: string): Sample[] {
  const out: Sample[] = [];
  for (const line of text.split('\n')) {
    const match = /^([a-zA-Z_:][\w:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!match) continue;
    const labels: Record<string, string> = {};
    for (const pair of (match[2] ?? '').matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)) labels[pair[1]!] = pair[2]!;
    out.push({ name: match[1]!, labels, value: Number(match[3]) });
  }
  return out;
}

/** The value of the one sample of `name` whose labels include `labels`; 0 when there is none yet. */
function valueOf(text: string, name: string, labels: Record<string, string> = {}): number {
  const found = samples(text).filter((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v));
  if (found.length > 1) throw new Error(`${found.length} samples of ${name} match ${JSON.stringify(labels)}`);
  return found[0]?.value ?? 0;
}

const metricsOf = async (suivi: SuiviApp, headers: Record<string, string> = {}): Promise<string> => {
  const response = await fetch(`${suivi.url}/metrics`, { headers });
  expect(response.status).toBe(200);
  expect(response.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
  return response.text();
};

const readiness = async (url: string): Promise<{ status: number; body: Record<string, unknown> }> => {
  const response = await fetch(`${url}/health/ready`);
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
};

const register = (client: SuiviClient, name: string) => client.must('registerThirdParty', { name, kind: 'COMPANY', roles: ['PROSPECT'] });

describe('health and metrics (embedded stores, inline worker)', () => {
  let suivi: SuiviApp;
  let client: SuiviClient;

  beforeAll(async () => {
    suivi = await SuiviApp.start({ env: { SUIVI_READY_MAX_LAG_EVENTS: '2' } });
    client = new SuiviClient(suivi);
    // The first request waits for the administrator's account; then the projections catch up with both.
    await register(client, 'Premier');
    await suivi.app.get(ProjectionRunner).waitFor(BigInt(client.lastPosition));
  });
  afterAll(() => suivi.stop());

  it('is ready when every store answers and the projections are caught up', async () => {
    const { status, body } = await readiness(suivi.url);
    expect(status).toBe(200);
    expect(body).toMatchObject({
      status: 'ok',
      failed: [],
      checks: {
        eventStore: { status: 'ok' },
        readStore: { status: 'ok' },
        keyStore: { status: 'ok' },
        projections: { status: 'ok', source: 'runner', thresholdEvents: 2, behind: [] },
      },
    });
  });

  it('counts a command in the latency histogram of its type, and the events it appended', async () => {
    const before = await metricsOf(suivi);
    await register(client, 'Métriques SA');
    const after = await metricsOf(suivi);
    const labels = { command: 'RegisterThirdParty', outcome: 'ok' };
    expect(valueOf(after, 'suivi_command_duration_seconds_count', labels)).toBe(valueOf(before, 'suivi_command_duration_seconds_count', labels) + 1);
    expect(valueOf(after, 'suivi_command_duration_seconds_sum', labels)).toBeGreaterThan(valueOf(before, 'suivi_command_duration_seconds_sum', labels));
    const appended = { command: 'RegisterThirdParty' };
    expect(valueOf(after, 'suivi_events_appended_total', appended)).toBe(valueOf(before, 'suivi_events_appended_total', appended) + 1);
    // Another type's count did not move.
    const other = { command: 'UpdateThirdParty', outcome: 'ok' };
    expect(valueOf(after, 'suivi_command_duration_seconds_count', other)).toBe(valueOf(before, 'suivi_command_duration_seconds_count', other));
  });

  it('counts GraphQL errors by the code the client received', async () => {
    const before = await metricsOf(suivi);
    const refused = await client.mutate('registerThirdParty', { name: '', kind: 'COMPANY', roles: ['PROSPECT'] });
    expect(refused.errors?.[0]?.extensions?.['code']).toBe('BAD_USER_INPUT');
    const after = await metricsOf(suivi);
    expect(valueOf(after, 'suivi_graphql_errors_total', { code: 'BAD_USER_INPUT' })).toBe(valueOf(before, 'suivi_graphql_errors_total', { code: 'BAD_USER_INPUT' }) + 1);
    const refusedLabels = { command: 'RegisterThirdParty', outcome: 'refused' };
    expect(valueOf(after, 'suivi_command_duration_seconds_count', refusedLabels)).toBe(
      valueOf(before, 'suivi_command_duration_seconds_count', refusedLabels) + 1,
    );
  });

  it('exposes the lag and parked events of every projection, and the process metrics', async () => {
    const text = await metricsOf(suivi);
    for (const projection of projections) {
      expect(samples(text).some((s) => s.name === 'suivi_projection_lag_events' && s.labels['projection'] === projection.name)).toBe(true);
    }
    expect(text).toContain('# TYPE suivi_parked_events gauge');
    expect(text).toContain('# TYPE suivi_mails_sent_total counter');
    expect(text).toContain('# TYPE suivi_mails_failed_total counter');
    expect(valueOf(text, 'suivi_process_resident_memory_bytes')).toBeGreaterThan(0);
  });

  it('turns unready, naming the projections, while they are further behind than SUIVI_READY_MAX_LAG_EVENTS', async () => {
    const runner = suivi.app.get(ProjectionRunner);
    await runner.stop();
    try {
      for (const name of ['Retard Un', 'Retard Deux', 'Retard Trois']) await register(client, name);
      const { status, body } = await readiness(suivi.url);
      expect(status).toBe(503);
      expect(body['failed']).toEqual(['projections']);
      const check = (body['checks'] as Record<string, { behind?: { name: string; lagEvents: string }[]; reason?: string }>)['projections']!;
      expect(check.reason).toMatch(/more than 2 events behind/);
      expect(check.behind?.map((row) => row.name)).toEqual(expect.arrayContaining(projections.map((p) => p.name)));
      expect(check.behind?.every((row) => BigInt(row.lagEvents) >= 3n)).toBe(true);
      const lag = valueOf(await metricsOf(suivi), 'suivi_projection_lag_events', { projection: projections[0]!.name });
      expect(lag).toBeGreaterThanOrEqual(3);
    } finally {
      await runner.start();
    }
    await runner.waitFor(BigInt(client.lastPosition));
    await expect(readiness(suivi.url)).resolves.toMatchObject({ status: 200 });
  });
});

describe('/metrics with SUIVI_METRICS_TOKEN', () => {
  const token = 'metrics-token-0123456789';
  let suivi: SuiviApp;

  beforeAll(async () => {
    suivi = await SuiviApp.start({ env: { SUIVI_METRICS_TOKEN: token } });
    // Nothing here goes through GraphQL: let the first administrator be created before the app stops.
    await suivi.app.get(AdminBootstrap).ready;
  });
  afterAll(() => suivi.stop());

  it('wants the token, and needs no Suivi API token', async () => {
    expect((await fetch(`${suivi.url}/metrics`)).status).toBe(401);
    expect((await fetch(`${suivi.url}/metrics`, { headers: { authorization: 'Bearer not-the-metrics-token' } })).status).toBe(401);
    const text = await metricsOf(suivi, { authorization: `Bearer ${token}` });
    expect(text).toContain('suivi_command_duration_seconds');
  });
});

describe('readiness of an API process without the worker (SUIVI_WORKER=off)', () => {
  let suivi: SuiviApp;
  let api: NestFastifyApplication;
  let apiUrl: string;

  beforeAll(async () => {
    suivi = await SuiviApp.start({ env: { SUIVI_READY_MAX_LAG_EVENTS: '1' } });
    // Once the first administrator exists: a second process must not create one of its own meanwhile.
    await register(new SuiviClient(suivi), 'Avant le second processus');
    // A second process's view of the same data directory: the API alone, as with SUIVI_WORKER=off.
    const previous = { ...process.env };
    Object.assign(process.env, { SUIVI_DATA_DIR: suivi.dataDir, SUIVI_READY_MAX_LAG_EVENTS: '1', SUIVI_WORKER: 'off', SUIVI_ADMIN_TOKEN: TEST_ADMIN_TOKEN });
    try {
      const config = loadConfig();
      api = await NestFactory.create<NestFastifyApplication>(AppModule.register([]), createHttpAdapter(config), { logger: ['error'] });
      await api.listen(0, '127.0.0.1');
    } finally {
      for (const name of ['SUIVI_READY_MAX_LAG_EVENTS', 'SUIVI_WORKER', 'SUIVI_ADMIN_TOKEN']) {
        if (previous[name] === undefined) delete process.env[name];
        else process.env[name] = previous[name];
      }
    }
    const address = api.getHttpServer().address();
    apiUrl = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  });
  afterAll(async () => {
    await api.close();
    await suivi.stop();
  });

  it('reads the lag from the checkpoints the worker saved', async () => {
    const client = new SuiviClient(suivi);
    await register(client, 'Lecteur Séparé');
    await suivi.app.get(ProjectionRunner).waitFor(BigInt(client.lastPosition));
    await suivi.app.get(ProjectionRunner).stop();
    await expect(readiness(apiUrl)).resolves.toMatchObject({ status: 200, body: { checks: { projections: { source: 'checkpoints' } } } });
    await register(client, 'Sans Worker Un');
    await register(client, 'Sans Worker Deux');
    const { status, body } = await readiness(apiUrl);
    expect(status).toBe(503);
    expect(body).toMatchObject({ failed: ['projections'], checks: { projections: { status: 'failed', source: 'checkpoints' } } });
  });
});

describe('the separate worker\'s /metrics (SUIVI_WORKER_METRICS_PORT)', () => {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'suivi-worker-metrics-'));
  let worker: INestApplicationContext;

  beforeAll(async () => {
    const previous = { ...process.env };
    Object.assign(process.env, { SUIVI_DATA_DIR: dataDir, SUIVI_WORKER_METRICS_PORT: '0', HOST: '127.0.0.1' });
    delete process.env['MONGODB_URL'];
    delete process.env['EVENTSTORE_URL'];
    try {
      worker = await NestFactory.createApplicationContext(WorkerModule, { logger: ['error'] });
      await worker.init();
    } finally {
      for (const name of ['SUIVI_WORKER_METRICS_PORT', 'HOST']) {
        if (previous[name] === undefined) delete process.env[name];
        else process.env[name] = previous[name];
      }
    }
  });
  afterAll(async () => {
    await worker.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('serves the projection gauges of the projections it runs, and nothing else', async () => {
    const port = worker.get(WorkerMetricsModule).port;
    expect(port).not.toBeNull();
    const response = await fetch(`http://127.0.0.1:${port}/metrics`);
    expect(response.status).toBe(200);
    const text = await response.text();
    expect(samples(text).filter((s) => s.name === 'suivi_projection_lag_events').map((s) => s.labels['projection']).sort()).toEqual(
      projections.map((p) => p.name).sort(),
    );
    expect((await fetch(`http://127.0.0.1:${port}/graphql`)).status).toBe(404);
  });
});
