import { Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { ReconcileLinks, SweepStuckSettlements, describeError } from '@bridge/core';
import { BridgeConfig } from '../config/bridge-config';

const MAX_SWEEP_INTERVAL_MS = 15_000;

/**
 * Polls links nobody notified us about and finishes cancels. With `notifications: poll` this is the
 * payment channel itself, so it runs often; otherwise it is the safety net and runs once a minute.
 */
@Injectable()
export class ReconcileJob implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(ReconcileJob.name);
  private readonly timers: NodeJS.Timeout[] = [];

  constructor(
    private readonly config: BridgeConfig,
    private readonly reconcile: ReconcileLinks,
    private readonly sweep: SweepStuckSettlements,
  ) {}

  onApplicationBootstrap(): void {
    const polling = this.config.invoicebox.notifications === 'poll';
    const intervalMs = (this.config.invoicebox.pollIntervalSeconds ?? (polling ? 5 : 60)) * 1_000;
    const pollBudget = this.config.invoicebox.pollBudget ?? (polling ? 10 : 20);
    for (const site of this.config.sites) {
      this.timers.push(setInterval(() => void this.reconcileSite(site.id, pollBudget), intervalMs));
    }
    // Sweep at least twice per lease, so a dead process's settlement waits about one lease, not more.
    const sweepMs = Math.min(MAX_SWEEP_INTERVAL_MS, Math.floor(this.config.settlement.leaseMs / 2));
    this.timers.push(setInterval(() => void this.sweepStuck(), sweepMs));
  }

  onApplicationShutdown(): void {
    this.timers.forEach((timer) => clearInterval(timer));
  }

  async reconcileSite(siteId: string, pollBudget: number): Promise<void> {
    try {
      await this.reconcile.execute({ siteId, pollBudget });
    } catch (error) {
      this.logger.warn({ siteId, err: describeError(error) }, 'Link reconciliation failed');
    }
  }

  async sweepStuck(): Promise<void> {
    try {
      await this.sweep.execute();
    } catch (error) {
      this.logger.warn({ err: describeError(error) }, 'Sweeping stuck settlements failed');
    }
  }
}
