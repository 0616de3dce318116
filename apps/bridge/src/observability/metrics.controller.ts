import { Controller, Get, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { Response } from 'express';
import { BridgeMetrics } from './metrics';
import { StateGauges } from './state-gauges';

/** Prometheus scrape target. Unauthenticated like /healthz: keep it off the public proxy (docs/operations.md). */
@ApiExcludeController()
@Controller()
export class MetricsController {
  constructor(
    private readonly metrics: BridgeMetrics,
    private readonly gauges: StateGauges,
  ) {}

  @Get('metrics')
  async scrape(@Res() response: Response): Promise<void> {
    await this.gauges.refresh();
    response.type(this.metrics.registry.contentType).send(await this.metrics.registry.metrics());
  }
}
