import { Module } from '@nestjs/common';
import { InfrastructureModule } from '../../api/src/infrastructure/infrastructure.module.js';
import { WorkerMetricsModule } from './observability/worker-metrics.module.js';
import { ProjectionWorkerModule } from './projection-worker.module.js';

/** The worker process: stores, projections and the automations that follow them (retention); HTTP only for /metrics, when asked. */
@Module({ imports: [InfrastructureModule, ProjectionWorkerModule, WorkerMetricsModule] })
export class WorkerModule {}
