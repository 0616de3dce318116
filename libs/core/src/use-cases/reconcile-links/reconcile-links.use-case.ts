import { Injectable, Logger } from '@nestjs/common';
import { PaymentLink } from '../../domain/payment-link';
import { Clock } from '../../ports/clock.port';
import { JobLock } from '../../ports/job-lock.port';
import { PaymentProviderRegistry } from '../../ports/payment-provider.port';
import { Store } from '../../ports/store.port';
import { AbandonedLinkResolver } from '../shared/abandoned-link-resolver';
import { describeError, linkEvent } from '../shared/audit';
import { LinkCanceller } from '../shared/link-canceller';

export interface ReconcileLinksInput {
  siteId: string;
  /** Provider reads this run may spend on polling active links (the provider rate-limits per account). */
  pollBudget: number;
}

export interface ReconcileReport {
  ran: boolean;
  polled: number;
  canceled: number;
  resolved: number;
  retired: number;
  errors: number;
}

const ABANDONED_CREATE_MS = 30_000;
const BATCH = 100;

/**
 * The safety net under the notification channels: asks the provider about links nobody told us about,
 * finishes cancels that failed, and resolves creations that never finished.
 */
@Injectable()
export class ReconcileLinks {
  private readonly logger = new Logger(ReconcileLinks.name);

  constructor(
    private readonly store: Store,
    private readonly providers: PaymentProviderRegistry,
    private readonly clock: Clock,
    private readonly jobLock: JobLock,
    private readonly canceller: LinkCanceller,
    private readonly resolver: AbandonedLinkResolver,
  ) {}

  async execute(input: ReconcileLinksInput): Promise<ReconcileReport> {
    // Renewed while it runs: the TTL only bounds how long a dead holder keeps links from being polled.
    const run = await this.jobLock.tryRun(`reconcile-links:${input.siteId}`, 15_000, () =>
      this.reconcile(input),
    );
    return run.ran ? run.result : { ran: false, polled: 0, canceled: 0, resolved: 0, retired: 0, errors: 0 };
  }

  private async reconcile(input: ReconcileLinksInput): Promise<ReconcileReport> {
    const report: ReconcileReport = { ran: true, polled: 0, canceled: 0, resolved: 0, retired: 0, errors: 0 };
    const now = this.clock.now();
    const guard = async (link: PaymentLink, work: () => Promise<void>): Promise<void> => {
      try {
        await work();
      } catch (error) {
        report.errors += 1;
        this.logger.warn({ linkId: link.id, err: describeError(error) }, 'Link not reconciled');
      }
    };

    const superseded = await this.store.links.listByStatus(
      ['superseded'],
      { siteId: input.siteId },
      { limit: BATCH },
    );
    for (const link of superseded) {
      await guard(link, async () => {
        await this.canceller.cancel(link);
        report.canceled += 1;
      });
    }

    const abandoned = await this.store.links.listByStatus(
      ['creating'],
      { siteId: input.siteId, updatedBefore: new Date(now.getTime() - ABANDONED_CREATE_MS) },
      { limit: BATCH },
    );
    for (const link of abandoned) {
      await guard(link, async () => {
        await this.resolver.resolveAbandoned(link);
        report.resolved += 1;
      });
    }

    const active = await this.store.links.listActiveForPolling(input.siteId, input.pollBudget);
    const provider = this.providers.forSite(input.siteId);
    for (const link of active) {
      await guard(link, async () => {
        if (!link.providerOrderId) return;
        const order = await provider.getOrder(link.providerOrderId);
        report.polled += 1;
        if (order.status === 'created' && link.expiresAt.getTime() <= this.clock.now().getTime()) {
          // Past its lifetime but the provider still offers it: cancel so nobody pays a stale amount.
          await this.retireExpired(link);
          report.retired += 1;
          return;
        }
        await this.canceller.applyProviderOrder(link, order, 'poll');
      });
    }
    await this.store.links.markPolled(
      active.map((l) => l.id),
      this.clock.now(),
    );
    return report;
  }

  private async retireExpired(link: PaymentLink): Promise<void> {
    const retired = await this.store.transaction(async (tx) => {
      const fresh = await tx.links.findById(link.id);
      if (!fresh || fresh.status !== 'active') return null;
      const now = this.clock.now();
      fresh.supersede('expired', now);
      await tx.links.update(fresh);
      await tx.events.append(linkEvent(fresh, 'link.superseded', now, { reason: 'expired' }));
      return fresh;
    });
    if (retired) await this.canceller.cancel(retired);
  }
}
