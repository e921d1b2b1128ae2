import { Inject, Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { GroupQueries } from '#projections';
import { Authenticator, bearerToken, looksLikeJwt, OidcAuthenticator, Viewer } from '#security';
import { AdminBootstrap } from './admin-bootstrap.service.js';
import { setViewer, UNAUTHENTICATED_MESSAGE } from './request-identity.js';
import { SecurityJournal } from './security-journal.js';

/**
 * Routes served without a token: the orchestrator's probes, /metrics (which
 * checks SUIVI_METRICS_TOKEN itself, when set), and the calendar feeds, which
 * calendar apps fetch without headers: the secret in their URL is checked by
 * the feed's controller. Matched on the registered route
 * pattern, exactly: no other path under /calendar is opened.
 */
const isOpenRoute = (route: string | undefined): boolean =>
  route === '/health/live' || route === '/health/ready' || route === '/calendar/:file' || route === '/metrics';

const refusal = (message: string, code: string) => ({ errors: [{ message, extensions: { code } }] });

/**
 * Every request needs `Authorization: Bearer <token>`, except the health
 * probes: the check runs on the HTTP request, before Apollo parses, validates
 * or executes anything, so an unauthenticated client learns nothing — not the
 * schema, not whether its query is valid. A refusal is HTTP 401 with a
 * GraphQL-shaped body (code UNAUTHENTICATED) and a `WWW-Authenticate: Bearer`
 * challenge, as Apollo Server answers an authentication failure raised while
 * building the context; the message is the same whatever was wrong.
 */
@Injectable()
export class BearerAuthentication implements OnModuleInit {
  private readonly logger = new Logger('Authentication');

  constructor(
    private readonly adapterHost: HttpAdapterHost,
    private readonly authenticator: Authenticator,
    private readonly bootstrap: AdminBootstrap,
    private readonly groups: GroupQueries,
    /** null: no identity provider configured, JWTs are refused like any unknown token. */
    @Inject(OidcAuthenticator) private readonly oidc: OidcAuthenticator | null,
    private readonly securityJournal: SecurityJournal,
  ) {}

  onModuleInit(): void {
    const fastify = this.adapterHost.httpAdapter?.getInstance<FastifyInstance>();
    // Hooks added before the server is ready apply to every route, those Nest registers later included.
    fastify?.addHook('onRequest', (request, reply) => this.authenticate(request, reply));
  }

  private async authenticate(request: FastifyRequest, reply: FastifyReply): Promise<void> {
    if (isOpenRoute(request.routeOptions.url)) return;
    const authorization = request.headers.authorization;
    let identity;
    let viewer: Viewer | null = null;
    try {
      await this.bootstrap.ready;
      const token = bearerToken(authorization);
      identity = this.oidc !== null && looksLikeJwt(token) ? await this.oidc.authenticate(token) : await this.authenticator.authenticate(token);
      // Permissions are read per request, so a change of group takes effect at once.
      if (identity !== null) viewer = Viewer.of(identity, await this.groups.byCodes(identity.groups));
    } catch (error) {
      this.logger.error(`checking a token failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
      await reply.code(503).header('retry-after', '1').send(refusal('authentication is unavailable; retry shortly', 'SERVICE_UNAVAILABLE'));
      return;
    }
    if (viewer !== null) {
      setViewer(request, viewer);
      return;
    }
    // RFC 6750: a presented token that failed is "invalid_token"; a missing one gets the bare challenge.
    const challenge = authorization === undefined ? 'Bearer realm="suivi"' : 'Bearer realm="suivi", error="invalid_token"';
    // The route, not the URL: a query string may carry a secret, and the journal keeps everything forever.
    const route = request.routeOptions.url ?? request.url.split('?')[0];
    this.securityJournal.record({ reason: 'unauthenticated', operation: `${request.method} ${route}`, viewer: null, request });
    await reply.code(401).header('www-authenticate', challenge).send(refusal(UNAUTHENTICATED_MESSAGE, 'UNAUTHENTICATED'));
  }
}
