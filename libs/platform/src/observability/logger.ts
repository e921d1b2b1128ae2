import pino, { type DestinationStream, type Logger } from 'pino';
import { currentCorrelationId } from './correlation.js';

export type LogLevel = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
export const LOG_LEVELS: readonly LogLevel[] = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];

export interface LoggerOptions {
  readonly level: LogLevel;
  /** `api`, `worker`: which process wrote the line, when several write to one collector. */
  readonly process: string;
  /** Default: stdout. */
  readonly destination?: DestinationStream;
}

/**
 * One JSON object per line, with the correlation id of the work in hand. What
 * goes in a line is ids, types, counts and durations: never a name, an address
 * or a comment, because log collectors are kept longer and read more widely
 * than the stores, and an erasure does not reach them.
 */
export function createLogger(options: LoggerOptions): Logger {
  return pino(
    {
      level: options.level,
      base: { process: options.process, pid: process.pid },
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
      mixin: () => {
        const correlationId = currentCorrelationId();
        return correlationId === null ? {} : { correlationId };
      },
    },
    // Synchronous: the last lines before a process.exit (a failed start, a shutdown) are not lost in a buffer.
    options.destination ?? pino.destination({ dest: 1, sync: true }),
  );
}

export type { Logger };
