import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { describeStores, loadConfig } from '#platform';
import { ProjectionWorkerModule } from '../../worker/src/projection-worker.module.js';
import { AppModule } from './app.module.js';
import { applyRateLimit, createHttpAdapter } from './http/http-hardening.js';
import { PinoLoggerService } from './observability/pino-logger.service.js';
import { installGracefulShutdown } from './shutdown.js';

/**
 * `npm start`: the GraphQL API and, unless SUIVI_WORKER=off, the projection
 * worker in the same process — the embedded default needs nothing else.
 */
async function bootstrap(): Promise<void> {
  const config = loadConfig();
  const logger = new Logger('Suivi');
  const extra = config.worker === 'inline' ? [ProjectionWorkerModule] : [];
  // JSON lines from the first message on (SUIVI_LOG_LEVEL); `new Logger(...)` everywhere writes through it.
  const app = await NestFactory.create<NestFastifyApplication>(AppModule.register(extra), createHttpAdapter(config), {
    logger: PinoLoggerService.create({ level: config.logLevel, process: 'api' }),
  });
  installGracefulShutdown(app, logger);
  await applyRateLimit(app, config.limits);
  await app.listen(config.port, config.host);
  const url = await app.getUrl();
  logger.log(`GraphQL at ${url.replace('[::1]', 'localhost')}/graphql — ${describeStores(config)}; worker ${config.worker}`);
}

bootstrap().catch((error: unknown) => {
  process.stderr.write(`Suivi failed to start: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
