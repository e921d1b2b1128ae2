import { createHash, timingSafeEqual } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Inject, Logger, Module, type BeforeApplicationShutdown, type OnApplicationBootstrap } from '@nestjs/common';
import { processMetrics, type SuiviConfig } from '#platform';
import { ProjectionRunner } from '#projections';
import { bearerToken } from '#security';
import { CONFIG } from '../../../api/src/infrastructure/tokens.js';
import { ProjectionWorkerModule } from '../projection-worker.module.js';

const digest = (value: string): Buffer => createHash('sha256').update(value).digest();

/**
 * The separate worker's /metrics (SUIVI_WORKER_METRICS_PORT, off by default):
 * its commands, its mails and the lag of the projections it runs. A plain
 * node:http listener, not Fastify: it serves one path. The API process of the
 * embedded default serves the same figures on its own /metrics.
 */
@Module({ imports: [ProjectionWorkerModule] })
export class WorkerMetricsModule implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger('Metrics');
  private server: Server | null = null;

  constructor(
    @Inject(CONFIG) private readonly config: SuiviConfig,
    @Inject(ProjectionRunner) private readonly runner: ProjectionRunner,
  ) {}

  /** The port the listener got (useful with SUIVI_WORKER_METRICS_PORT=0); null when it does not run. */
  get port(): number | null {
    const address = this.server?.address();
    return address && typeof address === 'object' ? (address as AddressInfo).port : null;
  }

  async onApplicationBootstrap(): Promise<void> {
    const port = this.config.workerMetricsPort;
    const metrics = processMetrics();
    metrics.observeProjections({
      lag: () => this.runner.lag(),
      parked: async () => {
        const counts = new Map<string, number>();
        for (const record of await this.runner.listParked()) counts.set(record.projection, (counts.get(record.projection) ?? 0) + 1);
        return counts;
      },
    });
    if (port === null) return;
    const token = this.config.metricsToken;
    const server = createServer((request, response) => {
      const path = (request.url ?? '/').split('?')[0];
      if (request.method !== 'GET' || (path !== '/metrics' && path !== '/health/live')) {
        response.writeHead(404, { 'content-type': 'text/plain' }).end('not found: this port serves GET /metrics and /health/live\n');
        return;
      }
      if (path === '/health/live') {
        response.writeHead(200, { 'content-type': 'application/json' }).end('{"status":"ok"}');
        return;
      }
      const presented = bearerToken(request.headers.authorization);
      if (token !== null && (presented === null || !timingSafeEqual(digest(presented), digest(token)))) {
        response.writeHead(401, { 'content-type': 'text/plain', 'www-authenticate': 'Bearer' }).end('send the SUIVI_METRICS_TOKEN as a bearer token\n');
        return;
      }
      metrics.text().then(
        (text) => response.writeHead(200, { 'content-type': metrics.contentType, 'cache-control': 'no-store' }).end(text),
        (error: unknown) => {
          this.logger.error(`collecting the metrics failed: ${error instanceof Error ? error.message : String(error)}`);
          response.writeHead(500, { 'content-type': 'text/plain' }).end('collecting the metrics failed\n');
        },
      );
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, this.config.host, () => resolve());
    });
    this.server = server;
    this.logger.log(`worker metrics at http://${this.config.host}:${this.port}/metrics`);
  }

  async beforeApplicationShutdown(): Promise<void> {
    const server = this.server;
    this.server = null;
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}
