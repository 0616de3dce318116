import { Injectable, Logger } from '@nestjs/common';
import { PaymentLink } from '../../domain/payment-link';
import { Clock } from '../../ports/clock.port';
import { PaymentProviderRegistry, ProviderOrder } from '../../ports/payment-provider.port';
import { Store } from '../../ports/store.port';
import { AcceptPaymentNotification } from '../accept-payment-notification/accept-payment-notification.use-case';
import { describeError, linkEvent } from './audit';
import { notificationFromOrder } from './provider-order';

/**
 * Cancels superseded links at the provider so the guest cannot pay an old amount. If the guest paid
 * first, the payment is recorded through the normal notification path: nothing is lost.
 */
@Injectable()
export class LinkCanceller {
  private readonly logger = new Logger(LinkCanceller.name);

  constructor(
    private readonly store: Store,
    private readonly providers: PaymentProviderRegistry,
    private readonly clock: Clock,
    private readonly acceptNotification: AcceptPaymentNotification,
  ) {}

  async cancel(link: PaymentLink): Promise<void> {
    if (!link.providerOrderId) return;
    let order: ProviderOrder;
    try {
      order = await this.providers.forSite(link.siteId).cancelLink(link.providerOrderId);
    } catch (error) {
      this.logger.warn(
        { linkId: link.id, err: describeError(error) },
        'Cancel at the provider failed; reconciliation retries it',
      );
      await this.store.events.append(
        linkEvent(link, 'link.cancel_failed', this.clock.now(), { error: describeError(error) }),
      );
      return;
    }
    await this.applyProviderOrder(link, order, 'poll');
  }

  /** Brings a link in line with what the provider says about its order. */
  async applyProviderOrder(
    link: PaymentLink,
    order: ProviderOrder,
    channel: 'poll' | 'replay',
  ): Promise<void> {
    if (order.status === 'completed') {
      await this.acceptNotification.execute({
        siteId: link.siteId,
        notification: notificationFromOrder(order),
        channel,
        rawBody: JSON.stringify({
          source: 'provider-order',
          order: { ...order, amount: order.amount.toJSON() },
        }),
      });
      return;
    }
    const target = order.status === 'canceled' ? 'canceled' : order.status === 'expired' ? 'expired' : null;
    if (!target) return;
    await this.store.transaction(async (tx) => {
      const fresh = await tx.links.findById(link.id);
      if (!fresh || !fresh.canMoveTo(target)) return;
      const now = this.clock.now();
      if (target === 'canceled') fresh.cancel(now);
      else fresh.expire(now);
      await tx.links.update(fresh);
      await tx.events.append(linkEvent(fresh, `link.${target}`, now, { providerStatus: order.rawStatus }));
    });
  }
}
