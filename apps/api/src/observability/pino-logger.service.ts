import type { LoggerService, LogLevel as NestLogLevel } from '@nestjs/common';
import { createLogger, type Logger, type LoggerOptions } from '#platform';

type Level = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace';

/**
 * Nest's logger interface over pino: every `new Logger('Context')` of the app,
 * the worker and the automations writes one JSON line with its context and,
 * inside a request or an automation's handling of an event, its correlation
 * id. A message may be a string or an object of fields (`{ msg, ...fields }`).
 */
export class PinoLoggerService implements LoggerService {
  constructor(readonly pino: Logger) {}

  static create(options: LoggerOptions): PinoLoggerService {
    return new PinoLoggerService(createLogger(options));
  }

  log(message: unknown, ...optional: unknown[]): void {
    this.write('info', message, optional);
  }

  error(message: unknown, ...optional: unknown[]): void {
    this.write('error', message, optional);
  }

  warn(message: unknown, ...optional: unknown[]): void {
    this.write('warn', message, optional);
  }

  debug(message: unknown, ...optional: unknown[]): void {
    this.write('debug', message, optional);
  }

  verbose(message: unknown, ...optional: unknown[]): void {
    this.write('trace', message, optional);
  }

  fatal(message: unknown, ...optional: unknown[]): void {
    this.write('fatal', message, optional);
  }

  /** Levels are pino's (SUIVI_LOG_LEVEL); Nest's own filter is not used. */
  setLogLevels(_levels: NestLogLevel[]): void {}

  /**
   * Nest passes the context last (`error(message, stack, context)`), and an
   * error's stack before it.
   */
  private write(level: Level, message: unknown, optional: readonly unknown[]): void {
    if (!this.pino.isLevelEnabled(level)) return;
    const strings = optional.filter((value): value is string => typeof value === 'string');
    const context = strings.length > 0 ? strings[strings.length - 1] : undefined;
    const stack = level === 'error' || level === 'fatal' ? (strings.length > 1 ? strings[0] : undefined) : undefined;
    const fields: Record<string, unknown> = {};
    if (context !== undefined) fields['context'] = context;
    if (stack !== undefined) fields['stack'] = stack;
    if (message instanceof Error) {
      this.pino[level]({ ...fields, err: message }, message.message);
    } else if (typeof message === 'object' && message !== null) {
      const { msg, ...rest } = message as Record<string, unknown>;
      this.pino[level]({ ...fields, ...rest }, typeof msg === 'string' ? msg : '');
    } else {
      this.pino[level](fields, String(message));
    }
  }
}
