import { Field, Float, ID, Int, ObjectType, registerEnumType } from '@nestjs/graphql';
import { lastContactBuckets, metricsGroupings, type LastContactBucket, type MetricsGroupBy } from '#projections';
import { ConnectionType } from '../graphql/relay.js';
import { DateTimeScalar } from '../graphql/scalars.js';

export const MetricsGroupByEnum = Object.fromEntries(metricsGroupings.map((value) => [value, value])) as Record<MetricsGroupBy, MetricsGroupBy>;

registerEnumType(MetricsGroupByEnum, {
  name: 'MetricsGroupBy',
  description:
    "How metrics are broken down: OWNER (the salesperson: the owner when the prospect converted, else the current one), SOURCE (the lead source), TERRITORY. A group's key is null for third parties without one.",
});

export const LastContactBucketEnum = Object.fromEntries(lastContactBuckets.map((value) => [value, value])) as Record<LastContactBucket, LastContactBucket>;

registerEnumType(LastContactBucketEnum, {
  name: 'LastContactBucket',
  description: 'Days since the last exchange, lower bound included: UNDER_30_DAYS, DAYS_30_TO_90, DAYS_90_TO_180, DAYS_180_TO_365, OVER_365_DAYS (365 or more), NEVER.',
});

@ObjectType({ description: 'A duration distribution, in days; the figures are null when it is empty.' })
export class DurationStats {
  @Field(() => Int)
  count!: number;

  @Field(() => Float, { nullable: true })
  medianDays!: number | null;

  @Field(() => Float, { nullable: true, description: '75th percentile, by linear interpolation between closest ranks.' })
  p75Days!: number | null;

  @Field(() => Float, { nullable: true })
  meanDays!: number | null;
}

@ObjectType({ description: 'Conversion over a period for one group (or all, as `total`).' })
export class ConversionGroup {
  @Field(() => String, { nullable: true, description: "The owner's user id, the lead source or the territory; null: none. Null in `total`." })
  key!: string | null;

  @Field(() => Int, { description: 'Prospects in play during the period: registered before its end, neither converted nor archived before its start.' })
  prospects!: number;

  @Field(() => Int, { description: 'Conversions dated within the period.' })
  conversions!: number;

  @Field(() => Float, { nullable: true, description: 'conversions / prospects; null without prospects.' })
  conversionRate!: number | null;

  @Field(() => DurationStats, { description: 'From the first exchange to the conversion, over the conversions that had an exchange before.' })
  timeToConvert!: DurationStats;

  @Field(() => Float, { nullable: true, description: 'Mean number of exchanges dated up to the conversion; null without conversions.' })
  exchangesPerConversion!: number | null;
}

@ObjectType()
export class ConversionMetrics {
  @Field(() => DateTimeScalar)
  from!: string;

  @Field(() => DateTimeScalar, { description: 'Exclusive.' })
  to!: string;

  @Field(() => DateTimeScalar, { nullable: true, description: 'The instant the metrics are computed as of; null: now.' })
  asOf!: string | null;

  @Field(() => MetricsGroupByEnum)
  groupBy!: MetricsGroupBy;

  @Field(() => ConversionGroup)
  total!: ConversionGroup;

  @Field(() => [ConversionGroup], { description: 'Sorted by key, the group without one last.' })
  groups!: ConversionGroup[];
}

@ObjectType({ description: 'Where the third parties that were prospects stand, for one group (or all).' })
export class PipelineGroup {
  @Field(() => String, { nullable: true })
  key!: string | null;

  @Field(() => Int, { description: 'Prospects now: the PROSPECT role, not archived.' })
  openProspects!: number;

  @Field(() => Int, { description: 'Converted, whenever.' })
  converted!: number;

  @Field(() => Int, { description: 'Archived without converting.' })
  lost!: number;
}

@ObjectType()
export class ProspectPipeline {
  @Field(() => DateTimeScalar, { nullable: true })
  asOf!: string | null;

  @Field(() => MetricsGroupByEnum)
  groupBy!: MetricsGroupBy;

  @Field(() => PipelineGroup)
  total!: PipelineGroup;

  @Field(() => [PipelineGroup])
  groups!: PipelineGroup[];
}

@ObjectType()
export class FollowUpStepEffect {
  @Field(() => Int, { description: 'The reminder step, from 1.' })
  step!: number;

  @Field(() => Int, { description: 'Documents whose reminder of this step was sent.' })
  reminded!: number;

  @Field(() => Int, { description: 'Of those, accepted (paid) after this reminder and before another was sent.' })
  succeeded!: number;

  @Field(() => Float, { nullable: true })
  rate!: number | null;
}

@ObjectType()
export class DocumentFollowUpEffect {
  @Field(() => Int, { description: 'Documents issued within the period.' })
  documents!: number;

  @Field(() => Int, { description: 'Accepted (quotes) or paid (invoices).' })
  succeeded!: number;

  @Field(() => Int, { description: 'Succeeded before any reminder was sent.' })
  succeededWithoutReminder!: number;

  @Field(() => [FollowUpStepEffect])
  steps!: FollowUpStepEffect[];
}

@ObjectType({ description: 'What reminders achieve: quotes accepted after each reminder step, invoices paid after each dunning step.' })
export class FollowUpEffectiveness {
  @Field(() => DateTimeScalar)
  from!: string;

  @Field(() => DateTimeScalar)
  to!: string;

  @Field(() => DateTimeScalar, { nullable: true })
  asOf!: string | null;

  @Field(() => DocumentFollowUpEffect)
  quotes!: DocumentFollowUpEffect;

  @Field(() => DocumentFollowUpEffect)
  invoices!: DocumentFollowUpEffect;
}

@ObjectType()
export class LastContactBucketCount {
  @Field(() => LastContactBucketEnum)
  bucket!: LastContactBucket;

  @Field(() => Int)
  count!: number;
}

@ObjectType({ description: 'How long since the last exchange with each third party neither archived nor forgotten: who is going cold.' })
export class LastContactDistribution {
  @Field(() => DateTimeScalar, { description: 'The instant ages are measured from: asOf, or now.' })
  at!: string;

  @Field(() => Int)
  total!: number;

  @Field(() => [LastContactBucketCount], { description: 'Every bucket, empty ones included, youngest first, NEVER last.' })
  buckets!: LastContactBucketCount[];
}

@ObjectType()
export class ExchangeFrequency {
  @Field(() => ID)
  thirdPartyId!: string;

  @Field({ description: 'Whether the third party is a customer.' })
  customer!: boolean;

  @Field(() => Int, { description: 'Exchanges dated within the period.' })
  exchanges!: number;

  @Field(() => Float, { description: 'Exchanges per 30 days of the period.' })
  perMonth!: number;

  @Field(() => DateTimeScalar)
  firstExchangeAt!: string;

  @Field(() => DateTimeScalar)
  lastExchangeAt!: string;
}

@ObjectType()
export class ExchangeFrequencyConnection extends ConnectionType(ExchangeFrequency, 'ExchangeFrequency') {}
