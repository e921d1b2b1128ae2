import { Inject, Injectable } from '@nestjs/common';
import { GraphQLError } from 'graphql';
import type { FastifyRequest } from 'fastify';
import type { ReadStore } from '#read-store';
import { READ_STORE } from '../infrastructure/tokens.js';
import { badUserInput } from './errors.js';

/** Request header carrying the `position` a mutation returned. */
export const CONSISTENT_WITH_HEADER = 'x-suivi-consistent-with';
const WAIT_LIMIT_MS = 5_000;
const POLL_MS = 10;

/**
 * Read-your-writes across stateless API processes: a query carrying a position
 * waits until the read model it uses has applied it, by watching the
 * projection's checkpoint in the read store.
 */
@Injectable()
export class ReadConsistency {
  constructor(@Inject(READ_STORE) private readonly readStore: ReadStore) {}

  async await(req: FastifyRequest, projection: string): Promise<void> {
    const raw = req.headers[CONSISTENT_WITH_HEADER];
    if (raw === undefined) return;
    if (typeof raw !== 'string' || !/^\d{1,30}$/.test(raw)) {
      throw badUserInput(CONSISTENT_WITH_HEADER, 'must be a position returned by a mutation');
    }
    const position = BigInt(raw);
    const deadline = Date.now() + WAIT_LIMIT_MS;
    for (;;) {
      const checkpoint = await this.readStore.checkpoints.get(projection);
      if (checkpoint !== null && checkpoint >= position) return;
      if (Date.now() >= deadline) {
        throw new GraphQLError(`the ${projection} read model has not reached position ${raw} yet; retry shortly`, {
          extensions: { code: 'SERVICE_UNAVAILABLE', projection, checkpoint: checkpoint?.toString() ?? null },
        });
      }
      await new Promise((resolve) => setTimeout(resolve, POLL_MS));
    }
  }
}
