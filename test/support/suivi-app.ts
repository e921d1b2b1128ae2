import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { MongoClient } from 'mongodb';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import type { EventStore } from '#event-store';
import { AppModule } from '../../apps/api/src/app.module.js';
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
  ) {}

  /**
   * The environment decides the stores, so it is set explicitly: embedded SQLite
   * unless `mongodbUrl` is given (a database of its own, to isolate runs).
   */
  static async start(options: { dataDir?: string; mongodbUrl?: string; catalogueFile?: string } = {}): Promise<SuiviApp> {
    const dataDir = options.dataDir ?? mkdtempSync(path.join(os.tmpdir(), 'suivi-e2e-'));
    process.env['SUIVI_DATA_DIR'] = dataDir;
    delete process.env['EVENTSTORE_URL'];
    if (options.mongodbUrl) process.env['MONGODB_URL'] = options.mongodbUrl;
    else delete process.env['MONGODB_URL'];
    if (options.catalogueFile) process.env['SUIVI_CATALOGUE_FILE'] = options.catalogueFile;
    else delete process.env['SUIVI_CATALOGUE_FILE'];
    const app = await NestFactory.create<NestFastifyApplication>(
      AppModule.register([ProjectionWorkerModule]),
      new FastifyAdapter(),
      { logger: ['error', 'warn'] },
    );
    await app.listen(0, '127.0.0.1');
    const address = app.getHttpServer().address();
    const port = typeof address === 'object' && address ? address.port : 0;
    return new SuiviApp(app, `http://127.0.0.1:${port}`, dataDir, options.dataDir === undefined, options.mongodbUrl ?? null);
  }

  async graphql<T = Record<string, unknown>>(
    query: string,
    variables: Record<string, unknown> = {},
    headers: Record<string, string> = {},
  ): Promise<{ status: number; body: GraphQLResponse<T> }> {
    const response = await fetch(`${this.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: JSON.stringify({ query, variables }),
    });
    return { status: response.status, body: (await response.json()) as GraphQLResponse<T> };
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
