import { Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { AcceptPaymentNotification } from '@bridge/core';
import {
  GatewayHealth,
  INVOICEBOX_WS_URL,
  InvoiceboxNotification,
  InvoiceboxNotificationOutcome,
  InvoiceboxWsClient,
  notificationReplyFor,
  toPaymentNotification,
} from '@bridge/invoicebox';
import { BridgeConfig } from '../config/bridge-config';
import { BRIDGE_VERSION, invoiceboxLogger } from '../vendors/invoicebox.factory';

export interface GatewaySiteHealth extends GatewayHealth {
  status: 'up' | 'degraded';
}

/**
 * With `invoicebox.notifications: websocket`, one gateway connection per site (its API token opens it) feeds
 * each notification to the same use case as the webhook. The frames carry no signature: the token-bound
 * connection is what authenticates them (docs/decisions/invoicebox-notification-replies.md).
 */
@Injectable()
export class InvoiceboxWsListener implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(InvoiceboxWsListener.name);
  private readonly clients = new Map<string, InvoiceboxWsClient>();

  constructor(
    private readonly config: BridgeConfig,
    private readonly accept: AcceptPaymentNotification,
  ) {}

  onApplicationBootstrap(): void {
    if (this.config.invoicebox.notifications !== 'websocket') return;
    for (const site of this.config.sites) {
      const client = new InvoiceboxWsClient({
        token: site.merchant.apiToken,
        appVersion: BRIDGE_VERSION,
        wsUrl: this.config.invoicebox.wsUrl ?? INVOICEBOX_WS_URL,
        logger: invoiceboxLogger('InvoiceboxGateway', { siteId: site.id }),
        onOrderStatusChange: (notification) => this.receive(site.id, notification),
      });
      this.clients.set(site.id, client);
      client.start();
    }
  }

  async onApplicationShutdown(): Promise<void> {
    await Promise.all([...this.clients.values()].map((client) => client.stop()));
    this.clients.clear();
  }

  /** Per site, for readiness details: a socket that is not open is a degraded notification channel. */
  health(): Record<string, GatewaySiteHealth> {
    return Object.fromEntries(
      [...this.clients.entries()].map(([siteId, client]) => {
        const health = client.health();
        return [siteId, { ...health, status: health.connected ? 'up' : 'degraded' }];
      }),
    );
  }

  private async receive(
    siteId: string,
    notification: InvoiceboxNotification,
  ): Promise<InvoiceboxNotificationOutcome> {
    const outcome = await this.accept.execute({
      siteId,
      notification: toPaymentNotification(notification),
      channel: 'websocket',
      rawBody: JSON.stringify(notification.wire),
    });
    if (outcome.kind === 'rejected') {
      this.logger.warn({ siteId, reason: outcome.reason, channel: 'websocket' }, outcome.message);
    }
    return notificationReplyFor(outcome);
  }
}
