import { Inject, Logger, Module, type BeforeApplicationShutdown, type OnApplicationBootstrap } from '@nestjs/common';
import type { CachedSubjectKeyStore, EventCodec, EventStore } from '#event-store';
import type { ReadStore } from '#read-store';
import type { Clock } from '#platform';
import { ProjectionRunner } from '#projections';
import { CLOCK, CODEC, EVENT_STORE, READ_STORE, SUBJECT_KEYS } from '../../api/src/infrastructure/tokens.js';
import { RetentionWorkerModule } from './retention/retention-worker.module.js';
import { NotificationsWorkerModule } from './notifications/notifications-worker.module.js';
import { FollowUpsWorkerModule } from './follow-ups/follow-ups-worker.module.js';
import { AgendaWorkerModule } from './agenda/agenda-worker.module.js';

/**
 * Runs every projection from its checkpoint. Stops (flushing its batch and
 * saving checkpoints) before the stores close on shutdown. The automations
 * that read the projections run with them (retention).
 */
@Module({
  imports: [RetentionWorkerModule, NotificationsWorkerModule, FollowUpsWorkerModule, AgendaWorkerModule],
  providers: [
    {
      provide: ProjectionRunner,
      inject: [EVENT_STORE, READ_STORE, CODEC, CLOCK, SUBJECT_KEYS],
      // The codec's key cache: a key another process destroys is dropped when its erasure event arrives.
      useFactory: (store: EventStore, readStore: ReadStore, codec: EventCodec, clock: Clock, keys: CachedSubjectKeyStore) =>
        new ProjectionRunner({ store, readStore, codec, clock, keys, logger: new Logger('Projections') }),
    },
  ],
  exports: [ProjectionRunner],
})
export class ProjectionWorkerModule implements OnApplicationBootstrap, BeforeApplicationShutdown {
  constructor(@Inject(ProjectionRunner) private readonly runner: ProjectionRunner) {}

  async onApplicationBootstrap(): Promise<void> {
    await this.runner.start();
  }

  async beforeApplicationShutdown(): Promise<void> {
    await this.runner.stop();
  }
}
