import { Inject, Logger, Module, type BeforeApplicationShutdown, type OnApplicationBootstrap } from '@nestjs/common';
import type { RetentionConfig } from '#domain';
import type { EventStore, IdGenerator } from '#event-store';
import type { Clock } from '#platform';
import { DirectoryQueries, RetentionQueueQueries } from '#projections';
import type { ReadStore } from '#read-store';
import { DataSubjectErasure } from '#security';
import { CLOCK, EVENT_STORE, IDS, READ_STORE } from '../../../api/src/infrastructure/tokens.js';
import { RetentionAutomation } from './retention-automation.js';
import { RetentionReviews } from './retention-reviews.js';
import { RetentionModule } from './retention.module.js';
import { RETENTION_AUTOMATION, RETENTION_CONFIG } from './retention.tokens.js';

/**
 * The retention automation in the worker (inline in the API process in the
 * embedded default): started once the application is up, stopped before the
 * stores close. Without SUIVI_RETENTION_FILE there is nothing to run.
 */
@Module({
  imports: [RetentionModule],
  providers: [
    {
      provide: RETENTION_AUTOMATION,
      inject: [RETENTION_CONFIG, RetentionReviews, DataSubjectErasure, DirectoryQueries, RetentionQueueQueries, EVENT_STORE, READ_STORE, CLOCK, IDS],
      useFactory: (
        config: RetentionConfig | null,
        reviews: RetentionReviews,
        erasure: DataSubjectErasure,
        directory: DirectoryQueries,
        queue: RetentionQueueQueries,
        store: EventStore,
        readStore: ReadStore,
        clock: Clock,
        ids: IdGenerator,
      ): RetentionAutomation | null =>
        config === null
          ? null
          : new RetentionAutomation({
              config,
              reviews,
              erasure,
              directory,
              queue,
              store,
              checkpoints: readStore.checkpoints,
              clock,
              ids,
              logger: new Logger('Retention'),
            }),
    },
  ],
  exports: [RETENTION_AUTOMATION],
})
export class RetentionWorkerModule implements OnApplicationBootstrap, BeforeApplicationShutdown {
  constructor(@Inject(RETENTION_AUTOMATION) private readonly automation: RetentionAutomation | null) {}

  onApplicationBootstrap(): void {
    this.automation?.start();
  }

  async beforeApplicationShutdown(): Promise<void> {
    await this.automation?.stop();
  }
}
