import type { INestApplication, LoggerService } from '@nestjs/common';

/**
 * On SIGTERM/SIGINT: stop accepting connections and let in-flight requests (and
 * their appends) finish, then run Nest's shutdown hooks — the worker flushes its
 * batch and saves checkpoints, and the stores close last.
 */
export function installGracefulShutdown(app: INestApplication, logger: LoggerService): void {
  let closing = false;
  const shutdown = (signal: string): void => {
    if (closing) return;
    closing = true;
    logger.log(`${signal} received: finishing in-flight work`);
    const instance = app.getHttpAdapter().getInstance() as { close?: () => Promise<void> };
    Promise.resolve(instance.close?.())
      .then(() => app.close())
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
