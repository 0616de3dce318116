import { Controller, Get, Optional } from '@nestjs/common';
import { HealthCheck, HealthCheckResult, HealthCheckService, HealthIndicatorService } from '@nestjs/terminus';
import { Store, describeError } from '@bridge/core';
import { BridgeConfig } from '../../config/bridge-config';
import { InvoiceboxWsListener } from '../../notifications/invoicebox-ws.listener';
import { SiteHealth } from '../../sites/site-health';

/**
 * Liveness says the process answers; readiness says the database does. A POS or PMS that is down shows
 * as a degraded site in the details but never fails readiness: restarting the bridge would not fix it.
 */
@Controller()
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly indicators: HealthIndicatorService,
    private readonly store: Store,
    private readonly config: BridgeConfig,
    private readonly sites: SiteHealth,
    @Optional() private readonly gateway?: InvoiceboxWsListener,
  ) {}

  @Get('healthz')
  live(): { status: 'ok' } {
    return { status: 'ok' };
  }

  @Get('readyz')
  @HealthCheck()
  ready(): Promise<HealthCheckResult> {
    return this.health.check([
      async () => {
        const database = this.indicators.check('database');
        try {
          await this.store.ping();
          return database.up();
        } catch (error) {
          return database.down({ message: describeError(error).message });
        }
      },
      ...this.config.sites.map((site) => async () => {
        const indicator = this.indicators.check(`site:${site.id}`);
        const state = this.sites.get(site.id);
        const data = { kind: site.kind, state: state.status, checkedAt: state.checkedAt, error: state.error };
        return state.status === 'degraded' ? indicator.degraded(data) : indicator.up(data);
      }),
      ...Object.entries(this.gateway?.health() ?? {}).map(([siteId, state]) => async () => {
        const indicator = this.indicators.check(`gateway:${siteId}`);
        const { status, ...data } = state;
        return status === 'up' ? indicator.up(data) : indicator.degraded(data);
      }),
    ]);
  }
}
