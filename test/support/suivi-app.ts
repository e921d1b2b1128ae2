import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { AppModule } from '../../apps/api/src/app.module.js';
import { ProjectionWorkerModule } from '../../apps/worker/src/projection-worker.module.js';

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
  ) {}

  static async start(options: { dataDir?: string; env?: Record<string, string> } = {}): Promise<SuiviApp> {
    const dataDir = options.dataDir ?? mkdtempSync(path.join(os.tmpdir(), 'suivi-e2e-'));
    process.env['SUIVI_DATA_DIR'] = dataDir;
    for (const [key, value] of Object.entries(options.env ?? {})) process.env[key] = value;
    const app = await NestFactory.create<NestFastifyApplication>(
      AppModule.register([ProjectionWorkerModule]),
      new FastifyAdapter(),
      { logger: ['error', 'warn'] },
    );
    await app.listen(0, '127.0.0.1');
    const address = app.getHttpServer().address();
    const port = typeof address === 'object' && address ? address.port : 0;
    return new SuiviApp(app, `http://127.0.0.1:${port}`, dataDir, options.dataDir === undefined);
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

  async stop(): Promise<void> {
    await this.app.close();
    if (this.ownsDataDir) rmSync(this.dataDir, { recursive: true, force: true });
  }
}
