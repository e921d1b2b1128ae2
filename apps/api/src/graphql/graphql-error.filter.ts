import { Catch, Logger, type ArgumentsHost } from '@nestjs/common';
import { BaseExceptionFilter } from '@nestjs/core';
import type { FastifyRequest } from 'fastify';
import { GqlArgumentsHost, type GqlExceptionFilter } from '@nestjs/graphql';
import { GraphQLError } from 'graphql';
import { asGraphQLShapedRefusal } from '../http/http-hardening.js';
import { toGraphQLError } from './errors.js';

/**
 * One place maps what resolvers throw: domain and store errors become GraphQL
 * errors with their code (and, for input errors, the argument path — mutations
 * take a single `input` argument, so a decider's `name` becomes `input.name`).
 * Client errors are not logged; anything unexpected is, with its stack.
 * Plain HTTP answers (health, and refusals made before GraphQL runs: body
 * size, rate limit) are Nest's usual ones.
 */
@Catch()
export class GraphQLErrorFilter extends BaseExceptionFilter implements GqlExceptionFilter {
  private readonly logger = new Logger('GraphQL');

  override catch(exception: unknown, host: ArgumentsHost): unknown {
    if (host.getType<string>() !== 'graphql') {
      return super.catch(asGraphQLShapedRefusal(exception, host.switchToHttp().getRequest<FastifyRequest>()), host);
    }
    if (exception instanceof GraphQLError) return exception;
    const args = GqlArgumentsHost.create(host).getArgs<Record<string, unknown>>();
    const mapped = toGraphQLError(exception, 'input' in args ? 'input' : '');
    if (mapped) return mapped;
    this.logger.error(exception instanceof Error ? (exception.stack ?? exception.message) : String(exception));
    return exception;
  }
}
