import { byDateThenId, type MetricsDocumentFact, type MetricsFactsEntry, type MetricsStepFact } from './metrics-facts.js';

/*
 * Conversion metrics as pure computations over the facts of the third parties
 * (metrics-facts.ts), whether read from the read model or replayed as of an
 * instant. Periods are [from, to) on business dates (when a conversion, an
 * exchange, a sending happened); what the facts know is decided by the events
 * they were folded from (docs/decisions/0031-conversion-metrics.md).
 */

export const metricsGroupings = ['OWNER', 'SOURCE', 'TERRITORY'] as const;
export type MetricsGroupBy = (typeof metricsGroupings)[number];

export interface MetricsPeriod {
  readonly from: Date;
  /** Exclusive. */
  readonly to: Date;
}

/** What a user limited to some third parties may count: the directory's scope (territories, owned only). */
export interface MetricsScope {
  readonly userId: string;
  /** Null: any territory. */
  readonly territories: readonly string[] | null;
  readonly ownedOnly: boolean;
}

const DAY_MS = 86_400_000;

/**
 * The facts as the business reads them: an absorbed third party's exchanges,
 * documents and reminders count as its survivor's (as every read model shows
 * them), and the absorbed one is not counted on its own.
 */
export const resolveMerges = (facts: readonly MetricsFactsEntry[]): MetricsFactsEntry[] => {
  const byId = new Map(facts.map((entry) => [entry.id, entry]));
  const survivorOf = (entry: MetricsFactsEntry): MetricsFactsEntry | undefined => {
    let current = entry;
    // A survivor may itself be merged later; a cycle cannot happen, the bound is a guard.
    for (let hops = 0; current.mergedInto !== null && hops < facts.length; hops += 1) {
      const next = byId.get(current.mergedInto);
      if (next === undefined) return undefined;
      current = next;
    }
    return current;
  };
  const absorbed = new Map<string, MetricsFactsEntry[]>();
  for (const entry of facts) {
    if (entry.mergedInto === null) continue;
    const survivor = survivorOf(entry);
    if (survivor === undefined) continue;
    absorbed.set(survivor.id, [...(absorbed.get(survivor.id) ?? []), entry]);
  }
  return facts
    .filter((entry) => entry.mergedInto === null)
    .map((entry) => {
      const others = absorbed.get(entry.id);
      if (others === undefined) return entry;
      return {
        ...entry,
        exchanges: [...entry.exchanges, ...others.flatMap((other) => other.exchanges)].sort(byDateThenId),
        documents: [...entry.documents, ...others.flatMap((other) => other.documents)],
      };
    });
};

/** The facts of the third parties a scope admits, judged on their territory and owner as the facts know them. */
export const scopedFacts = (facts: readonly MetricsFactsEntry[], scope: MetricsScope | null): MetricsFactsEntry[] => {
  if (scope === null) return [...facts];
  return facts.filter(
    (entry) =>
      (scope.territories === null || (entry.territory !== null && scope.territories.includes(entry.territory))) &&
      (!scope.ownedOnly || entry.ownerId === scope.userId),
  );
};

/** Merges resolved, then the scope applied: what every metric below is computed over. */
export const metricsBase = (facts: readonly MetricsFactsEntry[], scope: MetricsScope | null): MetricsFactsEntry[] =>
  scopedFacts(resolveMerges(facts), scope);

export interface DurationStats {
  readonly count: number;
  readonly medianDays: number | null;
  readonly p75Days: number | null;
  readonly meanDays: number | null;
}

/**
 * Linear interpolation between closest ranks (R type 7, numpy's default):
 * the median of an even count is the mean of the two middle values.
 */
export const quantile = (sorted: readonly number[], p: number): number | null => {
  if (sorted.length === 0) return null;
  const rank = (sorted.length - 1) * p;
  const low = Math.floor(rank);
  const high = Math.min(low + 1, sorted.length - 1);
  return sorted[low]! + (rank - low) * (sorted[high]! - sorted[low]!);
};

export const durationStats = (durationsMs: readonly number[]): DurationStats => {
  const days = durationsMs.map((ms) => ms / DAY_MS).sort((a, b) => a - b);
  return {
    count: days.length,
    medianDays: quantile(days, 0.5),
    p75Days: quantile(days, 0.75),
    meanDays: days.length === 0 ? null : days.reduce((sum, value) => sum + value, 0) / days.length,
  };
};

const within = (at: string | null, period: MetricsPeriod): boolean => {
  if (at === null) return false;
  const time = Date.parse(at);
  return time >= period.from.getTime() && time < period.to.getTime();
};

const before = (at: string | null, instant: Date): boolean => at !== null && Date.parse(at) < instant.getTime();

const byKey = <T extends { readonly key: string | null }>(a: T, b: T): number =>
  a.key === b.key ? 0 : a.key === null ? 1 : b.key === null ? -1 : a.key < b.key ? -1 : 1;

const ratio = (part: number, whole: number): number | null => (whole === 0 ? null : part / whole);

/** The key a third party counts under: its owner when it converted (else now), its source, its territory. */
export const groupKeyOf = (entry: MetricsFactsEntry, groupBy: MetricsGroupBy): string | null => {
  switch (groupBy) {
    case 'OWNER':
      return entry.convertedAt !== null ? entry.convertedOwnerId : entry.ownerId;
    case 'SOURCE':
      return entry.leadSource;
    case 'TERRITORY':
      return entry.territory;
    default: {
      const unreachable: never = groupBy;
      return unreachable;
    }
  }
};

const groupBy = <T>(facts: readonly MetricsFactsEntry[], by: MetricsGroupBy, fold: (key: string | null, entries: MetricsFactsEntry[]) => T): T[] => {
  const groups = new Map<string | null, MetricsFactsEntry[]>();
  for (const entry of facts) {
    const key = groupKeyOf(entry, by);
    groups.set(key, [...(groups.get(key) ?? []), entry]);
  }
  return [...groups.entries()].map(([key, entries]) => fold(key, entries));
};

export interface ConversionGroup {
  /** The owner's id, the lead source or the territory; null for "none". */
  readonly key: string | null;
  /** Prospects in play during the period: registered before its end, neither converted nor archived before its start. */
  readonly prospects: number;
  /** Conversions dated within the period. */
  readonly conversions: number;
  /** conversions / prospects; null without prospects. */
  readonly conversionRate: number | null;
  /** From the first exchange to the conversion, over the conversions that had one. */
  readonly timeToConvert: DurationStats;
  /** Mean number of exchanges dated up to the conversion, per conversion; null without conversions. */
  readonly exchangesPerConversion: number | null;
}

export interface ConversionMetrics {
  readonly from: Date;
  readonly to: Date;
  readonly groupBy: MetricsGroupBy;
  readonly total: ConversionGroup;
  /** Sorted by key, "none" last. */
  readonly groups: ConversionGroup[];
}

/** Whether the third party was a prospect at some instant of the period. */
const inPlay = (entry: MetricsFactsEntry, period: MetricsPeriod): boolean =>
  entry.wasProspect &&
  (entry.registeredAt === null || before(entry.registeredAt, period.to)) &&
  !before(entry.convertedAt, period.from) &&
  !before(entry.archivedAt, period.from);

const exchangesUpTo = (entry: MetricsFactsEntry, at: string): number => {
  const limit = Date.parse(at);
  return entry.exchanges.filter((exchange) => Date.parse(exchange.at) <= limit).length;
};

const conversionGroup = (key: string | null, facts: readonly MetricsFactsEntry[], period: MetricsPeriod): ConversionGroup => {
  const prospects = facts.filter((entry) => inPlay(entry, period));
  const converted = prospects.filter((entry) => within(entry.convertedAt, period));
  const exchanges = converted.map((entry) => exchangesUpTo(entry, entry.convertedAt!));
  return {
    key,
    prospects: prospects.length,
    conversions: converted.length,
    conversionRate: ratio(converted.length, prospects.length),
    timeToConvert: durationStats(converted.flatMap((entry) => (entry.msSinceFirstExchange === null ? [] : [entry.msSinceFirstExchange]))),
    exchangesPerConversion: converted.length === 0 ? null : exchanges.reduce((sum, count) => sum + count, 0) / converted.length,
  };
};

/** Conversion rate, time to convert and exchanges per conversion over a period, per group. */
export const conversionMetrics = (facts: readonly MetricsFactsEntry[], period: MetricsPeriod, by: MetricsGroupBy): ConversionMetrics => {
  // A forgotten third party's conversion stays one: the facts hold nothing personal by then.
  return {
    from: period.from,
    to: period.to,
    groupBy: by,
    total: conversionGroup(null, facts, period),
    groups: groupBy(
      facts.filter((entry) => inPlay(entry, period)),
      by,
      (key, entries) => conversionGroup(key, entries, period),
    ).sort(byKey),
  };
};

export interface PipelineGroup {
  readonly key: string | null;
  /** Prospects now: the PROSPECT role, not archived. */
  readonly openProspects: number;
  /** Prospects that converted, whenever. */
  readonly converted: number;
  /** Prospects archived without converting. */
  readonly lost: number;
}

export interface ProspectPipeline {
  readonly groupBy: MetricsGroupBy;
  readonly total: PipelineGroup;
  readonly groups: PipelineGroup[];
}

const pipelineGroup = (key: string | null, facts: readonly MetricsFactsEntry[]): PipelineGroup => ({
  key,
  openProspects: facts.filter((entry) => entry.roles.includes('PROSPECT') && entry.archivedAt === null).length,
  converted: facts.filter((entry) => entry.convertedAt !== null).length,
  lost: facts.filter((entry) => entry.convertedAt === null && entry.archivedAt !== null).length,
});

/** Every third party that ever was a prospect, by where it stands, per group. Forgotten ones are gone. */
export const prospectPipeline = (facts: readonly MetricsFactsEntry[], by: MetricsGroupBy): ProspectPipeline => {
  const prospects = facts.filter((entry) => entry.wasProspect && !entry.forgotten);
  return { groupBy: by, total: pipelineGroup(null, prospects), groups: groupBy(prospects, by, pipelineGroup).sort(byKey) };
};

export interface StepEffect {
  /** 1-based reminder step. */
  readonly step: number;
  /** Documents whose reminder of this step was sent. */
  readonly reminded: number;
  /** Of those, accepted (paid) after this reminder and before the next one sent. */
  readonly succeeded: number;
  readonly rate: number | null;
}

export interface DocumentFollowUpEffect {
  /** Documents issued within the period. */
  readonly documents: number;
  /** Accepted (quotes) or paid (invoices), whenever. */
  readonly succeeded: number;
  /** Succeeded before any reminder was sent. */
  readonly succeededWithoutReminder: number;
  readonly steps: StepEffect[];
}

export interface FollowUpEffectiveness {
  readonly from: Date;
  readonly to: Date;
  readonly quotes: DocumentFollowUpEffect;
  readonly invoices: DocumentFollowUpEffect;
}

/** The step a success is credited to: the last reminder sent at or before it; 0 before any. */
const creditedStep = (steps: readonly MetricsStepFact[], succeededAt: string): number => {
  const at = Date.parse(succeededAt);
  let credited = 0;
  for (const step of steps) if (Date.parse(step.sentAt) <= at) credited = step.step;
  return credited;
};

const documentEffect = (documents: readonly MetricsDocumentFact[]): DocumentFollowUpEffect => {
  const stepNumbers = [...new Set(documents.flatMap((document) => document.steps.map((step) => step.step)))].sort((a, b) => a - b);
  const succeeded = documents.filter((document) => document.succeededAt !== null);
  return {
    documents: documents.length,
    succeeded: succeeded.length,
    succeededWithoutReminder: succeeded.filter((document) => creditedStep(document.steps, document.succeededAt!) === 0).length,
    steps: stepNumbers.map((step) => {
      const reminded = documents.filter((document) => document.steps.some((sent) => sent.step === step));
      const after = reminded.filter((document) => document.succeededAt !== null && creditedStep(document.steps, document.succeededAt) === step);
      return { step, reminded: reminded.length, succeeded: after.length, rate: ratio(after.length, reminded.length) };
    }),
  };
};

/**
 * Of the quotes (invoices) issued within the period, how many were accepted
 * (paid) after each reminder step: a success counts for the last reminder sent
 * before it, and for none when it came first.
 */
export const followUpEffectiveness = (facts: readonly MetricsFactsEntry[], period: MetricsPeriod): FollowUpEffectiveness => {
  const documents = facts.flatMap((entry) => entry.documents).filter((document) => within(document.issuedAt, period));
  return {
    from: period.from,
    to: period.to,
    quotes: documentEffect(documents.filter((document) => document.type === 'QUOTE')),
    invoices: documentEffect(documents.filter((document) => document.type === 'INVOICE')),
  };
};

export const lastContactBuckets = ['UNDER_30_DAYS', 'DAYS_30_TO_90', 'DAYS_90_TO_180', 'DAYS_180_TO_365', 'OVER_365_DAYS', 'NEVER'] as const;
export type LastContactBucket = (typeof lastContactBuckets)[number];

export interface LastContactDistribution {
  /** The instant ages are measured from. */
  readonly at: Date;
  readonly total: number;
  /** Every bucket, in the order of lastContactBuckets, empty ones included. */
  readonly buckets: { readonly bucket: LastContactBucket; readonly count: number }[];
}

/** Lower bounds in days, inclusive: 30 days exactly is 30–90. */
const bucketOf = (days: number): LastContactBucket =>
  days < 30 ? 'UNDER_30_DAYS' : days < 90 ? 'DAYS_30_TO_90' : days < 180 ? 'DAYS_90_TO_180' : days < 365 ? 'DAYS_180_TO_365' : 'OVER_365_DAYS';

/** The last exchange dated at or before `at`; exchanges planned ahead are not contacts yet. */
export const lastContactAt = (entry: MetricsFactsEntry, at: Date): string | null => {
  let last: string | null = null;
  for (const exchange of entry.exchanges) if (Date.parse(exchange.at) <= at.getTime()) last = exchange.at;
  return last;
};

/**
 * How long since the last exchange with each third party still in the
 * relationship (not archived, not forgotten) at `at`: who is going cold.
 */
export const lastContactDistribution = (facts: readonly MetricsFactsEntry[], at: Date): LastContactDistribution => {
  const counts = new Map<LastContactBucket, number>(lastContactBuckets.map((bucket) => [bucket, 0]));
  const active = facts.filter((entry) => !entry.forgotten && entry.archivedAt === null);
  for (const entry of active) {
    const last = lastContactAt(entry, at);
    const bucket = last === null ? 'NEVER' : bucketOf((at.getTime() - Date.parse(last)) / DAY_MS);
    counts.set(bucket, counts.get(bucket)! + 1);
  }
  return { at, total: active.length, buckets: lastContactBuckets.map((bucket) => ({ bucket, count: counts.get(bucket)! })) };
};

export interface ExchangeFrequency {
  readonly thirdPartyId: string;
  readonly customer: boolean;
  /** Exchanges dated within the period. */
  readonly exchanges: number;
  /** exchanges per 30 days of the period. */
  readonly perMonth: number;
  readonly firstExchangeAt: string;
  readonly lastExchangeAt: string;
}

/** Third parties with exchanges within the period, most exchanges first (then by id). */
export const exchangeFrequency = (facts: readonly MetricsFactsEntry[], period: MetricsPeriod): ExchangeFrequency[] => {
  const months = (period.to.getTime() - period.from.getTime()) / (30 * DAY_MS);
  return facts
    .filter((entry) => !entry.forgotten)
    .flatMap((entry): ExchangeFrequency[] => {
      const dated = entry.exchanges.filter((exchange) => within(exchange.at, period));
      if (dated.length === 0) return [];
      return [
        {
          thirdPartyId: entry.id,
          customer: entry.roles.includes('CUSTOMER'),
          exchanges: dated.length,
          perMonth: months > 0 ? dated.length / months : 0,
          firstExchangeAt: dated[0]!.at,
          lastExchangeAt: dated[dated.length - 1]!.at,
        },
      ];
    })
    .sort((a, b) => b.exchanges - a.exchanges || (a.thirdPartyId < b.thirdPartyId ? -1 : a.thirdPartyId > b.thirdPartyId ? 1 : 0));
};
