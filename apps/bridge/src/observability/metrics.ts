import { Injectable } from '@nestjs/common';
import { NotificationChannel, NotificationOutcome, Settlement } from '@bridge/core';
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import packageJson from '../../../../package.json';
import { UpstreamCall } from './upstream-metering';

/**
 * Its own registry, not prom-client's global one: two apps in one test process must not share it. Labels are
 * site ids, vendor and method names, statuses and error codes: never request data, never secrets.
 */
@Injectable()
export class BridgeMetrics {
  readonly registry = new Registry();

  readonly upstreamCalls = new Histogram({
    name: 'pos_bridge_upstream_call_duration_seconds',
    help: 'Calls to a POS/PMS or the payment provider, by site, vendor, port operation and outcome',
    labelNames: ['site', 'vendor', 'operation', 'outcome', 'code'] as const,
    buckets: [0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60],
    registers: [this.registry],
  });

  readonly notifications = new Counter({
    name: 'pos_bridge_notifications_total',
    help: 'Payment notifications by site, channel (webhook, websocket, poll, replay) and outcome',
    labelNames: ['site', 'channel', 'outcome', 'reason'] as const,
    registers: [this.registry],
  });

  readonly settlementLag = new Histogram({
    name: 'pos_bridge_settlement_lag_seconds',
    help: 'From the confirmed payment (notification) to the payment applied at the POS/PMS',
    labelNames: ['site'] as const,
    buckets: [0.25, 0.5, 1, 2, 5, 10, 30, 60, 300, 900, 3600, 14400],
    registers: [this.registry],
  });

  readonly settlementAttempts = new Counter({
    name: 'pos_bridge_settlement_attempts_total',
    help: 'Attempts to push a payment into the POS/PMS, by what came of them',
    labelNames: ['site', 'result', 'reason'] as const,
    registers: [this.registry],
  });

  readonly settlements = new Gauge({
    name: 'pos_bridge_settlements',
    help: 'Settlements in the database by status: the queue (pending, in_flight, unknown_outcome) and needs_attention',
    labelNames: ['status'] as const,
    registers: [this.registry],
  });

  readonly links = new Gauge({
    name: 'pos_bridge_payment_links',
    help: 'Payment links in the database by site and status',
    labelNames: ['site', 'status'] as const,
    registers: [this.registry],
  });

  readonly reconciliationMismatches = new Gauge({
    name: 'pos_bridge_reconciliation_mismatches',
    help: 'Mismatches in the latest daily reconciliation report of each site',
    labelNames: ['site'] as const,
    registers: [this.registry],
  });

  readonly reconciliationMismatchesByKind = new Gauge({
    name: 'pos_bridge_reconciliation_mismatches_by_kind',
    help: 'Mismatches in the latest daily reconciliation report of each site, by kind (paid_but_open, overpaid, ...)',
    labelNames: ['site', 'kind'] as const,
    registers: [this.registry],
  });

  readonly reconciliationReportTime = new Gauge({
    name: 'pos_bridge_reconciliation_report_timestamp_seconds',
    help: 'When the latest daily reconciliation report of each site was written',
    labelNames: ['site'] as const,
    registers: [this.registry],
  });

  readonly siteUp = new Gauge({
    name: 'pos_bridge_site_up',
    help: '1 when the last sync with the site POS/PMS succeeded, 0 when it failed (absent before the first sync)',
    labelNames: ['site'] as const,
    registers: [this.registry],
  });

  readonly gatewayUp = new Gauge({
    name: 'pos_bridge_gateway_up',
    help: '1 when the Invoicebox WebSocket gateway of the site is connected (notifications: websocket)',
    labelNames: ['site'] as const,
    registers: [this.registry],
  });

  readonly databaseUp = new Gauge({
    name: 'pos_bridge_database_up',
    help: '1 when the database answered the queries behind this scrape',
    registers: [this.registry],
  });

  constructor() {
    collectDefaultMetrics({ register: this.registry });
    new Gauge({
      name: 'pos_bridge_build_info',
      help: 'The running version',
      labelNames: ['version'] as const,
      registers: [this.registry],
    }).set({ version: packageJson.version }, 1);
  }

  recordUpstreamCall(call: UpstreamCall): void {
    this.upstreamCalls.observe(
      {
        site: call.siteId,
        vendor: call.vendor,
        operation: call.operation,
        outcome: call.outcome,
        code: call.code,
      },
      call.seconds,
    );
  }

  recordNotification(siteId: string, channel: NotificationChannel, outcome: NotificationOutcome): void {
    this.notifications.inc({
      site: siteId,
      channel,
      outcome: outcome.kind,
      reason: outcome.kind === 'rejected' ? outcome.reason : '',
    });
  }

  /** The site id in the URL is not configured: counted without it, since anyone can make one up. */
  recordUnknownSite(channel: NotificationChannel): void {
    this.notifications.inc({ site: 'unknown', channel, outcome: 'rejected', reason: 'unknown_site' });
  }

  recordSettlementAttempt(settlement: Settlement): void {
    const result = settlement.status === 'pending' ? 'retry' : settlement.status;
    const reason = settlement.status === 'needs_attention' ? (settlement.attentionReason ?? '') : '';
    this.settlementAttempts.inc({ site: settlement.siteId, result, reason });
    if (settlement.status === 'applied') {
      const appliedAt = settlement.appliedAt ?? settlement.updatedAt;
      this.settlementLag.observe(
        { site: settlement.siteId },
        Math.max(0, appliedAt.getTime() - settlement.createdAt.getTime()) / 1000,
      );
    }
  }
}
