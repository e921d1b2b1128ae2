import { Inject, Injectable } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { InvalidInput, type CommandContext } from '#domain';
import type { IdGenerator } from '#event-store';
import { CORRELATION_HEADER, saneCorrelationId, type Clock } from '#platform';
import type { Viewer } from '#security';
import { viewerOf } from '../auth/request-identity.js';
import { CLOCK, IDS } from '../infrastructure/tokens.js';

export const IDEMPOTENCY_KEY_MAX_LENGTH = 200;

/** The fields every mutation input may carry besides its own. */
export interface MutationControls {
  readonly idempotencyKey?: string | null;
  /** Updates only: the stream revision the client last saw, as a decimal string. */
  readonly expectedVersion?: string | null;
}

/** Who, when and why of a command, plus the optimistic-concurrency check it asks for. */
export interface CommandMeta {
  readonly context: CommandContext;
  readonly expectedRevision?: bigint;
  /**
   * Who asks, and the request they asked in: a scoped viewer's commands are
   * judged through their eyes (see Aggregates.execute). Absent: a command
   * Suivi issues itself, which sees everything.
   */
  readonly viewer?: Viewer;
  readonly request?: FastifyRequest;
}

/**
 * Builds the command context of every mutation in one place: the actor (the
 * user the request's token belongs to), the clock, the command and correlation ids, the idempotency key and the expected
 * version. Input errors name fields relative to the mutation's `input`.
 */
@Injectable()
export class CommandContextFactory {
  constructor(
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(IDS) private readonly ids: IdGenerator,
  ) {}

  create(req: FastifyRequest, controls: MutationControls): CommandMeta {
    const { idempotencyKey, expectedVersion } = controls;
    if (idempotencyKey !== null && idempotencyKey !== undefined) {
      if (idempotencyKey.length === 0 || idempotencyKey.length > IDEMPOTENCY_KEY_MAX_LENGTH) {
        throw new InvalidInput('idempotencyKey', `must be 1 to ${IDEMPOTENCY_KEY_MAX_LENGTH} characters`);
      }
    }
    const expectedRevision = parseExpectedVersion(expectedVersion);
    const viewer = viewerOf(req);
    const commandId = this.ids.next();
    // The request's hook (CorrelationHook) has already replaced an unusable header with an id of its own.
    const correlationId = saneCorrelationId(req.headers[CORRELATION_HEADER]) ?? commandId;
    const context: CommandContext = {
      actorId: viewer.userId,
      now: this.clock.now(),
      commandId,
      correlationId,
      causationId: null,
      source: 'api',
      idempotencyKey: idempotencyKey ?? undefined,
    };
    return expectedRevision === undefined ? { context, viewer, request: req } : { context, expectedRevision, viewer, request: req };
  }
}

// A stream revision: 0 for the first event. Bounded so BigInt never sees absurd input.
const VERSION = /^(0|[1-9]\d{0,18})$/;

export function parseExpectedVersion(raw: string | null | undefined): bigint | undefined {
  if (raw === null || raw === undefined) return undefined;
  if (!VERSION.test(raw)) {
    throw new InvalidInput('expectedVersion', 'must be the `version` of the record as last read (a whole number, e.g. "3")');
  }
  return BigInt(raw);
}
