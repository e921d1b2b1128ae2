import { Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { CORRELATION_HEADER, newCorrelationId, runWithCorrelation, saneCorrelationId } from '#platform';

const started = new WeakMap<FastifyRequest, bigint>();

/**
 * Gives every request a correlation id: the client's `x-correlation-id` when
 * it is sane (see saneCorrelationId), else a new one. It is echoed in the
 * response, stamped on the request's header for the command context (so it
 * lands in the metadata of every event the request appends), and carried
 * through the request's async work for the logger. One line per request is
 * logged when it ends: method, route pattern (never the URL: a query string
 * may hold a secret), status and duration.
 */
@Injectable()
export class CorrelationHook implements OnModuleInit {
  private readonly logger = new Logger('HTTP');

  constructor(private readonly adapterHost: HttpAdapterHost) {}

  onModuleInit(): void {
    const fastify = this.adapterHost.httpAdapter?.getInstance<FastifyInstance>();
    if (!fastify) return;
    // A callback hook, not an async one: the rest of the request runs inside `done`, so inside the correlation's context.
    fastify.addHook('onRequest', (request, reply, done) => {
      const correlationId = saneCorrelationId(request.headers[CORRELATION_HEADER]) ?? newCorrelationId();
      request.headers[CORRELATION_HEADER] = correlationId;
      void reply.header(CORRELATION_HEADER, correlationId);
      started.set(request, process.hrtime.bigint());
      runWithCorrelation(correlationId, done);
    });
    fastify.addHook('onResponse', (request, reply, done) => {
      const since = started.get(request);
      const durationMs = since === undefined ? undefined : Number(process.hrtime.bigint() - since) / 1e6;
      this.logger.log({
        msg: 'request',
        method: request.method,
        route: request.routeOptions.url ?? '(no route)',
        statusCode: reply.statusCode,
        durationMs: durationMs === undefined ? undefined : Math.round(durationMs * 10) / 10,
        correlationId: request.headers[CORRELATION_HEADER],
      });
      done();
    });
  }
}
