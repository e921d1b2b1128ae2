import { Global, Module } from '@nestjs/common';
import { processMetrics } from '#platform';
import { CorrelationHook } from './correlation.hook.js';
import { MetricsController } from './metrics.controller.js';
import { METRICS } from './metrics.token.js';

/** Correlation ids on every request, and /metrics. The logger itself is set by main.ts (app.useLogger). */
@Global()
@Module({
  providers: [{ provide: METRICS, useFactory: processMetrics }, CorrelationHook],
  controllers: [MetricsController],
  exports: [METRICS],
})
export class ObservabilityModule {}
