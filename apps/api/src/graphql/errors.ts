import type { ApolloServerPlugin } from '@apollo/server';
import { BREAK, GraphQLError, Kind, parse, visit, type ASTNode, type GraphQLFormattedError } from 'graphql';
import { DomainRuleViolated, InvalidInput, NotFound } from '#domain';
import { EventStoreUnavailable, StreamDeleted, SubjectForgotten, SubjectKeysMissing, SubjectKeysUnavailable, WrongExpectedRevision } from '#event-store';
import { InvalidCursor } from '#read-store';
import { InvalidDateTime } from './scalars.js';

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
  if (error instanceof SubjectForgotten) {
    // A record that still names a forgotten person (an exchange with a forgotten contact) takes no new text about them.
    return new GraphQLError(
      `${error.message}: this record names someone who was forgotten, so it accepts no new personal data (remove them from it first)`,
      { extensions: { code: 'CONFLICT' } },
    );
  }
  if (error instanceof EventStoreUnavailable) {
    return new GraphQLError(`writes are unavailable: ${error.message}`, { extensions: { code: 'SERVICE_UNAVAILABLE' } });
  }
  const storage = storageFailure(error);
  if (storage) return new GraphQLError(storage, { extensions: { code: 'SERVICE_UNAVAILABLE' } });
  if (error instanceof SubjectKeysUnavailable && !(error instanceof SubjectKeysMissing)) {
    return new GraphQLError(`writes are unavailable: ${error.message}; nothing was written, retry once the key store is back`, {
      extensions: { code: 'SERVICE_UNAVAILABLE' },
    });
  }
  return null;
}

/**
 * The volume under a store (the key store, the read store, the outbox, not
 * only the event log, which says so itself) is full, read-only or failing:
 * whichever store met it first, the command did not complete and the operator
 * has the same thing to do. Found on the error or its causes; null otherwise.
 */
function storageFailure(error: unknown): string | null {
  // Duck-typed, not instanceof Error: a driver's error class (better-sqlite3's
  // SqliteError) may come from another realm than this module's Error.
  for (
    let current: unknown = error, depth = 0;
    typeof current === 'object' && current !== null && depth < 5;
    current = (current as { cause?: unknown }).cause, depth++
  ) {
    const code = String((current as { code?: unknown }).code ?? '');
    if (code.startsWith('SQLITE_FULL') || code === 'ENOSPC' || code === 'EDQUOT') {
      return `writes are unavailable: the disk holding the data is full (${code}); nothing was written. Free space on the volume of SUIVI_DATA_DIR, then retry.`;
    }
    if (code.startsWith('SQLITE_READONLY') || code === 'EROFS') {
      return `writes are unavailable: the data directory is read-only (${code}); nothing was written. Make SUIVI_DATA_DIR and its files writable by the user running Suivi (check the mount), then retry.`;
    }
    if (code.startsWith('SQLITE_IOERR') || code === 'EIO') {
      // SQLite reports a write refused by a volume the kernel turned read-only after an error as an I/O error too.
      return `writes are unavailable: I/O error on the data directory (${code}); the operation was not recorded. The disk may be failing or its file system read-only: check it (dmesg, findmnt, free space), make SUIVI_DATA_DIR writable again, then retry.`;
    }
  }
  return null;
}

/**
 * Last line of defence: errors that were not mapped are internal; in
 * production their message and stack never reach the client, nor do
 * graphql-js's "Did you mean …?" hints, which spell out the schema to a
 * client that introspection is closed to.
 */
export const formatError =
  (production: boolean) =>
  (received: GraphQLFormattedError, error: unknown): GraphQLFormattedError => {
    const formatted = production ? withoutSuggestions(received) : received;
    // Resolvers' errors are mapped by GraphQLErrorFilter; this catches what escapes it.
    const original = error instanceof GraphQLError && error.originalError ? error.originalError : error;
    const mapped = toGraphQLError(original);
    if (mapped) {
      return { message: mapped.message, path: formatted.path, locations: formatted.locations, extensions: { ...mapped.extensions } };
    }
    if (formatted.message.startsWith(VARIABLE_ERROR_LIMIT)) {
      // An input error too: the client sent more bad values than graphql-js reports (see variableErrorLimit).
      return { message: `${TOO_MANY_INVALID_VALUES}; the errors before this one name the first of them`, extensions: { code: 'BAD_USER_INPUT' } };
    }
    const inputError = asBadUserInput(formatted, error, original);
    if (inputError) return production ? withoutStacktrace(inputError) : inputError;
    const code = formatted.extensions?.['code'];
    if (code && code !== 'INTERNAL_SERVER_ERROR') {
      return production ? withoutStacktrace(formatted) : formatted;
    }
    if (production) {
      return { message: 'internal error', path: formatted.path, extensions: { code: 'INTERNAL_SERVER_ERROR' } };
    }
    return formatted;
  };

/** How graphql-js 16 stops coercing variables after 50 errors: the request is aborted with one more error, about no field. */
const VARIABLE_ERROR_LIMIT = 'Too many errors processing variables';
const TOO_MANY_INVALID_VALUES = 'too many invalid values in the variables';

/**
 * Gives the error that closes a list of variable errors cut short (a list of
 * thousands of bad values) the field its predecessors name, so that every
 * BAD_USER_INPUT names one. Only the response as a whole shows them together.
 */
export const variableErrorLimit: ApolloServerPlugin = {
  async requestDidStart() {
    return {
      async willSendResponse({ response }) {
        if (response.body.kind !== 'single') return;
        const errors = response.body.singleResult.errors;
        if (!errors?.some((error) => error.message.startsWith(TOO_MANY_INVALID_VALUES))) return;
        let field: string | null = null;
        response.body.singleResult.errors = errors.map((error) => {
          const named = error.extensions?.['field'];
          if (typeof named === 'string') field = named.split(/[.[]/)[0]!;
          if (!error.message.startsWith(TOO_MANY_INVALID_VALUES) || field === null) return error;
          return { ...error, message: `${field}: ${error.message}`, extensions: { ...error.extensions, field } };
        });
      },
    };
  },
};

/** Every wording graphql-js 16 uses ends the same way: `Did you mean "a" or "b"?`, `Did you mean the enum value "A"?`. */
const SUGGESTION = / ?Did you mean [^?]*\?/g;

const withoutSuggestions = (formatted: GraphQLFormattedError): GraphQLFormattedError => {
  const message = formatted.message.replace(SUGGESTION, '');
  return message === formatted.message ? formatted : { ...formatted, message };
};

const withoutStacktrace = (formatted: GraphQLFormattedError): GraphQLFormattedError => {
  const { stacktrace: _stacktrace, ...extensions } = formatted.extensions ?? {};
  return { ...formatted, extensions };
};

/**
 * GraphQL's own input errors (a value of the wrong type, a missing required
 * field, a malformed DateTime) get the same shape as ours: BAD_USER_INPUT with
 * `extensions.field` naming the offending argument path, e.g. `input.occurredAt`.
 * A malformed DateTime written inline in the query is a validation error for
 * graphql-js; it is an input error for the client, so it is reported as one.
 */
function asBadUserInput(formatted: GraphQLFormattedError, error: unknown, original: unknown): GraphQLFormattedError | null {
  const code = formatted.extensions?.['code'];
  const dateLiteral = code === 'GRAPHQL_VALIDATION_FAILED' && original instanceof InvalidDateTime;
  if (code !== 'BAD_USER_INPUT' && !dateLiteral) return null;
  if (typeof formatted.extensions?.['field'] === 'string') return formatted;
  const field = dateLiteral ? literalPathOf(error) : variablePathOf(formatted.message);
  // A variable's message already says where (`at "input.occurredAt"`); an inline value's does not.
  const message = dateLiteral && field ? `${field}: ${formatted.message}` : formatted.message;
  return { ...formatted, message, extensions: { ...formatted.extensions, code: 'BAD_USER_INPUT', ...(field ? { field } : {}) } };
}

/** `Variable "$input" got invalid value "x" at "input.occurredAt"; …` → `input.occurredAt`. */
export function variablePathOf(message: string): string | null {
  const variable = /^Variable "\$([^"]+)"/.exec(message)?.[1];
  if (!variable) return null;
  const base = / at "([^"]+)"; /.exec(message)?.[1] ?? variable;
  const missing = /; Field "([^"]+)" (?:of required type .* was not provided|is not defined by type)/.exec(message)?.[1];
  return missing ? `${base}.${missing}` : base;
}

/**
 * The argument path of an inline value graphql-js refused, found by locating
 * the value's node in the query text (`logExchange(input: {occurredAt: "x"})`
 * → `input.occurredAt`).
 */
function literalPathOf(error: unknown): string | null {
  if (!(error instanceof GraphQLError)) return null;
  const target = error.nodes?.[0];
  const body = error.source?.body;
  if (!target?.loc || !body) return null;
  let found: string | null = null;
  try {
    visit(parse(body), {
      enter(node, _key, parent, path, ancestors) {
        if (node.kind !== target.kind || node.loc?.start !== target.loc?.start) return undefined;
        // graphql-js leaves the immediate parent out of `ancestors`.
        found = argumentPath([...ancestors, ...(parent ? [parent] : []), node], path);
        return BREAK;
      },
    });
  } catch {
    return null;
  }
  return found;
}

const isNode = (value: unknown): value is ASTNode => typeof value === 'object' && value !== null && 'kind' in value;

/** Builds `argument.field[index].field` from the visitor's ancestors and keys. */
function argumentPath(chain: readonly (ASTNode | readonly ASTNode[])[], keys: readonly (string | number)[]): string | null {
  let path: string | null = null;
  chain.forEach((entry, depth) => {
    if (!isNode(entry)) return;
    if (entry.kind === Kind.ARGUMENT) path = entry.name.value;
    else if (entry.kind === Kind.OBJECT_FIELD && path !== null) path = `${path}.${entry.name.value}`;
    else if (entry.kind === Kind.LIST && path !== null) {
      // The list's element index is the key under which the next node sits in `values`.
      const index = keys[depth + 1];
      if (typeof index === 'number' && depth + 2 <= chain.length - 1) path = `${path}[${index}]`;
    }
  });
  return path;
}
