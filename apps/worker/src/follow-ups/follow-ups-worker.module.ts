import { Inject, Logger, Module, type BeforeApplicationShutdown, type OnApplicationBootstrap } from '@nestjs/common';
import type { FollowUpPolicy } from '#domain';
import type { EventCodec, EventStore, IdGenerator } from '#event-store';
import type { Clock, Mailer, SuiviConfig } from '#platform';
import { CommercialDocumentQueries, ConsentQueries, ContactQueries, DirectoryQueries, FollowUpQueries, UserQueries } from '#projections';
import type { ReadStore } from '#read-store';
import { CLOCK, CODEC, CONFIG, EVENT_STORE, IDS, READ_STORE } from '../../../api/src/infrastructure/tokens.js';
import { NotificationsWorkerModule } from '../notifications/notifications-worker.module.js';
import { MAILER } from '../notifications/notifications.tokens.js';
import { FollowUpAutomation } from './follow-up-automation.js';
import { FollowUpCommands } from './follow-up-commands.js';
import { FollowUpsModule } from './follow-ups.module.js';
import { FOLLOW_UP_AUTOMATION_INSTANCE, FOLLOW_UP_POLICIES } from './follow-ups.tokens.js';

/**
 * The follow-up automation in the worker (inline in the API process in the
 * embedded default), sharing the notifications' mailer. Off unless
 * SUIVI_FOLLOW_UPS=on: it mails clients, which a deployment turns on knowingly.
 */
@Module({
  imports: [FollowUpsModule, NotificationsWorkerModule],
  providers: [
    {
      provide: FOLLOW_UP_AUTOMATION_INSTANCE,
      inject: [CONFIG, FOLLOW_UP_POLICIES, FollowUpCommands, FollowUpQueries, MAILER, EVENT_STORE, CODEC, READ_STORE, CLOCK, IDS],
      useFactory: async (
        config: SuiviConfig,
        policies: readonly FollowUpPolicy[],
        commands: FollowUpCommands,
        followUps: FollowUpQueries,
        mailer: Mailer,
        store: EventStore,
        codec: EventCodec,
        readStore: ReadStore,
        clock: Clock,
        ids: IdGenerator,
      ): Promise<FollowUpAutomation | null> =>
        config.followUps === 'off'
          ? null
          : new FollowUpAutomation({
              store,
              codec,
              commands,
              checkpoints: readStore.checkpoints,
              followUps,
              directory: await DirectoryQueries.open(readStore),
              contacts: await ContactQueries.open(readStore),
              consents: await ConsentQueries.open(readStore),
              documents: await CommercialDocumentQueries.open(readStore),
              users: await UserQueries.open(readStore),
              mailer,
              from: config.mailFrom,
              policies,
              dryRun: config.followUpDryRun,
              tickMs: config.followUpTickMs,
              clock,
              ids,
              logger: new Logger('FollowUps'),
            }),
    },
  ],
  exports: [FOLLOW_UP_AUTOMATION_INSTANCE],
})
export class FollowUpsWorkerModule implements OnApplicationBootstrap, BeforeApplicationShutdown {
  constructor(@Inject(FOLLOW_UP_AUTOMATION_INSTANCE) private readonly automation: FollowUpAutomation | null) {}

  onApplicationBootstrap(): void {
    this.automation?.start();
  }

  async beforeApplicationShutdown(): Promise<void> {
    await this.automation?.stop();
  }
}
