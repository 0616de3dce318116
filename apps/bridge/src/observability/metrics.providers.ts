import { MetricsInstrumentation } from './metrics-instrumentation';
import { BridgeMetrics } from './metrics';
import { MetricsController } from './metrics.controller';
import { StateGauges } from './state-gauges';

/** Registered by the composition root beside the health controller, whose providers the gauges read as well. */
export const METRICS_CONTROLLERS = [MetricsController];
export const METRICS_PROVIDERS = [BridgeMetrics, StateGauges, MetricsInstrumentation];
