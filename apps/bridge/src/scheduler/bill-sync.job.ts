import { Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import {
  PosAdapterRegistry,
  RefreshBill,
  ResumeSitePostings,
  SyncSiteBills,
  describeError,
} from '@bridge/core';
import { BridgeConfig } from '../config/bridge-config';
import { PosLinkLeases } from '../sites/pos-link-leases';
import { SiteHealth } from '../sites/site-health';

/**
 * Each site's sync on its own interval, plus an immediate re-read when the POS/PMS hints at a change, and the
 * held-back payments sent at once when it says it takes postings again.
 */
@Injectable()
export class BillSyncJob implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(BillSyncJob.name);
  private readonly timers: NodeJS.Timeout[] = [];
  private readonly unsubscribers: Array<() => void> = [];

  constructor(
    private readonly config: BridgeConfig,
    private readonly sync: SyncSiteBills,
    private readonly refresh: RefreshBill,
    private readonly resume: ResumeSitePostings,
    private readonly pos: PosAdapterRegistry,
    private readonly health: SiteHealth,
    private readonly links: PosLinkLeases,
  ) {}

  onApplicationBootstrap(): void {
    for (const site of this.config.sites) {
      this.timers.push(setInterval(() => void this.syncSite(site.id), site.pollIntervalSeconds * 1_000));
      void this.syncSite(site.id);
      this.unsubscribers.push(
        this.pos.forSite(site.id).onBillChanged((hint) => {
          if (hint.postingsResumed) void this.resumePostings(site.id, hint.reason);
          if (hint.externalId) void this.refreshBill(site.id, hint.externalId);
          else void this.syncSite(site.id);
        }),
      );
    }
  }

  onApplicationShutdown(): void {
    this.timers.forEach((timer) => clearInterval(timer));
    this.unsubscribers.forEach((unsubscribe) => unsubscribe());
  }

  private async resumePostings(siteId: string, reason: string): Promise<void> {
    try {
      await this.resume.execute({ siteId, reason });
    } catch (error) {
      // The payments still go at their next attempt.
      this.logger.warn({ siteId, err: describeError(error) }, 'Resuming postings failed');
    }
  }

  async syncSite(siteId: string): Promise<void> {
    // Another process holds this site's exclusive link: syncing it is that process's job.
    if (!this.links.holds(siteId)) return;
    try {
      const report = await this.sync.execute({ siteId });
      if (report.ran) this.health.recordSuccess(siteId);
    } catch (error) {
      this.health.recordFailure(siteId, error);
      this.logger.warn({ siteId, err: describeError(error) }, 'Sync failed');
    }
  }

  private async refreshBill(siteId: string, externalId: string): Promise<void> {
    try {
      await this.refresh.execute({ siteId, externalId });
    } catch (error) {
      this.logger.warn(
        { siteId, externalId, err: describeError(error) },
        'Bill refresh after a POS hint failed',
      );
    }
  }
}
