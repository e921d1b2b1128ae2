import { Module } from '@nestjs/common';
import { InfrastructureModule } from '../../api/src/infrastructure/infrastructure.module.js';
import { ProjectionWorkerModule } from './projection-worker.module.js';

/** The worker process: stores, projections and the automations that follow them (retention), no HTTP. */
@Module({ imports: [InfrastructureModule, ProjectionWorkerModule] })
export class WorkerModule {}
