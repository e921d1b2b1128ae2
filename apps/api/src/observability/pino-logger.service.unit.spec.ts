import { describe, expect, it } from '@jest/globals';
import { runWithCorrelation } from '#platform';
import { PinoLoggerService } from './pino-logger.service.js';

const capture = (level: 'info' | 'warn' = 'info') => {
  const lines: Record<string, unknown>[] = [];
  const logger = PinoLoggerService.create({ level, process: 'api', destination: { write: (line: string) => void lines.push(JSON.parse(line) as Record<string, unknown>) } });
  return { logger, lines };
};

describe('the pino LoggerService', () => {
  it("writes Nest's (message, context) and (message, stack, context) as fields", () => {
    const { logger, lines } = capture();
    logger.log('started', 'Worker');
    logger.error('failed', 'Error: boom\n    at x', 'Projections');
    logger.warn({ msg: 'request', statusCode: 503 }, 'HTTP');
    expect(lines).toEqual([
      expect.objectContaining({ level: 'info', msg: 'started', context: 'Worker', process: 'api' }),
      expect.objectContaining({ level: 'error', msg: 'failed', context: 'Projections', stack: 'Error: boom\n    at x' }),
      expect.objectContaining({ level: 'warn', msg: 'request', context: 'HTTP', statusCode: 503 }),
    ]);
  });

  it('adds the correlation id of the work in hand, and drops what is below its level', () => {
    const { logger, lines } = capture('warn');
    runWithCorrelation('corr-9', () => {
      logger.log('not at warn');
      logger.warn('kept', 'Mail');
    });
    logger.warn('outside');
    expect(lines.map((line) => [line['msg'], line['correlationId']])).toEqual([
      ['kept', 'corr-9'],
      ['outside', undefined],
    ]);
  });
});
