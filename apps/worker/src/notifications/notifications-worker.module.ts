import { Inject, Logger, Module, type BeforeApplicationShutdown, type OnApplicationBootstrap } from '@nestjs/common';
import type { Catalogue } from '#domain';
import type { EventCodec, EventStore } from '#event-store';
import { instrumentMailer, loadNotificationTemplate, openMailer, processMetrics, type Mailer, type SuiviConfig } from '#platform';
import { DirectoryQueries, UserQueries } from '#projections';
import type { ReadStore } from '#read-store';
import { CATALOGUE, CODEC, CONFIG, EVENT_STORE, READ_STORE } from '../../../api/src/infrastructure/tokens.js';
import { CollaboratorNotifier } from './collaborator-notifier.js';
import { COLLABORATOR_NOTIFIER_INSTANCE, MAILER } from './notifications.tokens.js';

/**
 * Collaborator notifications in the worker (inline in the API process in the
 * embedded default). The template is read and checked while the module is
 * built: a wrong SUIVI_NOTIFICATION_TEMPLATE_FILE stops the start.
 */
@Module({
  providers: [
    {
      provide: MAILER,
      inject: [CONFIG],
      useFactory: (config: SuiviConfig): Mailer => {
        const logger = new Logger('Mail');
        // Every automation mails through this one: the sent and failed counters of /metrics are kept here.
        return instrumentMailer(openMailer(config, { log: (line) => logger.log(line) }), processMetrics());
      },
    },
    {
      provide: COLLABORATOR_NOTIFIER_INSTANCE,
      inject: [CONFIG, CATALOGUE, MAILER, EVENT_STORE, CODEC, READ_STORE],
      useFactory: async (config: SuiviConfig, catalogue: Catalogue, mailer: Mailer, store: EventStore, codec: EventCodec, readStore: ReadStore) =>
        new CollaboratorNotifier({
          store,
          codec,
          checkpoints: readStore.checkpoints,
          users: await UserQueries.open(readStore),
          directory: await DirectoryQueries.open(readStore),
          catalogue,
          mailer,
          template: loadNotificationTemplate(config),
          from: config.mailFrom,
          logger: new Logger('Notifications'),
        }),
    },
  ],
  exports: [MAILER],
})
export class NotificationsWorkerModule implements OnApplicationBootstrap, BeforeApplicationShutdown {
  constructor(
    @Inject(COLLABORATOR_NOTIFIER_INSTANCE) private readonly notifier: CollaboratorNotifier,
    @Inject(MAILER) private readonly mailer: Mailer,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    await this.notifier.start();
  }

  async beforeApplicationShutdown(): Promise<void> {
    await this.notifier.stop();
    await this.mailer.close();
  }
}
