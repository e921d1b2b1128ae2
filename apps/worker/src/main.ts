import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { describeStores, loadConfig } from '#platform';
import { PinoLoggerService } from '../../api/src/observability/pino-logger.service.js';
import { WorkerModule } from './worker.module.js';

/**
 * `npm run start:worker`: the projection worker alone, for deployments whose API
 * processes run with SUIVI_WORKER=off. Run exactly one per deployment.
 */
async function bootstrap(): Promise<void> {
  const logger = new Logger('Worker');
  const config = loadConfig();
  const app = await NestFactory.createApplicationContext(WorkerModule, {
    logger: PinoLoggerService.create({ level: config.logLevel, process: 'worker' }),
  });
  logger.log(`projection worker started — ${describeStores(config)}`);
  let closing = false;
  const shutdown = (signal: string): void => {
    if (closing) return;
    closing = true;
    logger.log(`${signal} received: flushing projections and saving checkpoints`);
    app
      .close()
      .then(() => {
        logger.log('stopped cleanly');
        process.exit(0);
      })
      .catch((error: unknown) => {
        logger.error(`shutdown failed: ${error instanceof Error ? error.message : String(error)}`);
        process.exit(1);
      });
  };
  process.once('SIGTERM', () => shutdown('SIGTERM'));
  process.once('SIGINT', () => shutdown('SIGINT'));
}

bootstrap().catch((error: unknown) => {
  process.stderr.write(`Suivi worker failed to start: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
