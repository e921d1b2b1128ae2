import { Inject, Module, type OnModuleInit } from '@nestjs/common';
import type { SuiviMetrics } from '#platform';
import { METRICS } from '../observability/metrics.token.js';
import { HealthController } from './health.controller.js';
import { ProjectionProbe } from './projection-probe.js';

/** /health/live, /health/ready, and the projection gauges of /metrics (read from the same probe). */
@Module({
  providers: [ProjectionProbe],
  controllers: [HealthController],
  exports: [ProjectionProbe],
})
export class HealthModule implements OnModuleInit {
  constructor(
    @Inject(METRICS) private readonly metrics: SuiviMetrics,
    private readonly probe: ProjectionProbe,
  ) {}

  onModuleInit(): void {
    this.metrics.observeProjections(this.probe);
  }
}
