import { GraphQLError, type GraphQLFormattedError } from 'graphql';
import { DomainRuleViolated, InvalidInput, NotFound } from '#domain';
import { EventStoreUnavailable, StreamDeleted, WrongExpectedRevision } from '#event-store';
import { InvalidCursor } from '#read-store';

export type ErrorCode =
  | 'BAD_USER_INPUT'
  | 'NOT_FOUND'
  | 'CONFLICT'
  | 'UNAUTHENTICATED'
  | 'FORBIDDEN'
  | 'SERVICE_UNAVAILABLE'
  | 'INTERNAL_SERVER_ERROR';

/** A client error raised by the API layer itself, naming the offending argument. */
export const badUserInput = (field: string, message: string): GraphQLError =>
  new GraphQLError(`${field}: ${message}`, { extensions: { code: 'BAD_USER_INPUT', field } });

/** Maps domain and store errors to the codes frontends rely on; null for anything else. */
export function toGraphQLError(error: unknown, fieldPrefix = ''): GraphQLError | null {
  if (error instanceof InvalidInput) {
    const field = fieldPrefix ? `${fieldPrefix}.${error.field}` : error.field;
    return new GraphQLError(error.message.replace(error.field, field), { extensions: { code: 'BAD_USER_INPUT', field } });
  }
  if (error instanceof InvalidCursor) {
    return new GraphQLError(`after: ${error.message}`, { extensions: { code: 'BAD_USER_INPUT', field: 'after' } });
  }
  if (error instanceof NotFound) return new GraphQLError(error.message, { extensions: { code: 'NOT_FOUND' } });
  if (error instanceof WrongExpectedRevision) {
    return new GraphQLError('the record was changed by someone else; reload it and try again', {
      extensions: {
        code: 'CONFLICT',
        expectedVersion: String(error.expected),
        actualVersion: String(error.actual),
      },
    });
  }
  if (error instanceof DomainRuleViolated || error instanceof StreamDeleted) {
    return new GraphQLError(error.message, { extensions: { code: 'CONFLICT' } });
  }
  if (error instanceof EventStoreUnavailable) {
    return new GraphQLError(`writes are unavailable: ${error.message}`, { extensions: { code: 'SERVICE_UNAVAILABLE' } });
  }
  return null;
}

/**
 * Last line of defence: errors that were not mapped are internal; in
 * production their message and stack never reach the client.
 */
export const formatError =
  (production: boolean) =>
  (formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError => {
    // Resolvers' errors are mapped by GraphQLErrorFilter; this catches what escapes it.
    const original = error instanceof GraphQLError && error.originalError ? error.originalError : error;
    const mapped = toGraphQLError(original);
    if (mapped) {
      return { message: mapped.message, path: formatted.path, locations: formatted.locations, extensions: { ...mapped.extensions } };
    }
    const code = formatted.extensions?.['code'];
    if (code && code !== 'INTERNAL_SERVER_ERROR') {
      if (!production) return formatted;
      const { stacktrace: _stacktrace, ...extensions } = formatted.extensions ?? {};
      return { ...formatted, extensions };
    }
    if (production) {
      return { message: 'internal error', path: formatted.path, extensions: { code: 'INTERNAL_SERVER_ERROR' } };
    }
    return formatted;
  };
