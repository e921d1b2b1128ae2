import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/** What a scrape asks of the projections: filled by the process that can see them (runner, or the stored checkpoints). */
export interface ProjectionGauges {
  lag(): Promise<readonly { readonly name: string; readonly lagEvents: bigint }[]>;
  parked(): Promise<ReadonlyMap<string, number>>;
}

export type MailPurpose = 'follow_up' | 'activity_reminder' | 'collaborator_notification' | 'other';

/**
 * Every metric Suivi exposes, on a registry of its own (not prom-client's
 * global one, so that two apps in one test process do not collide). One per
 * process: see `processMetrics`.
 */
export class SuiviMetrics {
  readonly registry = new Registry();

  readonly commandDuration = new Histogram({
    name: 'suivi_command_duration_seconds',
    help: 'Time to decide and append a command, by command type and outcome (ok, refused, failed)',
    labelNames: ['command', 'outcome'] as const,
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers: [this.registry],
  });

  readonly eventsAppended = new Counter({
    name: 'suivi_events_appended_total',
    help: 'Events appended to the log by this process, by command type',
    labelNames: ['command'] as const,
    registers: [this.registry],
  });

  readonly mailsSent = new Counter({
    name: 'suivi_mails_sent_total',
    help: 'Mails handed over to the SMTP server or the outbox, by purpose',
    labelNames: ['purpose'] as const,
    registers: [this.registry],
  });

  readonly mailsFailed = new Counter({
    name: 'suivi_mails_failed_total',
    help: 'Mails that could not be handed over (or that every recipient refused), by purpose; retried on a later tick',
    labelNames: ['purpose'] as const,
    registers: [this.registry],
  });

  readonly graphqlErrors = new Counter({
    name: 'suivi_graphql_errors_total',
    help: 'Errors in GraphQL responses, by extensions.code',
    labelNames: ['code'] as const,
    registers: [this.registry],
  });

  private projections: ProjectionGauges | null = null;

  constructor(options: { readonly defaultMetrics?: boolean } = {}) {
    // prom-client calls `collect` with the gauge as `this`: the source is read through a closure.
    const source = (): ProjectionGauges | null => this.projections;
    new Gauge({
      name: 'suivi_projection_lag_events',
      help: 'Events of the log a projection has not applied yet (head − checkpoint), read at scrape time',
      labelNames: ['projection'] as const,
      registers: [this.registry],
      async collect() {
        this.reset();
        const gauges = source();
        if (gauges === null) return;
        for (const row of await gauges.lag()) this.set({ projection: row.name }, Number(row.lagEvents));
      },
    });
    new Gauge({
      name: 'suivi_parked_events',
      help: 'Events a projection failed on and set aside (see `suivi projections parked`)',
      labelNames: ['projection'] as const,
      registers: [this.registry],
      async collect() {
        this.reset();
        const gauges = source();
        if (gauges === null) return;
        for (const [projection, count] of await gauges.parked()) this.set({ projection }, count);
      },
    });
    if (options.defaultMetrics ?? true) collectDefaultMetrics({ register: this.registry, prefix: 'suivi_' });
  }

  /** Where the projection gauges are read from; the last caller wins (one per process). */
  observeProjections(source: ProjectionGauges | null): void {
    this.projections = source;
  }

  /** Times one command; `refused` for an error the client caused (its input, a conflict), `failed` otherwise. */
  async timeCommand<T>(command: string, work: () => Promise<T>, appended: (result: T) => number, refused: (error: unknown) => boolean): Promise<T> {
    const stop = this.commandDuration.startTimer({ command });
    try {
      const result = await work();
      stop({ outcome: 'ok' });
      const count = appended(result);
      if (count > 0) this.eventsAppended.inc({ command }, count);
      return result;
    } catch (error) {
      stop({ outcome: refused(error) ? 'refused' : 'failed' });
      throw error;
    }
  }

  text(): Promise<string> {
    return this.registry.metrics();
  }

  get contentType(): string {
    return this.registry.contentType;
  }
}

let shared: SuiviMetrics | null = null;

/**
 * The process's metrics. A process-wide object because the histograms are fed
 * from places Nest does not build (the CLI's and the worker's plain classes)
 * and a registry that counts twice is worse than one passed around.
 */
export function processMetrics(): SuiviMetrics {
  shared ??= new SuiviMetrics();
  return shared;
}

/** The mail's purpose, from the Message-ID its automation gives it. */
export function mailPurposeOf(messageId: string): MailPurpose {
  if (messageId.startsWith('<followup.')) return 'follow_up';
  if (messageId.startsWith('<activity-reminder.')) return 'activity_reminder';
  if (messageId.startsWith('<exchange.')) return 'collaborator_notification';
  return 'other';
}
