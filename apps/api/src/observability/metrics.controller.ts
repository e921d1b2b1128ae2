import { createHash, timingSafeEqual } from 'node:crypto';
import { Controller, Get, Header, HttpException, HttpStatus, Inject, Req, Res } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { bearerToken } from '#security';
import type { SuiviConfig, SuiviMetrics } from '#platform';
import { CONFIG } from '../infrastructure/tokens.js';
import { METRICS } from './metrics.token.js';

const digest = (value: string): Buffer => createHash('sha256').update(value).digest();

/**
 * Prometheus scrapes here. The figures carry command types, projection names
 * and counts, never an id or a person; still, a deployment that exposes the
 * API beyond its own network either keeps /metrics off its reverse proxy or
 * sets SUIVI_METRICS_TOKEN, which Prometheus then sends as a bearer token.
 */
@Controller()
export class MetricsController {
  constructor(
    @Inject(METRICS) private readonly metrics: SuiviMetrics,
    @Inject(CONFIG) private readonly config: SuiviConfig,
  ) {}

  @Get('metrics')
  @Header('cache-control', 'no-store')
  async scrape(@Req() request: FastifyRequest, @Res({ passthrough: true }) reply: FastifyReply): Promise<string> {
    const expected = this.config.metricsToken;
    if (expected !== null) {
      const presented = bearerToken(request.headers.authorization);
      // Compared as digests: equal lengths, and no timing difference to learn the token from.
      if (presented === null || !timingSafeEqual(digest(presented), digest(expected))) {
        throw new HttpException({ status: 'unauthorized', reason: 'send the SUIVI_METRICS_TOKEN as a bearer token' }, HttpStatus.UNAUTHORIZED);
      }
    }
    const text = await this.metrics.text();
    // Not awaited: a Fastify reply is a thenable that settles when the response has been sent.
    void reply.header('content-type', this.metrics.contentType);
    return text;
  }
}
