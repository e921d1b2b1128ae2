import { Module } from '@nestjs/common';
import { ActivityQueries } from '#projections';
import type { ReadStore } from '#read-store';
import { AuthModule } from '../auth/auth.module.js';
import { READ_STORE } from '../infrastructure/tokens.js';
import { SharedModule } from '../shared/shared.module.js';
import { ChangeActivityHandler, ScheduleActivityHandler, UpdateActivityHandler } from './activity.handlers.js';
import { ActivityResolver, ThirdPartyActivitiesResolver } from './activity.resolver.js';

/** Tasks, calls and meetings: the agenda, and a third party's list of them. */
@Module({
  imports: [SharedModule, AuthModule],
  providers: [
    ScheduleActivityHandler,
    UpdateActivityHandler,
    ChangeActivityHandler,
    ActivityResolver,
    ThirdPartyActivitiesResolver,
    { provide: ActivityQueries, inject: [READ_STORE], useFactory: (readStore: ReadStore) => ActivityQueries.open(readStore) },
  ],
  exports: [ActivityQueries],
})
export class ActivityModule {}
