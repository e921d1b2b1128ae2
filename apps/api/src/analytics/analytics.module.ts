import { Module } from '@nestjs/common';
import type { EventCodec, EventStore } from '#event-store';
import type { Clock } from '#platform';
import { MetricsQueries } from '#projections';
import type { ReadStore } from '#read-store';
import { AuthModule } from '../auth/auth.module.js';
import { CLOCK, CODEC, EVENT_STORE, READ_STORE } from '../infrastructure/tokens.js';
import { SharedModule } from '../shared/shared.module.js';
import { AnalyticsResolver } from './analytics.resolver.js';

/** Conversion metrics over GraphQL: the metrics read model for now, a replay of the log for the past. */
@Module({
  imports: [SharedModule, AuthModule],
  providers: [
    {
      provide: MetricsQueries,
      inject: [READ_STORE, EVENT_STORE, CODEC, CLOCK],
      useFactory: (readStore: ReadStore, events: EventStore, codec: EventCodec, clock: Clock) => MetricsQueries.open(readStore, events, codec, () => clock.now()),
    },
    AnalyticsResolver,
  ],
})
export class AnalyticsModule {}
