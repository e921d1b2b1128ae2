import { Controller, Get, HttpCode, HttpException, HttpStatus, Inject } from '@nestjs/common';
import type { EventStore, SubjectKeyStore } from '#event-store';
import type { ReadStore } from '#read-store';
import type { SuiviConfig } from '#platform';
import { CONFIG, EVENT_STORE, READ_STORE, SUBJECT_KEYS } from '../infrastructure/tokens.js';
import { ProjectionProbe } from './projection-probe.js';

type Check = { readonly status: 'ok' } | { readonly status: 'failed'; readonly reason: string };

export interface ProjectionsCheck {
  readonly status: 'ok' | 'failed';
  readonly reason?: string;
  /** Where the lag was read: this process's runner, or the checkpoints a separate worker saved. */
  readonly source: 'runner' | 'checkpoints';
  readonly maxLagEvents: string | null;
  readonly thresholdEvents: number;
  readonly behind: { readonly name: string; readonly lagEvents: string }[];
  readonly failing: { readonly name: string; readonly error: string | null }[];
}

export interface Readiness {
  readonly status: 'ok' | 'unavailable';
  readonly head: string | null;
  /** The checks that failed, by name; [] when ready. */
  readonly failed: string[];
  readonly checks: {
    readonly eventStore: Check;
    readonly readStore: Check;
    readonly keyStore: Check;
    readonly projections: ProjectionsCheck | Check;
  };
}

/** A store that hangs must not hang the probe: the orchestrator would time out and learn nothing. */
const CHECK_TIMEOUT_MS = 2_000;

async function check<T>(work: () => Promise<T>): Promise<{ value: T | null; check: Check }> {
  let timer: NodeJS.Timeout | undefined;
  try {
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`no answer within ${CHECK_TIMEOUT_MS} ms`)), CHECK_TIMEOUT_MS);
    });
    const value = await Promise.race([work(), timeout]);
    return { value, check: { status: 'ok' } };
  } catch (error) {
    return { value: null, check: { status: 'failed', reason: error instanceof Error ? error.message : String(error) } };
  } finally {
    clearTimeout(timer);
  }
}

// A subject no key store ever holds: reading it is a plain lookup that finds nothing.
const PROBE_SUBJECT = 'health-probe';

/** Liveness and readiness for orchestrators (docker-compose, Kubernetes). */
@Controller('health')
export class HealthController {
  constructor(
    @Inject(EVENT_STORE) private readonly eventStore: EventStore,
    @Inject(READ_STORE) private readonly readStore: ReadStore,
    @Inject(SUBJECT_KEYS) private readonly keys: SubjectKeyStore,
    @Inject(CONFIG) private readonly config: SuiviConfig,
    private readonly projections: ProjectionProbe,
  ) {}

  /** The process answers: restart it only when this fails. */
  @Get('live')
  @HttpCode(200)
  live(): { status: 'ok' } {
    return { status: 'ok' };
  }

  /**
   * Ready when the event store, the read store and the key store answer and no
   * projection is more than SUIVI_READY_MAX_LAG_EVENTS behind the log: readers
   * sent here would otherwise see data too old. 503 names what failed.
   */
  @Get('ready')
  async ready(): Promise<Readiness> {
    const [head, read, keys] = await Promise.all([
      check(() => this.eventStore.headPosition()),
      check(() => this.readStore.ping()),
      check(() => this.keys.get([PROBE_SUBJECT])),
    ]);
    const projections = head.check.status === 'ok' && read.check.status === 'ok' ? await this.projectionsCheck() : skipped;
    const checks = { eventStore: head.check, readStore: read.check, keyStore: keys.check, projections };
    const failed = Object.entries(checks)
      .filter(([, result]) => result.status === 'failed')
      .map(([name]) => name);
    const body: Readiness = {
      status: failed.length === 0 ? 'ok' : 'unavailable',
      head: head.value === null || head.value === undefined ? null : head.value.toString(),
      failed,
      checks,
    };
    if (failed.length > 0) throw new HttpException(body, HttpStatus.SERVICE_UNAVAILABLE);
    return body;
  }

  private async projectionsCheck(): Promise<ProjectionsCheck | Check> {
    const threshold = this.config.readyMaxLagEvents;
    const lag = await check(() => this.projections.lag());
    if (lag.value === null) return lag.check;
    const behind = lag.value
      .filter((row) => row.lagEvents > BigInt(threshold))
      .map((row) => ({ name: row.name, lagEvents: row.lagEvents.toString() }));
    const max = lag.value.reduce<bigint | null>((top, row) => (top === null || row.lagEvents > top ? row.lagEvents : top), null);
    const failing = this.projections.failing().map(({ name, error }) => ({ name, error }));
    return {
      status: behind.length === 0 ? 'ok' : 'failed',
      ...(behind.length === 0
        ? {}
        : { reason: `${behind.length} projection(s) more than ${threshold} events behind the log (SUIVI_READY_MAX_LAG_EVENTS)` }),
      source: this.projections.source,
      maxLagEvents: max === null ? null : max.toString(),
      thresholdEvents: threshold,
      behind,
      failing,
    };
  }
}

const skipped: Check = { status: 'failed', reason: 'not checked: a store it reads did not answer' };
