import { Injectable, Logger, Optional } from '@nestjs/common';
import { ListReconciliationReports, Store, StoredAuditEvent, describeError } from '@bridge/core';
import { DataSource } from 'typeorm';
import { BridgeConfig } from '../config/bridge-config';
import { InvoiceboxWsListener } from '../notifications/invoicebox-ws.listener';
import { SiteHealth } from '../sites/site-health';
import { BridgeMetrics } from './metrics';

/** Reconciliation reports older than this are not "the latest" any more: the daily job has stopped. */
const RECONCILIATION_WINDOW_DAYS = 3;

/** The gauges that describe state rather than events: read when Prometheus scrapes, not kept up to date. */
@Injectable()
export class StateGauges {
  private readonly logger = new Logger(StateGauges.name);

  constructor(
    private readonly metrics: BridgeMetrics,
    private readonly store: Store,
    private readonly dataSource: DataSource,
    private readonly config: BridgeConfig,
    private readonly siteHealth: SiteHealth,
    private readonly reconciliationReports: ListReconciliationReports,
    @Optional() private readonly gateway?: InvoiceboxWsListener,
  ) {}

  async refresh(): Promise<void> {
    this.refreshSites();
    try {
      await this.refreshDatabase();
      this.metrics.databaseUp.set(1);
    } catch (error) {
      this.metrics.databaseUp.set(0);
      this.logger.warn({ err: describeError(error) }, 'Metrics could not read the database');
    }
  }

  private refreshSites(): void {
    const { siteUp, gatewayUp } = this.metrics;
    siteUp.reset();
    for (const site of this.config.sites) {
      const state = this.siteHealth.get(site.id).status;
      if (state !== 'unknown') siteUp.set({ site: site.id }, state === 'up' ? 1 : 0);
    }
    gatewayUp.reset();
    for (const [siteId, health] of Object.entries(this.gateway?.health() ?? {})) {
      gatewayUp.set({ site: siteId }, health.status === 'up' ? 1 : 0);
    }
  }

  private async refreshDatabase(): Promise<void> {
    const [settlements, links, reports] = await Promise.all([
      this.store.settlements.countByStatus(),
      this.dataSource.query<Array<{ site: string; status: string; count: number | string }>>(
        'SELECT site_id AS site, status, COUNT(*) AS count FROM payment_links GROUP BY site_id, status',
      ),
      this.reconciliationReports.execute({ days: RECONCILIATION_WINDOW_DAYS }),
    ]);
    for (const [status, count] of Object.entries(settlements))
      this.metrics.settlements.set({ status }, count);
    this.metrics.links.reset();
    for (const row of links)
      this.metrics.links.set({ site: row.site, status: row.status }, Number(row.count));
    this.setReconciliation(reports);
  }

  /** `reports`: the `reconciliation.report` audit events; the latest of each site counts. */
  private setReconciliation(reports: StoredAuditEvent[]): void {
    const { reconciliationMismatches, reconciliationMismatchesByKind, reconciliationReportTime } =
      this.metrics;
    const latest = new Map<string, StoredAuditEvent>();
    for (const report of reports) {
      const seen = latest.get(report.siteId);
      if (!seen || report.id > seen.id) latest.set(report.siteId, report);
    }
    reconciliationMismatches.reset();
    reconciliationMismatchesByKind.reset();
    reconciliationReportTime.reset();
    for (const [site, report] of latest) {
      reconciliationReportTime.set({ site }, Math.floor(report.at.getTime() / 1000));
      reconciliationMismatches.set({ site }, numberOr(report.data.mismatches, 0));
      const byKind = report.data.byKind;
      if (typeof byKind !== 'object' || byKind === null) continue;
      for (const [kind, count] of Object.entries(byKind)) {
        reconciliationMismatchesByKind.set({ site, kind }, numberOr(count, 0));
      }
    }
  }
}

function numberOr(value: unknown, fallback: number): number {
  return typeof value === 'number' && Number.isFinite(value) ? value : fallback;
}
