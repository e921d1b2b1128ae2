import { Inject, Logger, Module, type BeforeApplicationShutdown, type OnApplicationBootstrap } from '@nestjs/common';
import type { EventCodec, EventStore } from '#event-store';
import type { ReadStore } from '#read-store';
import type { Clock } from '#platform';
import { ProjectionRunner } from '#projections';
import { CLOCK, CODEC, EVENT_STORE, READ_STORE } from '../../api/src/infrastructure/tokens.js';

/**
 * Runs every projection from its checkpoint. Stops (flushing its batch and
 * saving checkpoints) before the stores close on shutdown.
 */
@Module({
  providers: [
    {
      provide: ProjectionRunner,
      inject: [EVENT_STORE, READ_STORE, CODEC, CLOCK],
      useFactory: (store: EventStore, readStore: ReadStore, codec: EventCodec, clock: Clock) =>
        new ProjectionRunner({ store, readStore, codec, clock, logger: new Logger('Projections') }),
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
