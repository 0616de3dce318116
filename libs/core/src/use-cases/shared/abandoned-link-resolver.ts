import { Injectable } from '@nestjs/common';
import { PaymentLink } from '../../domain/payment-link';
import { Clock } from '../../ports/clock.port';
import { PaymentProviderRegistry } from '../../ports/payment-provider.port';
import { Store } from '../../ports/store.port';
import { linkEvent } from './audit';
import { LinkCanceller } from './link-canceller';

/** Finds out whether a link creation that nobody finished (crash, lost answer) reached the provider. */
@Injectable()
export class AbandonedLinkResolver {
  constructor(
    private readonly store: Store,
    private readonly providers: PaymentProviderRegistry,
    private readonly clock: Clock,
    private readonly canceller: LinkCanceller,
  ) {}

  async resolveAbandoned(link: PaymentLink): Promise<void> {
    const order = await this.providers.forSite(link.siteId).findByMerchantOrderId(link.merchantOrderId);
    await this.store.transaction(async (tx) => {
      const fresh = await tx.links.findById(link.id);
      if (!fresh || fresh.status !== 'creating') return;
      const now = this.clock.now();
      if (order && order.paymentUrl && (order.status === 'created' || order.status === 'completed')) {
        fresh.activate(
          {
            providerOrderId: order.providerOrderId,
            paymentUrl: order.paymentUrl,
            expiresAt: order.expiresAt,
          },
          now,
        );
        await tx.links.update(fresh);
        await tx.events.append(linkEvent(fresh, 'link.active', now, { recovered: true }));
      } else {
        fresh.fail(order ? `provider order is ${order.rawStatus}` : 'never reached the provider', now);
        await tx.links.update(fresh);
        await tx.events.append(linkEvent(fresh, 'link.failed', now, { reason: fresh.statusReason }));
      }
    });
    if (order?.status === 'completed') {
      const fresh = await this.store.links.findById(link.id);
      if (fresh) await this.canceller.applyProviderOrder(fresh, order, 'poll');
    }
  }
}
