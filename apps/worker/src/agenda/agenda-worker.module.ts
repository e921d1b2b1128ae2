import { Inject, Logger, Module, type BeforeApplicationShutdown, type OnApplicationBootstrap } from '@nestjs/common';
import type { EventStore } from '#event-store';
import type { Clock, Mailer, SuiviConfig } from '#platform';
import { ActivityQueries, DirectoryQueries, UserQueries } from '#projections';
import type { ReadStore } from '#read-store';
import { CLOCK, CONFIG, EVENT_STORE, READ_STORE } from '../../../api/src/infrastructure/tokens.js';
import { NotificationsWorkerModule } from '../notifications/notifications-worker.module.js';
import { MAILER } from '../notifications/notifications.tokens.js';
import { ActivityReminders } from './activity-reminders.js';

export const ACTIVITY_REMINDERS_INSTANCE = Symbol('ActivityReminders');

/**
 * Activity reminders in the worker (inline in the API process in the embedded
 * default), sharing the notifications' mailer. Always on: they mail only
 * Suivi's own users, who asked for them on each activity.
 */
@Module({
  imports: [NotificationsWorkerModule],
  providers: [
    {
      provide: ACTIVITY_REMINDERS_INSTANCE,
      inject: [CONFIG, MAILER, EVENT_STORE, READ_STORE, CLOCK],
      useFactory: async (config: SuiviConfig, mailer: Mailer, store: EventStore, readStore: ReadStore, clock: Clock) =>
        new ActivityReminders({
          store,
          checkpoints: readStore.checkpoints,
          activities: await ActivityQueries.open(readStore),
          users: await UserQueries.open(readStore),
          directory: await DirectoryQueries.open(readStore),
          mailer,
          from: config.mailFrom,
          clock,
          tickMs: config.agendaTickMs,
          logger: new Logger('Agenda'),
        }),
    },
  ],
})
export class AgendaWorkerModule implements OnApplicationBootstrap, BeforeApplicationShutdown {
  constructor(@Inject(ACTIVITY_REMINDERS_INSTANCE) private readonly reminders: ActivityReminders) {}

  onApplicationBootstrap(): void {
    this.reminders.start();
  }

  async beforeApplicationShutdown(): Promise<void> {
    await this.reminders.stop();
  }
}
