import { Inject } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { Args, Context, ID, Int, Mutation, Query, Resolver } from '@nestjs/graphql';
import type { FastifyRequest } from 'fastify';
import type { CommandContext } from '#domain';
import type { IdGenerator } from '#event-store';
import type { Clock } from '#platform';
import { DirectoryQueries, directoryProjection, type DirectoryEntry } from '#projections';
import { badUserInput } from '../graphql/errors.js';
import { ReadConsistency } from '../graphql/read-consistency.js';
import { pageSize, toConnection } from '../graphql/relay.js';
import { CLOCK, IDS } from '../infrastructure/tokens.js';
import { RegisterThirdPartyCommand } from './register-third-party.handler.js';
import {
  RegisterThirdPartyInput,
  RegisterThirdPartyPayload,
  ThirdParty,
  ThirdPartyConnection,
  ThirdPartyFilter,
} from './third-party.types.js';

export const IDEMPOTENCY_KEY_MAX_LENGTH = 200;
const CORRELATION_HEADER = 'x-correlation-id';

const toThirdParty = (entry: DirectoryEntry): ThirdParty => ({
  id: entry.id,
  name: entry.name,
  kind: entry.kind,
  roles: entry.roles,
  registeredAt: new Date(entry.registeredAt),
  version: entry.version,
});

@Resolver(() => ThirdParty)
export class ThirdPartyResolver {
  constructor(
    private readonly commandBus: CommandBus,
    private readonly directory: DirectoryQueries,
    private readonly consistency: ReadConsistency,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(IDS) private readonly ids: IdGenerator,
  ) {}

  @Mutation(() => RegisterThirdPartyPayload, { description: 'Records a new prospect, customer or supplier.' })
  async registerThirdParty(
    @Args('input') input: RegisterThirdPartyInput,
    @Context('req') req: FastifyRequest,
  ): Promise<RegisterThirdPartyPayload> {
    const context = this.commandContext(req, input.idempotencyKey);
    const result = await this.commandBus.execute(
      new RegisterThirdPartyCommand({ name: input.name, kind: input.kind, roles: input.roles }, context),
    );
    return { thirdParty: result.thirdParty, position: result.position.toString() };
  }

  @Query(() => ThirdParty, { nullable: true, description: 'A third party by id, or null when there is none.' })
  async thirdParty(
    @Args('id', { type: () => ID }) id: string,
    @Context('req') req: FastifyRequest,
  ): Promise<ThirdParty | null> {
    await this.consistency.await(req, directoryProjection.name);
    const entry = await this.directory.get(id);
    return entry ? toThirdParty(entry) : null;
  }

  @Query(() => ThirdPartyConnection, { description: 'The directory of third parties, sorted by name.' })
  async thirdParties(
    @Args('first', { type: () => Int, nullable: true, description: 'Page size, 1 to 100 (default 20).' }) first: number | null,
    @Args('after', { type: () => String, nullable: true, description: 'endCursor of the previous page.' }) after: string | null,
    @Args('filter', { type: () => ThirdPartyFilter, nullable: true }) filter: ThirdPartyFilter | null,
    @Context('req') req: FastifyRequest,
  ): Promise<ThirdPartyConnection> {
    await this.consistency.await(req, directoryProjection.name);
    const size = pageSize(first);
    const page = await this.directory.list({
        first: size,
        after: after ?? null,
        filter: {
          ...(filter?.kind ? { kind: filter.kind } : {}),
          ...(filter?.role ? { role: filter.role } : {}),
          ...(filter?.nameStartsWith ? { nameStartsWith: filter.nameStartsWith } : {}),
        },
      });
    return toConnection(page, toThirdParty);
  }

  private commandContext(req: FastifyRequest, idempotencyKey: string | null | undefined): CommandContext {
    if (idempotencyKey !== null && idempotencyKey !== undefined) {
      if (idempotencyKey.length === 0 || idempotencyKey.length > IDEMPOTENCY_KEY_MAX_LENGTH) {
        throw badUserInput('input.idempotencyKey', `must be 1 to ${IDEMPOTENCY_KEY_MAX_LENGTH} characters`);
      }
    }
    const commandId = this.ids.next();
    const header = req.headers[CORRELATION_HEADER];
    const correlationId = typeof header === 'string' && header.length > 0 && header.length <= 200 ? header : commandId;
    return {
      // Authentication arrives with access control; until then every write is anonymous.
      actorId: 'anonymous',
      now: this.clock.now(),
      commandId,
      correlationId,
      causationId: null,
      source: 'api',
      idempotencyKey: idempotencyKey ?? undefined,
    };
  }
}
