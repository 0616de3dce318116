import { AsyncLocalStorage } from 'node:async_hooks';
import { Injectable, OnModuleInit } from '@nestjs/common';
import {
  AcceptPaymentNotification,
  PaymentProviderRegistry,
  PosAdapterRegistry,
  ReceiveProviderNotification,
  SettlePayment,
} from '@bridge/core';
import { ConfiguredPosRegistry, ConfiguredProviderRegistry } from '../sites/adapter-registries';
import { BridgeMetrics } from './metrics';

interface ReceiveScope {
  accepted: boolean;
}

/**
 * Feeds the event metrics without touching core or the vendor libs: the registries report each upstream call,
 * and the three use cases every notification and settlement goes through are wrapped on their (singleton)
 * instances, so every caller (webhook, WebSocket, poller, replay, settlement worker, operator retry) is counted.
 */
@Injectable()
export class MetricsInstrumentation implements OnModuleInit {
  private readonly receiveScope = new AsyncLocalStorage<ReceiveScope>();

  constructor(
    private readonly metrics: BridgeMetrics,
    private readonly pos: PosAdapterRegistry,
    private readonly providers: PaymentProviderRegistry,
    private readonly accept: AcceptPaymentNotification,
    private readonly receive: ReceiveProviderNotification,
    private readonly settle: SettlePayment,
  ) {}

  onModuleInit(): void {
    const record = this.metrics.recordUpstreamCall.bind(this.metrics);
    if (this.pos instanceof ConfiguredPosRegistry) this.pos.calls.subscribe(record);
    if (this.providers instanceof ConfiguredProviderRegistry) this.providers.calls.subscribe(record);
    this.wrapAccept();
    this.wrapReceive();
    this.wrapSettle();
  }

  private wrapAccept(): void {
    const execute = this.accept.execute.bind(this.accept);
    this.accept.execute = async (input) => {
      const scope = this.receiveScope.getStore();
      if (scope) scope.accepted = true;
      try {
        const outcome = await execute(input);
        this.metrics.recordNotification(input.siteId, input.channel, outcome);
        return outcome;
      } catch (error) {
        this.metrics.recordNotification(input.siteId, input.channel, { kind: 'failed', message: '' });
        throw error;
      }
    };
  }

  /** Counts only what never reached AcceptPaymentNotification: bad signatures, unreadable bodies, unknown sites. */
  private wrapReceive(): void {
    const execute = this.receive.execute.bind(this.receive);
    this.receive.execute = (input) => {
      const scope: ReceiveScope = { accepted: false };
      return this.receiveScope.run(scope, async () => {
        const received = await execute(input);
        if (!scope.accepted) {
          if (received) this.metrics.recordNotification(input.siteId, input.channel, received.outcome);
          else this.metrics.recordUnknownSite(input.channel);
        }
        return received;
      });
    };
  }

  private wrapSettle(): void {
    const execute = this.settle.execute.bind(this.settle);
    this.settle.execute = async (settlement) => {
      const result = await execute(settlement);
      this.metrics.recordSettlementAttempt(result);
      return result;
    };
  }
}
