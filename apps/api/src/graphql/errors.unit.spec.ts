import { runInNewContext } from 'node:vm';
import { describe, expect, it } from '@jest/globals';
import { toGraphQLError } from './errors.js';

/** An error made in another realm, as a native driver's may be: `instanceof Error` is false here. */
const foreignError = (message: string, code: string, cause?: unknown): unknown => {
  const error = runInNewContext(`new Error(${JSON.stringify(message)})`) as { code?: string; cause?: unknown };
  error.code = code;
  if (cause !== undefined) error.cause = cause;
  return error;
};

describe('toGraphQLError for a store on a full, read-only or failing volume', () => {
  it('answers SERVICE_UNAVAILABLE saying what to do, whatever realm the driver error comes from', () => {
    expect(foreignError('database or disk is full', 'SQLITE_FULL') instanceof Error).toBe(false);
    const full = toGraphQLError(foreignError('database or disk is full', 'SQLITE_FULL'));
    expect(full?.extensions['code']).toBe('SERVICE_UNAVAILABLE');
    expect(full?.message).toMatch(/full.*free space/i);

    const readOnly = toGraphQLError(new Error('the key store failed', { cause: foreignError('attempt to write a readonly database', 'SQLITE_READONLY') }));
    expect(readOnly?.extensions['code']).toBe('SERVICE_UNAVAILABLE');
    expect(readOnly?.message).toMatch(/read-only/);

    const io = toGraphQLError(foreignError('disk I/O error', 'SQLITE_IOERR_WRITE'));
    expect(io?.extensions['code']).toBe('SERVICE_UNAVAILABLE');
  });

  it('leaves an error with no storage code unmapped', () => {
    expect(toGraphQLError(foreignError('no such table: x', 'SQLITE_ERROR'))).toBeNull();
  });
});
