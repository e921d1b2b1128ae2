import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import 'reflect-metadata';
import type { LoggerService, LogLevel } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { MongoClient } from 'mongodb';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { loadConfig } from '#platform';
import type { EventStore } from '#event-store';
import { userIdForLogin } from '#security';
import { AppModule } from '../../apps/api/src/app.module.js';
import { applyRateLimit, createHttpAdapter } from '../../apps/api/src/http/http-hardening.js';
import { EVENT_STORE } from '../../apps/api/src/infrastructure/tokens.js';
import { ProjectionWorkerModule } from '../../apps/worker/src/projection-worker.module.js';

/**
 * The stores every e2e suite runs on: the embedded default always, and the
 * MongoDB read store too when MONGODB_URL names a server (each run in a
 * database of its own). For `describe.each(backends)`.
 */
export function e2eBackends(): [label: string, mongodbUrl: string | undefined][] {
  const backends: [string, string | undefined][] = [['embedded SQLite stores', undefined]];
  const mongodbUrl = isolatedMongoUrl();
  if (mongodbUrl) backends.push(['SQLite events, MongoDB read models', mongodbUrl]);
  return backends;
}

/** MONGODB_URL with a fresh database name, or null when no MongoDB server is configured. */
export function isolatedMongoUrl(): string | null {
  const base = process.env['MONGODB_URL'];
  if (!base) return null;
  const url = new URL(base);
  url.pathname = `/suivi_e2e_${randomBytes(4).toString('hex')}`;
  return url.toString();
}

/** Sets the given variables (undefined unsets) and returns how to put the previous values back. */
function overrideEnv(overrides: Record<string, string | undefined>): () => void {
  const previous = Object.entries(overrides).map(([name]) => [name, process.env[name]] as const);
  const apply = (entries: readonly (readonly [string, string | undefined])[]) => {
    for (const [name, value] of entries) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
  };
  apply(Object.entries(overrides));
  return () => apply(previous);
}

/**
 * The administrator token every e2e app starts with (SUIVI_ADMIN_TOKEN), and
 * the administrator's id: the actor of what the suites do.
 */
export const TEST_ADMIN_TOKEN = `suivi_${'0'.repeat(23)}1_${'e2eTestAdministratorToken'.padEnd(43, '0')}`;
export const ADMIN_USER_ID = userIdForLogin('admin');

export interface GraphQLResponse<T = Record<string, unknown>> {
  data?: T | null;
  errors?: { message: string; path?: string[]; extensions?: Record<string, unknown> }[];
}

/**
 * The whole app as `npm start` builds it (API + inline worker, embedded SQLite
 * stores in a temp dir), listening on an ephemeral loopback port.
 */
export class SuiviApp {
  private constructor(
    readonly app: NestFastifyApplication,
    readonly url: string,
    readonly dataDir: string,
    private readonly ownsDataDir: boolean,
    private readonly mongodbUrl: string | null,
    /** Sent as `Authorization: Bearer <token>` with every request; null: none. */
    readonly token: string | null,
  ) {}

  /** The same app, seen by the holder of another token (or of none). Stop the original, not this view. */
  as(token: string | null): SuiviApp {
    return new SuiviApp(this.app, this.url, this.dataDir, false, null, token);
  }

  /**
   * The environment decides the stores, so it is set explicitly: embedded SQLite
   * unless `mongodbUrl` is given (a database of its own, to isolate runs).
   */
  static async start(
    options: {
      dataDir?: string;
      mongodbUrl?: string;
      catalogueFile?: string;
      /** Extra environment for this app only (undefined unsets): in force while it starts, where config is read. */
      env?: Record<string, string | undefined>;
      /** SUIVI_ADMIN_TOKEN, also the token requests carry; default TEST_ADMIN_TOKEN; null: unset, and no token sent. */
      adminToken?: string | null;
      logger?: LoggerService | LogLevel[];
    } = {},
  ): Promise<SuiviApp> {
    const dataDir = options.dataDir ?? mkdtempSync(path.join(os.tmpdir(), 'suivi-e2e-'));
    process.env['SUIVI_DATA_DIR'] = dataDir;
    delete process.env['EVENTSTORE_URL'];
    if (options.mongodbUrl) process.env['MONGODB_URL'] = options.mongodbUrl;
    else delete process.env['MONGODB_URL'];
    if (options.catalogueFile) process.env['SUIVI_CATALOGUE_FILE'] = options.catalogueFile;
    else delete process.env['SUIVI_CATALOGUE_FILE'];
    const adminToken = options.adminToken === undefined ? TEST_ADMIN_TOKEN : options.adminToken;
    const restoreEnv = overrideEnv({ SUIVI_ADMIN_TOKEN: adminToken ?? undefined, ...options.env });
    let app: NestFastifyApplication;
    try {
      const config = loadConfig();
      app = await NestFactory.create<NestFastifyApplication>(
        AppModule.register([ProjectionWorkerModule]),
        createHttpAdapter(config),
        { logger: options.logger ?? ['error', 'warn'] },
      );
      await applyRateLimit(app, config.limits);
      await app.listen(0, '127.0.0.1');
    } finally {
      restoreEnv();
    }
    const address = app.getHttpServer().address();
    const port = typeof address === 'object' && address ? address.port : 0;
    return new SuiviApp(app, `http://127.0.0.1:${port}`, dataDir, options.dataDir === undefined, options.mongodbUrl ?? null, adminToken);
  }

  async graphql<T = Record<string, unknown>>(
    query: string,
    variables: Record<string, unknown> = {},
    headers: Record<string, string> = {},
  ): Promise<{ status: number; body: GraphQLResponse<T> }> {
    const { status, body } = await this.post<T>(JSON.stringify({ query, variables }), headers);
    return { status, body };
  }

  /** POSTs a raw JSON body to /graphql, for what `graphql()` cannot send: batches, oversized bodies. */
  async post<T = Record<string, unknown>>(
    body: string,
    headers: Record<string, string> = {},
  ): Promise<{ status: number; headers: Headers; body: GraphQLResponse<T> }> {
    const response = await fetch(`${this.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(this.token === null ? {} : { authorization: `Bearer ${this.token}` }), ...headers },
      body,
    });
    return { status: response.status, headers: response.headers, body: (await response.json()) as GraphQLResponse<T> };
  }

  /** Position of the last event in the log: unchanged when a refused command wrote nothing. */
  async headPosition(): Promise<bigint | null> {
    return this.app.get<EventStore>(EVENT_STORE).headPosition();
  }

  async stop(): Promise<void> {
    await this.app.close();
    if (this.mongodbUrl) {
      const client = await MongoClient.connect(this.mongodbUrl);
      try {
        await client.db().dropDatabase();
      } finally {
        await client.close();
      }
    }
    if (this.ownsDataDir) rmSync(this.dataDir, { recursive: true, force: true });
  }
}
