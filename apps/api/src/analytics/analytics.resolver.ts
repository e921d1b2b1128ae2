import { Args, Context, Query, Resolver } from '@nestjs/graphql';
import type { FastifyRequest } from 'fastify';
import { MetricsQueries, type MetricsGroupBy, type MetricsPeriod, type MetricsScope, type MetricsSource } from '#projections';
import type { Viewer } from '#security';
import { viewerOf } from '../auth/request-identity.js';
import { badUserInput } from '../graphql/errors.js';
import { offsetCursors } from '../graphql/offset-cursors.js';
import { ReadConsistency } from '../graphql/read-consistency.js';
import { AFTER_ARG, FIRST_ARG, pageSize, type Connection } from '../graphql/relay.js';
import { DateTimeScalar } from '../graphql/scalars.js';
import {
  ConversionMetrics,
  ExchangeFrequency,
  ExchangeFrequencyConnection,
  FollowUpEffectiveness,
  LastContactDistribution,
  MetricsGroupByEnum,
  ProspectPipeline,
} from './analytics.types.js';

const { cursorOf, offsetAfter } = offsetCursors('freq:');

const periodOf = (from: string, to: string): MetricsPeriod => {
  const period = { from: new Date(from), to: new Date(to) };
  if (period.to.getTime() <= period.from.getTime()) throw badUserInput('to', 'must be after from');
  return period;
};

/** A scoped user's metrics count only the third parties their scope admits (territories, owned only). */
const scopeOf = (viewer: Viewer): MetricsScope | null =>
  viewer.scoped && viewer.scope !== null
    ? { userId: viewer.userId, territories: viewer.scope.territories, ownedOnly: viewer.scope.ownedOnly }
    : null;

const iso = (date: Date): string => date.toISOString();

const AS_OF_ARG = {
  type: () => DateTimeScalar,
  nullable: true,
  description: 'Compute as Suivi knew things at this instant, replaying the history up to it (slower). Default: now, from the read model.',
} as const;
const FROM_ARG = { type: () => DateTimeScalar, description: 'Start of the period, included (business dates: when a conversion or exchange happened).' } as const;
const TO_ARG = { type: () => DateTimeScalar, description: 'End of the period, excluded.' } as const;
const GROUP_BY_ARG = { type: () => MetricsGroupByEnum } as const;

/**
 * Conversion metrics (docs/decisions/0031-conversion-metrics.md): computed from
 * the metrics read model, or with `asOf` from the log replayed up to that
 * instant through the same fold. Aggregates only, with ids and codes: no
 * third party's name or personal data, so the one permission suffices.
 */
@Resolver()
export class AnalyticsResolver {
  constructor(
    private readonly metrics: MetricsQueries,
    private readonly consistency: ReadConsistency,
  ) {}

  private async source(req: FastifyRequest, asOf: string | null | undefined): Promise<MetricsSource> {
    const viewer = viewerOf(req);
    // A replay reads the log itself: only the present needs the read model caught up.
    if (asOf === null || asOf === undefined) {
      await this.consistency.await(req);
      return { asOf: null, scope: scopeOf(viewer) };
    }
    return { asOf: new Date(asOf), scope: scopeOf(viewer) };
  }

  @Query(() => ConversionMetrics, {
    description:
      'Conversion over [from, to) per owner, lead source or territory: prospects in play, conversions, conversion rate, time to convert (first exchange → conversion: median, p75, mean, in days), exchanges per conversion. Needs permission analytics.read; a scoped user counts only their third parties.',
  })
  async conversionMetrics(
    @Args('from', FROM_ARG) from: string,
    @Args('to', TO_ARG) to: string,
    @Args('groupBy', GROUP_BY_ARG) groupBy: MetricsGroupBy,
    @Args('asOf', AS_OF_ARG) asOf: string | null,
    @Context('req') req: FastifyRequest,
  ): Promise<ConversionMetrics> {
    const period = periodOf(from, to);
    const metrics = await this.metrics.conversionMetrics(await this.source(req, asOf), period, groupBy);
    return { ...metrics, from: iso(metrics.from), to: iso(metrics.to), asOf: asOf ?? null };
  }

  @Query(() => ProspectPipeline, {
    description: 'Every third party that was ever a prospect, by where it stands (open, converted, lost), per owner, lead source or territory. Needs permission analytics.read.',
  })
  async prospectPipeline(
    @Args('groupBy', GROUP_BY_ARG) groupBy: MetricsGroupBy,
    @Args('asOf', AS_OF_ARG) asOf: string | null,
    @Context('req') req: FastifyRequest,
  ): Promise<ProspectPipeline> {
    return { ...(await this.metrics.prospectPipeline(await this.source(req, asOf), groupBy)), asOf: asOf ?? null };
  }

  @Query(() => FollowUpEffectiveness, {
    description:
      'Of the quotes (invoices) issued in [from, to), how many were accepted (paid) after each reminder step: a success counts for the last reminder sent before it. Needs permission analytics.read.',
  })
  async followUpEffectiveness(
    @Args('from', FROM_ARG) from: string,
    @Args('to', TO_ARG) to: string,
    @Args('asOf', AS_OF_ARG) asOf: string | null,
    @Context('req') req: FastifyRequest,
  ): Promise<FollowUpEffectiveness> {
    const period = periodOf(from, to);
    const effect = await this.metrics.followUpEffectiveness(await this.source(req, asOf), period);
    return { ...effect, from: iso(effect.from), to: iso(effect.to), asOf: asOf ?? null };
  }

  @Query(() => LastContactDistribution, {
    description: 'Third parties neither archived nor forgotten by days since their last exchange, at asOf or now: who is going cold. Needs permission analytics.read.',
  })
  async lastContactDistribution(@Args('asOf', AS_OF_ARG) asOf: string | null, @Context('req') req: FastifyRequest): Promise<LastContactDistribution> {
    const distribution = await this.metrics.lastContactDistribution(await this.source(req, asOf));
    return { ...distribution, at: iso(distribution.at) };
  }

  @Query(() => ExchangeFrequencyConnection, {
    description:
      'Third parties by number of exchanges dated in [from, to), most first, with their rate per 30 days. Computed for each page: a cursor is an offset in an order that holds while no exchange is logged. Needs permission analytics.read.',
  })
  async exchangeFrequency(
    @Args('from', FROM_ARG) from: string,
    @Args('to', TO_ARG) to: string,
    @Args('first', FIRST_ARG) first: number | null,
    @Args('after', AFTER_ARG) after: string | null,
    @Context('req') req: FastifyRequest,
  ): Promise<Connection<ExchangeFrequency>> {
    const period = periodOf(from, to);
    const size = pageSize(first);
    const offset = offsetAfter(after);
    const rows = await this.metrics.exchangeFrequency(await this.source(req, null), period);
    const edges = rows.slice(offset, offset + size).map((row, index) => ({ cursor: cursorOf(offset + index + 1), node: row }));
    return {
      edges,
      totalCount: rows.length,
      pageInfo: {
        hasNextPage: offset + size < rows.length,
        hasPreviousPage: false,
        startCursor: edges[0]?.cursor ?? null,
        endCursor: edges.at(-1)?.cursor ?? null,
      },
    };
  }
}
