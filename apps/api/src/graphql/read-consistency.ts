import { Inject, Injectable } from '@nestjs/common';
import { GraphQLError } from 'graphql';
import type { FastifyRequest } from 'fastify';
import type { EventStore } from '#event-store';
import { projections } from '#projections';
import type { ReadStore } from '#read-store';
import { EVENT_STORE, READ_STORE } from '../infrastructure/tokens.js';
import { badUserInput } from './errors.js';

/** Request header carrying the `position` a mutation returned. */
export const CONSISTENT_WITH_HEADER = 'x-suivi-consistent-with';
const WAIT_LIMIT_MS = 5_000;
const POLL_MS = 10;

/**
 * Read-your-writes across stateless API processes: a query carrying a position
 * waits until the read models have applied it, by watching the projections'
 * checkpoints in the read store (which the worker saves wherever it runs).
 *
 * Every projection is awaited, not only the ones a query reads: a query's field
 * resolvers reach into several read models, and a position is usually applied
 * by all of them within the same few milliseconds.
 */
@Injectable()
export class ReadConsistency {
  // One wait per request, however many resolvers of it ask.
  private readonly waits = new WeakMap<object, Promise<void>>();

  constructor(
    @Inject(READ_STORE) private readonly readStore: ReadStore,
    @Inject(EVENT_STORE) private readonly eventStore: EventStore,
  ) {}

  async await(req: FastifyRequest): Promise<void> {
    let wait = this.waits.get(req);
    if (!wait) {
      wait = this.awaitHeader(req);
      this.waits.set(req, wait);
    }
    return wait;
  }

  /**
   * Waits until the named read models have applied everything in the log now,
   * for decisions that need an exact answer from a read model (the first
   * exchange of a prospect being converted).
   */
  async awaitHead(projectionNames: readonly string[]): Promise<void> {
    const head = await this.eventStore.headPosition();
    if (head !== null) await this.awaitPosition(head, projectionNames);
  }

  async awaitPosition(position: bigint, projectionNames: readonly string[] = projections.map((p) => p.name)): Promise<void> {
    const deadline = Date.now() + WAIT_LIMIT_MS;
    let pending = [...projectionNames];
    for (;;) {
      const checkpoints = await Promise.all(pending.map((name) => this.readStore.checkpoints.get(name)));
      const behind = pending.filter((_name, index) => {
        const checkpoint = checkpoints[index];
        return checkpoint === null || checkpoint === undefined || checkpoint < position;
      });
      if (behind.length === 0) return;
      if (Date.now() >= deadline) {
        const projection = behind[0]!;
        const checkpoint = checkpoints[pending.indexOf(projection)];
        throw new GraphQLError(`the ${projection} read model has not reached position ${position} yet; retry shortly`, {
          extensions: { code: 'SERVICE_UNAVAILABLE', projection, checkpoint: checkpoint?.toString() ?? null },
        });
      }
      pending = behind;
      await new Promise((resolve) => setTimeout(resolve, POLL_MS));
    }
  }

  private async awaitHeader(req: FastifyRequest): Promise<void> {
    const raw = req.headers[CONSISTENT_WITH_HEADER];
    if (raw === undefined) return;
    if (typeof raw !== 'string' || !/^\d{1,30}$/.test(raw)) {
      throw badUserInput(CONSISTENT_WITH_HEADER, 'must be a position returned by a mutation');
    }
    await this.awaitPosition(BigInt(raw));
  }
}
