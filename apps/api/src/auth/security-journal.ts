import { Inject, Injectable, Logger, type OnModuleDestroy } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { securityStreamOf, type AccessDenied } from '#domain';
import type { EventCodec, EventMetadata, EventStore, IdGenerator } from '#event-store';
import type { Clock } from '#platform';
import type { Viewer } from '#security';
import { CLOCK, CODEC, EVENT_STORE, IDS } from '../infrastructure/tokens.js';

/** Why a request was refused. */
export type DenialReason = 'unauthenticated' | 'forbidden' | 'outOfScope';

export interface Denial {
  readonly reason: DenialReason;
  /** `Type.field` of the GraphQL field refused, or the HTTP route for an unauthenticated request. */
  readonly operation: string;
  /** null: the request was not authenticated. */
  readonly viewer: Viewer | null;
  readonly request: FastifyRequest;
}

/** The actor of a denial nobody could be identified for. */
export const ANONYMOUS_ACTOR = 'anonymous';

/** Appends at most this many denials at once; beyond, they are counted and dropped. */
export const MAX_RECORDS_IN_FLIGHT = 100;

/** Dropped and failed records are reported at most once per this period. */
const REPORT_PERIOD_MS = 10_000;

const CORRELATION_HEADER = 'x-correlation-id';
const CORRELATION_MAX_LENGTH = 200;
/** A client chooses the route it asks for: a refusal records no more of it than this. */
const OPERATION_MAX_LENGTH = 300;

/**
 * Appends every refused attempt to the security stream of its day, for
 * administrators to read in the audit journal. Recording is the refusal's
 * side effect, never part of it: `record` returns at once, the append starts
 * after the answer is on its way, and a failure is logged, not thrown. At most
 * MAX_RECORDS_IN_FLIGHT appends run at once; beyond, records are dropped and
 * counted, so a flood of unauthenticated requests cannot become a flood of
 * writes (the HTTP rate limit bounds it further upstream). One request refused
 * the same operation several times (a field of every item of a list) is one
 * attempt, recorded once.
 */
@Injectable()
export class SecurityJournal implements OnModuleDestroy {
  private readonly logger = new Logger('SecurityJournal');
  private readonly inFlight = new Set<Promise<void>>();
  /** What each request was refused already: a field refused on every item of a list is one attempt, not one per item. */
  private readonly recorded = new WeakMap<object, Set<string>>();
  private dropped = 0;
  private failed = 0;
  private reportTimer: NodeJS.Timeout | null = null;
  private closed = false;

  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(CODEC) private readonly codec: EventCodec,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(IDS) private readonly ids: IdGenerator,
  ) {}

  record(denial: Denial): void {
    // Shutting down: the store is about to close under any new append.
    if (this.closed) return;
    const key = `${denial.reason} ${denial.operation}`;
    const refused = this.recorded.get(denial.request);
    if (refused?.has(key)) return;
    if (refused === undefined) this.recorded.set(denial.request, new Set([key]));
    else refused.add(key);
    if (this.inFlight.size >= MAX_RECORDS_IN_FLIGHT) {
      this.dropped += 1;
      this.scheduleReport();
      return;
    }
    // Read from the request now: it may be recycled once answered.
    let append: () => Promise<unknown>;
    try {
      const now = this.clock.now();
      const event = this.denied(denial, now);
      const metadata = this.metadataOf(denial, now);
      const eventId = this.ids.next();
      const streamName = securityStreamOf(now);
      // encodeAll, like every write: should the event ever carry personal data, it gets its keys.
      append = async () => this.store.append(streamName, await this.codec.encodeAll([event], metadata, [eventId]), 'any');
    } catch (error) {
      append = () => Promise.reject(error);
    }
    // setImmediate: the embedded store writes synchronously, which must not hold the refusal back.
    const tracked: Promise<void> = new Promise((resolve) => setImmediate(resolve))
      .then(append)
      .then(
        () => undefined,
        (error: unknown) => this.failedToRecord(denial, error),
      )
      .finally(() => this.inFlight.delete(tracked));
    this.inFlight.add(tracked);
  }

  /** Resolves once every record begun so far is written (or has failed). */
  async flush(): Promise<void> {
    while (this.inFlight.size > 0) await Promise.all([...this.inFlight]);
  }

  async onModuleDestroy(): Promise<void> {
    this.closed = true;
    await this.flush();
    if (this.reportTimer !== null) clearTimeout(this.reportTimer);
    this.report();
  }

  private denied(denial: Denial, now: Date): AccessDenied {
    const { viewer, request } = denial;
    return {
      type: 'AccessDenied',
      data: {
        userId: viewer?.userId ?? null,
        login: viewer?.login ?? null,
        operation: denial.operation.slice(0, OPERATION_MAX_LENGTH),
        reason: denial.reason,
        address: typeof request.ip === 'string' && request.ip.length > 0 ? request.ip : null,
        deniedAt: now.toISOString(),
      },
    };
  }

  private metadataOf(denial: Denial, now: Date): Omit<EventMetadata, 'schemaVersion'> {
    const commandId = this.ids.next();
    const header = denial.request.headers[CORRELATION_HEADER];
    const correlationId = typeof header === 'string' && header.length > 0 && header.length <= CORRELATION_MAX_LENGTH ? header : commandId;
    return {
      actorId: denial.viewer?.userId ?? ANONYMOUS_ACTOR,
      occurredAt: now.toISOString(),
      commandId,
      correlationId,
      causationId: null,
      source: 'api',
    };
  }

  private failedToRecord(denial: Denial, error: unknown): void {
    // The first failure of a period says why; the others are counted in the report.
    if (this.failed === 0) {
      const why = error instanceof Error ? (error.stack ?? error.message) : String(error);
      this.logger.error(`could not record a denied attempt (${denial.reason} ${denial.operation}): ${why}`);
    }
    this.failed += 1;
    this.scheduleReport();
  }

  private scheduleReport(): void {
    if (this.reportTimer !== null) return;
    this.reportTimer = setTimeout(() => {
      this.reportTimer = null;
      this.report();
    }, REPORT_PERIOD_MS);
    this.reportTimer.unref();
  }

  private report(): void {
    if (this.dropped > 0) {
      this.logger.warn(
        `${this.dropped} denied attempt(s) not recorded in the security journal: ` +
          `${MAX_RECORDS_IN_FLIGHT} records were already being written (a flood of refused requests?)`,
      );
    }
    if (this.failed > 1) this.logger.error(`${this.failed - 1} more denied attempt(s) could not be recorded (see the first error above)`);
    this.dropped = 0;
    this.failed = 0;
  }
}
