import { Injectable, Logger } from '@nestjs/common';
import { DuplicateRecordError } from '../../errors/domain.errors';
import { newId } from '../../domain/ids';
import { Money } from '../../domain/money';
import { NotificationChannel, Payment } from '../../domain/payment';
import { PaymentLink } from '../../domain/payment-link';
import { Settlement } from '../../domain/settlement';
import { Clock } from '../../ports/clock.port';
import { NotificationOutcome, PaymentNotification } from '../../ports/payment-provider.port';
import { SettlementSignal } from '../../ports/settlement-signal.port';
import { SiteDirectory } from '../../ports/site-directory.port';
import { Store, StoreScope } from '../../ports/store.port';
import { linkEvent, paymentEvent, settlementEvent } from '../shared/audit';

export interface AcceptPaymentNotificationInput {
  siteId: string;
  notification: PaymentNotification;
  channel: NotificationChannel;
  /** The notification as received, kept in the inbox. */
  rawBody: string;
}

/**
 * The one path every channel (webhook, WebSocket, polling, replay) goes through. A confirmed payment and
 * its settlement are committed in one transaction before this returns, so answering the provider
 * "success" afterwards can never lose money; duplicates are stopped by unique keys, not by luck.
 */
@Injectable()
export class AcceptPaymentNotification {
  private readonly logger = new Logger(AcceptPaymentNotification.name);

  constructor(
    private readonly store: Store,
    private readonly sites: SiteDirectory,
    private readonly clock: Clock,
    private readonly settlementSignal: SettlementSignal,
  ) {}

  async execute(input: AcceptPaymentNotificationInput): Promise<NotificationOutcome> {
    const { notification, siteId } = input;
    const site = this.sites.get(siteId);
    if (notification.merchantId !== site.merchantId) {
      return {
        kind: 'rejected',
        reason: 'merchant_mismatch',
        message: 'The notification is for another merchant',
      };
    }
    if (notification.isTest) return { kind: 'test' };

    try {
      // One transaction from the link's lookup to the last write: the link is read once, and a refusal
      // leaves nothing behind.
      const outcome = await this.store.transaction(async (tx) => {
        const link = await this.findLink(tx, notification);
        const refusal = this.refusal(siteId, notification, link);
        if (refusal || !link) return refusal ?? UNKNOWN_ORDER;
        return notification.status === 'completed'
          ? this.recordPayment(tx, input, link)
          : this.recordStatusChange(tx, input, link);
      });
      if (outcome.kind === 'accepted' && notification.status === 'completed')
        this.settlementSignal.notifyPending();
      return outcome;
    } catch (error) {
      if (error instanceof DuplicateRecordError) return { kind: 'duplicate' };
      throw error;
    }
  }

  private async findLink(tx: StoreScope, notification: PaymentNotification): Promise<PaymentLink | null> {
    return (
      (await tx.links.findByProviderOrderId(notification.providerOrderId)) ??
      (notification.merchantOrderId
        ? await tx.links.findByMerchantOrderId(notification.merchantOrderId)
        : null)
    );
  }

  private refusal(
    siteId: string,
    notification: PaymentNotification,
    link: PaymentLink | null,
  ): NotificationOutcome | null {
    if (!link || link.siteId !== siteId) return UNKNOWN_ORDER;
    if (notification.amount.currency !== link.amount.currency) {
      return { kind: 'rejected', reason: 'currency_mismatch', message: `Expected ${link.amount.currency}` };
    }
    if (notification.status === 'completed' && !notification.amount.equals(link.amount)) {
      return {
        kind: 'rejected',
        reason: 'amount_mismatch',
        message: `Expected ${link.amount.toDecimalString()}, got ${notification.amount.toDecimalString()}`,
      };
    }
    return null;
  }

  private async recordPayment(
    tx: StoreScope,
    input: AcceptPaymentNotificationInput,
    link: PaymentLink,
  ): Promise<NotificationOutcome> {
    const { notification } = input;
    const now = this.clock.now();
    if (!(await this.addToInbox(tx, input, now))) return { kind: 'duplicate' };

    const payment = new Payment({
      id: newId(),
      siteId: input.siteId,
      billId: link.billId,
      linkId: link.id,
      providerOrderId: notification.providerOrderId,
      providerStatus: notification.rawStatus,
      amount: notification.amount,
      channel: input.channel,
      status: 'confirmed',
      paidAt: notification.paidAt ?? now,
      excess: Money.zero(notification.amount.currency),
      excessStatus: 'none',
      refundedAmount: Money.zero(notification.amount.currency),
      createdAt: now,
      updatedAt: now,
    });
    const settlement = new Settlement({
      id: newId(),
      paymentId: payment.id,
      siteId: input.siteId,
      billId: link.billId,
      // A bill's external id never changes, and the link was issued for this bill: no need to read it.
      billExternalId: link.billExternalId,
      amount: payment.amount,
      status: 'pending',
      attempts: 0,
      nextAttemptAt: now,
      version: 0,
      createdAt: now,
      updatedAt: now,
    });
    await tx.payments.insert(payment);
    await tx.settlements.insert(settlement);

    const linkStatusBefore = link.status;
    if (link.status !== 'paid') {
      link.markPaid(now);
      await tx.links.update(link);
    }
    await tx.events.append(
      paymentEvent(payment, 'payment.confirmed', now, { channel: input.channel, linkStatusBefore }),
      linkEvent(link, 'link.paid', now, { linkStatusBefore }),
      settlementEvent(settlement, 'settlement.created', now),
    );
    if (linkStatusBefore !== 'active' && linkStatusBefore !== 'paid') {
      this.logger.warn(
        { linkId: link.id, linkStatusBefore, paymentId: payment.id },
        'Payment arrived for a link that no longer stood for the bill',
      );
    }
    return { kind: 'accepted' };
  }

  /** False when this (order, status) was already received, whatever the channel. */
  private addToInbox(tx: StoreScope, input: AcceptPaymentNotificationInput, now: Date): Promise<boolean> {
    return tx.inbox.add({
      siteId: input.siteId,
      channel: input.channel,
      providerOrderId: input.notification.providerOrderId,
      providerStatus: input.notification.rawStatus,
      receivedAt: now,
      body: input.rawBody,
    });
  }

  private async recordStatusChange(
    tx: StoreScope,
    input: AcceptPaymentNotificationInput,
    link: PaymentLink,
  ): Promise<NotificationOutcome> {
    const { notification } = input;
    const now = this.clock.now();
    if (!(await this.addToInbox(tx, input, now))) return { kind: 'duplicate' };
    const target =
      notification.status === 'canceled' ? 'canceled' : notification.status === 'expired' ? 'expired' : null;
    if (target && link.canMoveTo(target)) {
      if (target === 'canceled') link.cancel(now, 'canceled at the provider');
      else link.expire(now);
      await tx.links.update(link);
      await tx.events.append(linkEvent(link, `link.${target}`, now, { channel: input.channel }));
    }
    return { kind: 'accepted' };
  }
}

const UNKNOWN_ORDER: NotificationOutcome = {
  kind: 'rejected',
  reason: 'unknown_order',
  message: 'No payment link matches this order',
};
