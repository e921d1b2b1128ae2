import { Injectable, Logger, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { GqlExecutionContext, type GqlContextType } from '@nestjs/graphql';
import type { FastifyRequest } from 'fastify';
import { GraphQLError, type GraphQLResolveInfo } from 'graphql';
import { ruleFor } from './operation-rules.js';
import { viewerOf } from './request-identity.js';
import { SecurityJournal } from './security-journal.js';

export const FORBIDDEN_CODE = 'FORBIDDEN';

/**
 * Applies operation-rules.ts to every GraphQL field that has a resolver (root
 * fields and the field resolvers that cross modules): the request's viewer
 * must hold the field's permission. A refusal is recorded in the security
 * journal and answered FORBIDDEN, naming the permission — which reveals
 * nothing about any record. A field without a rule is refused too: access is
 * decided in the table, never by omission.
 */
@Injectable()
export class AccessGuard implements CanActivate {
  private readonly logger = new Logger('Authorization');

  constructor(private readonly journal: SecurityJournal) {}

  canActivate(context: ExecutionContext): boolean {
    // The health probes are HTTP routes, open by design (see BearerAuthentication).
    if (context.getType<GqlContextType>() !== 'graphql') return true;
    const gql = GqlExecutionContext.create(context);
    const info = gql.getInfo<GraphQLResolveInfo>();
    const request = gql.getContext<{ req: FastifyRequest }>().req;
    const viewer = viewerOf(request);
    const operation = `${info.parentType.name}.${info.fieldName}`;
    const rule = ruleFor(info.parentType.name, info.fieldName);
    if (rule === undefined) {
      this.logger.error(`no access rule for ${operation}: refused; add it to operation-rules.ts`);
      throw forbidden(`${operation} is not available`);
    }
    if (rule === 'authenticated' || viewer.can(rule)) return true;
    this.journal.record({ reason: 'forbidden', operation, viewer, request });
    throw forbidden(`forbidden: ${operation} needs the permission "${rule}"`);
  }
}

export const forbidden = (message: string): GraphQLError => new GraphQLError(message, { extensions: { code: FORBIDDEN_CODE } });
