import { Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import {
  Clock,
  ReconciliationStore,
  RunDailyReconciliation,
  describeError,
  localDate,
  localHour,
  previousDate,
} from '@bridge/core';
import { BridgeConfig } from '../config/bridge-config';
import { PosLinkLeases } from '../sites/pos-link-leases';

const CHECK_MS = 60_000;

/**
 * Once a day, after `reconciliation.hour` in the sites' time zone, reconciles the previous day of every site
 * that has no report for it yet. Checked every minute and keyed on the stored report, so a restart or a
 * second process does not run a day twice (the use case's lock covers two processes checking at once).
 */
@Injectable()
export class DailyReconciliationJob implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(DailyReconciliationJob.name);
  private timer?: NodeJS.Timeout;
  private running: Promise<void> | null = null;

  constructor(
    private readonly config: BridgeConfig,
    private readonly reconcile: RunDailyReconciliation,
    private readonly reports: ReconciliationStore,
    private readonly clock: Clock,
    private readonly links: PosLinkLeases,
  ) {}

  onApplicationBootstrap(): void {
    if (!this.config.reconciliation.enabled) return;
    this.timer = setInterval(() => void this.tick(), CHECK_MS);
  }

  async onApplicationShutdown(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    await this.running;
  }

  tick(): Promise<void> {
    this.running ??= this.runDue().finally(() => {
      this.running = null;
    });
    return this.running;
  }

  private async runDue(): Promise<void> {
    const { hour, timeZone } = this.config.reconciliation;
    const now = this.clock.now();
    if (localHour(now, timeZone) < hour) return;
    const date = previousDate(localDate(now, timeZone));
    for (const site of this.config.sites) {
      // The POS/PMS side of a site with an exclusive link can only be read by its holder.
      if (!this.links.holds(site.id)) continue;
      try {
        if (await this.reports.findReport(site.id, date)) continue;
        const [report] = await this.reconcile.execute({ siteId: site.id, date });
        this.logger.log(
          { siteId: site.id, date, status: report.status, mismatches: report.mismatches.length },
          'Daily reconciliation done',
        );
      } catch (error) {
        this.logger.warn({ siteId: site.id, date, err: describeError(error) }, 'Daily reconciliation failed');
      }
    }
  }
}
