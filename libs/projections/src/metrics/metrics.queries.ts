import type { EventCodec, EventStore, StoredEvent } from '#event-store';
import type { Collection, ReadStore } from '#read-store';
import { MetricsFold, metricsCanHandle, type MetricsFactsEntry } from './metrics-facts.js';
import { metricsFactsCollection } from './metrics.projection.js';
import {
  conversionMetrics,
  exchangeFrequency,
  followUpEffectiveness,
  lastContactDistribution,
  metricsBase,
  prospectPipeline,
  type ConversionMetrics,
  type ExchangeFrequency,
  type FollowUpEffectiveness,
  type LastContactDistribution,
  type MetricsGroupBy,
  type MetricsPeriod,
  type MetricsScope,
  type ProspectPipeline,
} from './metrics.compute.js';

export interface ReplayMetricsOptions {
  /** What Suivi knew at this instant: the log up to its first event handled after it. */
  readonly asOf: Date;
  /** Events read per page. Default 1000. */
  readonly pageSize?: number;
  /** Called after each page with the log position reached and how many events the fold applied. */
  readonly onProgress?: (progress: { readonly position: bigint; readonly applied: number }) => void;
}

/** When the command that appended the event was handled (metadata.occurredAt, the injected clock's); NaN when unknown. */
export const handledAt = (stored: StoredEvent): number => {
  const occurredAt = (stored.metadata as { readonly occurredAt?: unknown }).occurredAt;
  return typeof occurredAt === 'string' ? Date.parse(occurredAt) : Number.NaN;
};

/**
 * The longest prefix of the log handled at or before `asOf` (as the as-of
 * views of docs/decisions/0010 do): a state the log really had, even if two
 * writers' clocks disagreed, and the same events a copy of the store made at
 * that instant would hold. Ends at the first event handled after `asOf`.
 */
export async function* logPrefix(events: EventStore, asOf: Date, pageSize = 1000): AsyncGenerator<StoredEvent[], void, undefined> {
  const limit = asOf.getTime();
  let after: bigint | null = null;
  for (;;) {
    const page = await events.readAll({ after, maxCount: pageSize });
    const end = page.events.findIndex((stored) => !(handledAt(stored) <= limit));
    yield end < 0 ? page.events : page.events.slice(0, end);
    if (end >= 0 || page.isEnd || page.events.length === 0) return;
    after = page.lastPosition;
  }
}

/**
 * The metrics facts as of `asOf`, by replaying the log's prefix through the
 * fold of the read model, in memory. Only the events the fold reads are decoded.
 */
export const replayMetricsFacts = async (events: EventStore, codec: EventCodec, options: ReplayMetricsOptions): Promise<MetricsFactsEntry[]> => {
  const fold = new MetricsFold();
  let applied = 0;
  for await (const page of logPrefix(events, options.asOf, options.pageSize)) {
    const kept = page.filter((stored) => metricsCanHandle(stored.type));
    if (kept.length > 0) {
      for (const envelope of await codec.decodeAll(kept)) fold.apply(envelope);
      applied += kept.length;
    }
    options.onProgress?.({ position: page.at(-1)?.position ?? 0n, applied });
  }
  return fold.entries();
};

/** Where a metrics query reads its facts: the read model (now), or a replay of the log (as of an instant). */
export interface MetricsSource {
  readonly asOf: Date | null;
  readonly scope: MetricsScope | null;
}

/**
 * The metrics of the API: over the read model for the present, over a replay
 * for a past instant (`asOf`), both through the same computations.
 */
export class MetricsQueries {
  private constructor(
    private readonly facts: Collection<MetricsFactsEntry>,
    private readonly events: EventStore,
    private readonly codec: EventCodec,
    private readonly now: () => Date,
  ) {}

  static async open(readStore: ReadStore, events: EventStore, codec: EventCodec, now: () => Date = () => new Date()): Promise<MetricsQueries> {
    return new MetricsQueries(await readStore.collection<MetricsFactsEntry>(metricsFactsCollection), events, codec, now);
  }

  /** Every document of the read model. */
  async currentFacts(): Promise<MetricsFactsEntry[]> {
    const all: MetricsFactsEntry[] = [];
    let after: string | null = null;
    for (;;) {
      const page = await this.facts.find({ first: 1000, after });
      all.push(...page.items.map((item) => item.doc));
      if (!page.hasNextPage) return all;
      after = page.endCursor;
    }
  }

  /** The facts metrics are computed over: merges resolved, scope applied. */
  async base(source: MetricsSource): Promise<MetricsFactsEntry[]> {
    const facts = source.asOf === null ? await this.currentFacts() : await replayMetricsFacts(this.events, this.codec, { asOf: source.asOf });
    return metricsBase(facts, source.scope);
  }

  async conversionMetrics(source: MetricsSource, period: MetricsPeriod, groupBy: MetricsGroupBy): Promise<ConversionMetrics> {
    return conversionMetrics(await this.base(source), period, groupBy);
  }

  async prospectPipeline(source: MetricsSource, groupBy: MetricsGroupBy): Promise<ProspectPipeline> {
    return prospectPipeline(await this.base(source), groupBy);
  }

  async followUpEffectiveness(source: MetricsSource, period: MetricsPeriod): Promise<FollowUpEffectiveness> {
    return followUpEffectiveness(await this.base(source), period);
  }

  /** Ages measured from `asOf`, or from now. */
  async lastContactDistribution(source: MetricsSource): Promise<LastContactDistribution> {
    return lastContactDistribution(await this.base(source), source.asOf ?? this.now());
  }

  async exchangeFrequency(source: MetricsSource, period: MetricsPeriod): Promise<ExchangeFrequency[]> {
    return exchangeFrequency(await this.base(source), period);
  }
}
