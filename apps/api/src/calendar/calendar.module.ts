import { Module } from '@nestjs/common';
import { ActivityModule } from '../activity/activity.module.js';
import { AuthModule } from '../auth/auth.module.js';
import { SharedModule } from '../shared/shared.module.js';
import { CalendarFeedController } from './calendar-feed.controller.js';
import { CalendarFeedResolver } from './calendar-feed.resolver.js';

/** Per-user iCalendar feeds of activities: issued and revoked over GraphQL, served at a secret URL. */
@Module({
  imports: [SharedModule, AuthModule, ActivityModule],
  controllers: [CalendarFeedController],
  providers: [CalendarFeedResolver],
})
export class CalendarModule {}
