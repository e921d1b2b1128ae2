import { Module } from '@nestjs/common';
import { InfrastructureModule } from '../../api/src/infrastructure/infrastructure.module.js';
import { ProjectionWorkerModule } from './projection-worker.module.js';

/** The worker process: stores and projections, no HTTP. */
@Module({ imports: [InfrastructureModule, ProjectionWorkerModule] })
export class WorkerModule {}
