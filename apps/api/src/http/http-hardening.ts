import { createHash } from 'node:crypto';
import { HttpException, HttpStatus } from '@nestjs/common';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import rateLimit, { normalizeIP } from '@fastify/rate-limit';
import type { FastifyRequest } from 'fastify';
import type { ApiLimits, SuiviConfig } from '#platform';

const RATE_WINDOW_MS = 60_000;

/**
 * The Fastify adapter every Suivi process serves with: a request body larger
 * than the limit is refused with 413 before it is parsed, and the client
 * address is the one the configured proxies vouch for.
 */
export function createHttpAdapter(config: Pick<SuiviConfig, 'limits' | 'trustProxy'>): FastifyAdapter {
  const { trustProxy } = config;
  return new FastifyAdapter({
    bodyLimit: config.limits.bodyLimitBytes,
    // Fastify counts hops the same way; its types only lack the number form.
    trustProxy: typeof trustProxy === 'number' ? (_address: string, hop: number) => hop < trustProxy : trustProxy,
  });
}

/** The body of an HTTP-level refusal, shaped like a GraphQL response so clients read one error format. */
export const graphqlShapedError = (message: string, code: string, extensions: Record<string, unknown> = {}) => ({
  errors: [{ message, extensions: { code, ...extensions } }],
});

/**
 * A body over the limit is refused by Fastify before it is read further
 * (FST_ERR_CTP_BODY_TOO_LARGE, which Nest maps to a 413 HttpException); the
 * refusal gets the GraphQL error shape and names the limit.
 */
export function asGraphQLShapedRefusal(exception: unknown, request: FastifyRequest | undefined): unknown {
  if (!(exception instanceof HttpException) || exception.getStatus() !== HttpStatus.PAYLOAD_TOO_LARGE) return exception;
  const limitBytes = request?.routeOptions.bodyLimit;
  const message = limitBytes === undefined ? 'request body too large' : `request body too large: the limit is ${limitBytes} bytes`;
  return new HttpException(
    graphqlShapedError(message, 'PAYLOAD_TOO_LARGE', limitBytes === undefined ? {} : { limitBytes }),
    HttpStatus.PAYLOAD_TOO_LARGE,
    { cause: exception },
  );
}

/**
 * Who a request counts against: its bearer token when it carries one (so a
 * client is limited wherever it connects from, and clients behind one proxy do
 * not share a budget), its address otherwise — for IPv6, its /64, which one
 * client can fill with addresses at will. The token is hashed: the limiter's
 * memory never holds a usable credential.
 */
export function rateLimitKey(request: Pick<FastifyRequest, 'headers' | 'ip'>): string {
  const authorization = request.headers.authorization;
  const token = authorization?.match(/^Bearer\s+(\S+)\s*$/i)?.[1];
  if (token) return `token:${createHash('sha256').update(token).digest('base64url')}`;
  return `ip:${normalizeIP(request.ip)}`;
}

/**
 * Registers the per-client rate limit as the first request hook of the
 * Fastify instance, so it counts every request before anything costs work:
 * before authentication (a flood of requests without a valid token is limited
 * too), body parsing and GraphQL. Call it before `app.init()`/`listen()`: the
 * hooks modules add while the app initialises come after it.
 * Health probes are exempt: an orchestrator polling them must never be told
 * to back off. A limited request gets 429, a Retry-After header and a
 * GraphQL-shaped error with code RATE_LIMITED.
 */
export async function applyRateLimit(app: NestFastifyApplication, limits: Pick<ApiLimits, 'rateLimitPerMinute'>): Promise<void> {
  if (limits.rateLimitPerMinute === 0) return;
  const fastify = app.getHttpAdapter().getInstance();
  await fastify.register(rateLimit, {
    // Not per route: one instance-wide hook, which runs before the hooks other modules add later.
    global: false,
    max: limits.rateLimitPerMinute,
    timeWindow: RATE_WINDOW_MS,
    keyGenerator: rateLimitKey,
    allowList: (request) => request.routeOptions.url?.startsWith('/health/') === true,
    errorResponseBuilder: (_request, context) => {
      const retryAfterSeconds = Math.max(1, Math.ceil(context.ttl / 1000));
      return new HttpException(
        graphqlShapedError(
          `rate limit exceeded: at most ${context.max} requests per minute; retry after ${retryAfterSeconds} s`,
          'RATE_LIMITED',
          { retryAfterSeconds },
        ),
        HttpStatus.TOO_MANY_REQUESTS,
      );
    },
  });
  fastify.addHook('onRequest', fastify.rateLimit());
}
