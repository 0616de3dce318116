import { createHash } from 'node:crypto';
import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import {
  AlertDelivery,
  AlertOutbox,
  Clock,
  JobLock,
  NewAlertDelivery,
  SiteDirectory,
  Store,
  StoredAuditEvent,
  describeError,
  newId,
} from '@bridge/core';
import { AlertEventKind, BridgeConfig } from '../config/bridge-config';
import { ALERT_SIGNATURE_HEADER, signAlert } from './alert-signature';
import { AlertPolicy } from './alert-policy';

export const ALERTS_OPTIONS = Symbol('ALERTS_OPTIONS');
export interface AlertsOptions {
  scheduler: boolean;
}

const CURSOR = 'staff-alerts';
const EVENT_PAGE = 500;
/** Audit events of concurrent transactions may commit out of id order: the cursor trails the newest by this much. */
const SETTLE_MS = 5_000;

interface Endpoint {
  key: string;
  siteId: string;
  url: string;
  secret: string;
  events: ReadonlySet<AlertEventKind>;
}

export function alertKindOf(event: StoredAuditEvent): AlertEventKind | null {
  if (event.type === 'payment.confirmed') return 'paid';
  if (event.type === 'settlement.needs_attention') return 'needs_attention';
  if (event.type === 'payment.excess' && event.data.reason === 'overpaid') return 'needs_attention';
  if (event.type.startsWith('reconciliation.')) return 'reconciliation';
  return null;
}

export function endpointKey(siteId: string, url: string): string {
  return createHash('sha256').update(`${siteId}\n${url}`).digest('hex').slice(0, 24);
}

export interface DispatchReport {
  queued: number;
  delivered: number;
  retrying: number;
  failed: number;
}

/**
 * Staff alerts: turns audit events into signed webhooks for the URLs each site configures. Queuing and
 * delivery both go through the database (AlertOutbox), so alerts survive restarts and any bridge process
 * may deliver them; a job lock keeps two processes from sending the same batch.
 */
@Injectable()
export class AlertDispatcher implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(AlertDispatcher.name);
  private readonly endpoints = new Map<string, Endpoint>();
  private readonly publicUrl: string;
  private timer?: NodeJS.Timeout;
  private running: Promise<unknown> | null = null;

  constructor(
    config: BridgeConfig,
    private readonly outbox: AlertOutbox,
    private readonly store: Store,
    private readonly sites: SiteDirectory,
    private readonly clock: Clock,
    private readonly jobLock: JobLock,
    private readonly policy: AlertPolicy,
    @Inject(ALERTS_OPTIONS) private readonly options: AlertsOptions,
  ) {
    this.publicUrl = config.server.publicUrl.replace(/\/$/, '');
    for (const site of config.sites) {
      for (const alert of site.alerts ?? []) {
        const key = endpointKey(site.id, alert.url);
        this.endpoints.set(key, {
          key,
          siteId: site.id,
          url: alert.url,
          secret: alert.secret,
          events: new Set(alert.events),
        });
      }
    }
  }

  onApplicationBootstrap(): void {
    if (!this.options.scheduler || this.endpoints.size === 0) return;
    this.timer = setInterval(() => this.trigger(), this.policy.tickMs);
    this.trigger();
  }

  async onApplicationShutdown(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    await this.running;
  }

  /** One pass: queue what happened since the cursor, then send what is due. */
  async runOnce(): Promise<DispatchReport> {
    const run = await this.jobLock.tryRun('staff-alerts', 120_000, async () => {
      const queued = await this.enqueue();
      return { queued, ...(await this.deliver()) };
    });
    return run.ran ? run.result : { queued: 0, delivered: 0, retrying: 0, failed: 0 };
  }

  private trigger(): void {
    if (this.running) return;
    this.running = this.runOnce()
      .catch((error: unknown) => this.logger.warn({ err: describeError(error) }, 'Alert dispatch failed'))
      .finally(() => {
        this.running = null;
      });
  }

  private async enqueue(): Promise<number> {
    const stored = await this.outbox.cursor(CURSOR);
    if (stored === null) {
      // The first run starts from now: enabling alerts must not replay the whole history to staff.
      await this.outbox.enqueue(CURSOR, [], await this.outbox.latestEventId());
      return 0;
    }
    let cursor: number = stored;
    let queued = 0;
    for (;;) {
      const events = await this.outbox.eventsAfter(cursor, EVENT_PAGE);
      if (events.length === 0) return queued;
      const settledBefore = this.clock.now().getTime() - SETTLE_MS;
      let next: number = cursor;
      for (const event of events) {
        if (event.at.getTime() > settledBefore) break;
        next = event.id;
      }
      const deliveries = (await Promise.all(events.map((event) => this.deliveriesFor(event)))).flat();
      queued += await this.outbox.enqueue(CURSOR, deliveries, next);
      if (next === cursor || events.length < EVENT_PAGE) return queued;
      cursor = next;
    }
  }

  private async deliveriesFor(event: StoredAuditEvent): Promise<NewAlertDelivery[]> {
    const kind = alertKindOf(event);
    if (!kind) return [];
    const targets = [...this.endpoints.values()].filter(
      (e) => e.siteId === event.siteId && e.events.has(kind),
    );
    if (targets.length === 0) return [];
    const body = JSON.stringify(await this.payload(kind, event));
    return targets.map((endpoint) => ({
      id: newId(),
      endpointKey: endpoint.key,
      siteId: event.siteId,
      eventId: event.id,
      eventType: kind,
      body,
      createdAt: this.clock.now(),
    }));
  }

  private async payload(kind: AlertEventKind, event: StoredAuditEvent): Promise<Record<string, unknown>> {
    const bill = event.billId ? await this.store.bills.findById(event.billId) : null;
    const site = this.sites.list().find((s) => s.id === event.siteId);
    const amount = event.data.amount;
    return {
      type: kind,
      event: { id: event.id, type: event.type, at: event.at.toISOString() },
      site: { id: event.siteId, name: site?.name ?? event.siteId },
      bill: bill
        ? {
            id: bill.id,
            label: bill.label,
            tableCode: bill.tableCode ?? null,
            roomNumber: bill.roomNumber ?? null,
          }
        : null,
      amount: amount && typeof amount === 'object' ? amount : null,
      reason: typeof event.data.reason === 'string' ? event.data.reason : null,
      data: event.data,
      dashboardUrl: `${this.publicUrl}/dashboard`,
    };
  }

  private async deliver(): Promise<Omit<DispatchReport, 'queued'>> {
    const report = { delivered: 0, retrying: 0, failed: 0 };
    const due = await this.outbox.listDue(this.clock.now(), this.policy.batchSize);
    for (const delivery of due) {
      const outcome = await this.send(delivery);
      report[outcome] += 1;
    }
    return report;
  }

  private async send(delivery: AlertDelivery): Promise<'delivered' | 'retrying' | 'failed'> {
    const endpoint = this.endpoints.get(delivery.endpointKey);
    const now = this.clock.now();
    if (!endpoint) {
      await this.outbox.update({
        ...delivery,
        status: 'dropped',
        lastError: 'Endpoint no longer configured',
        updatedAt: now,
      });
      return 'failed';
    }
    let error: string | undefined;
    try {
      const response = await fetch(endpoint.url, {
        method: 'POST',
        redirect: 'manual',
        signal: AbortSignal.timeout(this.policy.timeoutMs),
        headers: {
          'content-type': 'application/json',
          'user-agent': 'pos-bridge-alerts/1',
          'x-bridge-event': delivery.eventType,
          'x-bridge-delivery': delivery.id,
          [ALERT_SIGNATURE_HEADER]: signAlert(
            endpoint.secret,
            delivery.body,
            Math.floor(now.getTime() / 1000),
          ),
        },
        body: delivery.body,
      });
      await response.body?.cancel();
      if (response.status >= 200 && response.status < 300) {
        await this.outbox.update({
          ...delivery,
          status: 'delivered',
          attempts: delivery.attempts + 1,
          deliveredAt: this.clock.now(),
          lastError: undefined,
          updatedAt: this.clock.now(),
        });
        return 'delivered';
      }
      error = `HTTP ${response.status}`;
    } catch (failure) {
      error = describeError(failure).message;
    }
    const attempts = delivery.attempts + 1;
    const failed = attempts >= this.policy.maxAttempts;
    await this.outbox.update({
      ...delivery,
      status: failed ? 'failed' : 'pending',
      attempts,
      lastError: error.slice(0, 300),
      nextAttemptAt: new Date(this.clock.now().getTime() + this.policy.delayFor(attempts)),
      updatedAt: this.clock.now(),
    });
    if (failed)
      this.logger.warn({ deliveryId: delivery.id, siteId: delivery.siteId, error }, 'Staff alert given up');
    return failed ? 'failed' : 'retrying';
  }
}
