import { Injectable, Logger } from '@nestjs/common';
import { BillNotFoundError, BillNotPayableError, DuplicateRecordError } from '../../errors/domain.errors';
import { UpstreamOutcomeUnknownError, UpstreamUnavailableError } from '../../errors/upstream.errors';
import { Bill, isPayable } from '../../domain/bill';
import { newId } from '../../domain/ids';
import { PaymentLink } from '../../domain/payment-link';
import { Clock } from '../../ports/clock.port';
import { PaymentProviderRegistry } from '../../ports/payment-provider.port';
import { SiteDirectory, SiteProfile } from '../../ports/site-directory.port';
import { Store } from '../../ports/store.port';
import { RefreshBill } from '../refresh-bill/refresh-bill.use-case';
import { describeError, linkEvent } from '../shared/audit';
import { AbandonedLinkResolver } from '../shared/abandoned-link-resolver';
import { LinkCanceller } from '../shared/link-canceller';

export interface IssuePaymentLinkInput {
  billId: string;
  /** Re-read the bill from the POS/PMS first (a guest scanning a static table QR). */
  refresh?: boolean;
}

export interface IssuedLink {
  link: PaymentLink;
  bill: Bill;
  reused: boolean;
}

/** A link left in `creating` longer than this belongs to a request that died; it is resolved, not waited for. */
const ABANDONED_CREATE_MS = 30_000;
/** Do not hand out a link that expires before a guest could finish paying. */
const MIN_REMAINING_LIFETIME_MS = 5 * 60_000;

@Injectable()
export class IssuePaymentLink {
  private readonly logger = new Logger(IssuePaymentLink.name);

  constructor(
    private readonly store: Store,
    private readonly sites: SiteDirectory,
    private readonly providers: PaymentProviderRegistry,
    private readonly clock: Clock,
    private readonly refreshBill: RefreshBill,
    private readonly canceller: LinkCanceller,
    private readonly resolver: AbandonedLinkResolver,
  ) {}

  async execute(input: IssuePaymentLinkInput): Promise<IssuedLink> {
    let bill = await this.store.bills.findById(input.billId);
    if (!bill)
      throw new BillNotFoundError(`Bill ${input.billId} not found`, { metadata: { billId: input.billId } });
    if (input.refresh) {
      bill = (await this.refreshBill.execute({ siteId: bill.siteId, externalId: bill.externalId })) ?? bill;
    }
    if (!isPayable(bill)) {
      throw new BillNotPayableError(`Bill ${bill.label} has nothing to pay (${bill.status})`, {
        metadata: { billId: bill.id, status: bill.status, amountDue: bill.amountDue.toJSON() },
      });
    }
    const site = this.sites.get(bill.siteId);

    const live = await this.store.links.findLiveByBill(bill.id);
    if (live) {
      const reusable = await this.reuseOrRetire(live, bill);
      if (reusable) return { link: reusable, bill, reused: true };
    }
    return this.create(bill, site);
  }

  private async reuseOrRetire(live: PaymentLink, bill: Bill): Promise<PaymentLink | null> {
    const now = this.clock.now();
    if (live.status === 'creating') {
      if (now.getTime() - live.createdAt.getTime() < ABANDONED_CREATE_MS) {
        throw new UpstreamUnavailableError(
          'A payment link for this bill is being created; try again in a moment',
          {
            upstream: 'bridge',
            operation: 'issueLink',
            retryAfterMs: 1_000,
          },
        );
      }
      await this.resolver.resolveAbandoned(live);
      const resolved = await this.store.links.findById(live.id);
      if (resolved && resolved.status === 'active' && resolved.billFingerprint === bill.fingerprint)
        return resolved;
      if (resolved?.status === 'active') await this.retire(resolved, 'bill_changed');
      return null;
    }
    const stillValid = live.expiresAt.getTime() - now.getTime() > MIN_REMAINING_LIFETIME_MS;
    if (live.billFingerprint === bill.fingerprint && stillValid && live.paymentUrl) return live;
    await this.retire(live, live.billFingerprint !== bill.fingerprint ? 'bill_changed' : 'expiring');
    return null;
  }

  private async retire(link: PaymentLink, reason: string): Promise<void> {
    const retired = await this.store.transaction(async (tx) => {
      const fresh = await tx.links.findById(link.id);
      if (!fresh || fresh.status !== 'active') return null;
      const now = this.clock.now();
      fresh.supersede(reason, now);
      await tx.links.update(fresh);
      await tx.events.append(linkEvent(fresh, 'link.superseded', now, { reason }));
      return fresh;
    });
    if (retired) await this.canceller.cancel(retired);
  }

  private async create(bill: Bill, site: SiteProfile): Promise<IssuedLink> {
    const now = this.clock.now();
    const attempt = (await this.store.links.highestAttempt(bill.id, bill.externalVersion)) + 1;
    const link = new PaymentLink({
      id: newId(),
      siteId: bill.siteId,
      billId: bill.id,
      billExternalId: bill.externalId,
      billVersion: bill.externalVersion,
      billFingerprint: bill.fingerprint,
      attempt,
      merchantOrderId: PaymentLink.merchantOrderIdFor(
        bill.siteId,
        bill.externalId,
        bill.externalVersion,
        attempt,
      ),
      amount: bill.amountDue,
      status: 'creating',
      expiresAt: new Date(now.getTime() + site.linkLifetimeMinutes * 60_000),
      createdAt: now,
      updatedAt: now,
    });
    try {
      await this.store.transaction(async (tx) => {
        await tx.links.insert(link);
        await tx.events.append(linkEvent(link, 'link.creating', now, { amount: link.amount.toJSON() }));
      });
    } catch (error) {
      if (!(error instanceof DuplicateRecordError)) throw error;
      // Another request created the bill's live link a moment ago: use it.
      const winner = await this.store.links.findLiveByBill(bill.id);
      if (winner?.status === 'active') return { link: winner, bill, reused: true };
      throw new UpstreamUnavailableError(
        'A payment link for this bill is being created; try again in a moment',
        {
          upstream: 'bridge',
          operation: 'issueLink',
          retryAfterMs: 1_000,
          cause: error,
        },
      );
    }

    try {
      const created = await this.providers.forSite(bill.siteId).createLink({
        merchantOrderId: link.merchantOrderId,
        visibleOrderId: bill.label,
        description: `${site.name}: ${bill.label}`,
        amount: link.amount,
        lines: bill.lines,
        fiscal: site.fiscal,
        expiresAt: link.expiresAt,
        language: site.language,
        customerEmail: bill.guestEmail,
      });
      if (!created.order.paymentUrl) throw new Error('The provider returned an order without a payment URL');
      const paymentUrl = created.order.paymentUrl;
      await this.store.transaction(async (tx) => {
        const at = this.clock.now();
        link.activate(
          { providerOrderId: created.order.providerOrderId, paymentUrl, expiresAt: created.order.expiresAt },
          at,
        );
        await tx.links.update(link);
        await tx.events.append(
          linkEvent(link, 'link.active', at, {
            providerOrderId: link.providerOrderId,
            recovered: created.recovered,
          }),
        );
      });
      return { link, bill, reused: false };
    } catch (error) {
      // Unknown outcome: the link stays `creating` and is resolved by looking it up later, never by a blind retry.
      if (!(error instanceof UpstreamOutcomeUnknownError)) {
        await this.store.transaction(async (tx) => {
          const at = this.clock.now();
          link.fail(describeError(error).message, at);
          await tx.links.update(link);
          await tx.events.append(linkEvent(link, 'link.failed', at, { error: describeError(error) }));
        });
      }
      this.logger.warn(
        { billId: bill.id, linkId: link.id, err: describeError(error) },
        'Payment link not created',
      );
      throw error;
    }
  }
}
