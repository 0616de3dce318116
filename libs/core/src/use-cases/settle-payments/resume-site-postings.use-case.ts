import { Injectable, Logger } from '@nestjs/common';
import { ConcurrentModificationError } from '../../errors/domain.errors';
import { Clock } from '../../ports/clock.port';
import { SettlementSignal } from '../../ports/settlement-signal.port';
import { Store } from '../../ports/store.port';
import { settlementEvent } from '../shared/audit';

export interface ResumeSitePostingsInput {
  siteId: string;
  reason: string;
}

/** Settlements a site can hold waiting at once: far more than a night audit leaves behind. */
const MAX_WAITING = 1_000;

/**
 * The POS/PMS says it takes postings again (a hotel's night audit ended): the site's payments that wait for
 * their next attempt go now, instead of when their backoff would have let them.
 */
@Injectable()
export class ResumeSitePostings {
  private readonly logger = new Logger(ResumeSitePostings.name);

  constructor(
    private readonly store: Store,
    private readonly clock: Clock,
    private readonly signal: SettlementSignal,
  ) {}

  async execute(input: ResumeSitePostingsInput): Promise<{ broughtForward: number }> {
    const waiting = await this.store.settlements.list(
      { siteId: input.siteId, statuses: ['pending'] },
      { limit: MAX_WAITING },
    );
    let broughtForward = 0;
    for (const candidate of waiting) {
      try {
        const moved = await this.store.transaction(async (tx) => {
          const settlement = await tx.settlements.findById(candidate.id);
          const now = this.clock.now();
          if (!settlement?.bringForward(now)) return false;
          await tx.settlements.update(settlement);
          await tx.events.append(
            settlementEvent(settlement, 'settlement.brought_forward', now, { reason: input.reason }),
          );
          return true;
        });
        if (moved) broughtForward += 1;
      } catch (error) {
        // Claimed or changed meanwhile: it is moving already.
        if (!(error instanceof ConcurrentModificationError)) throw error;
      }
    }
    if (broughtForward > 0) {
      this.logger.log({ siteId: input.siteId, broughtForward, reason: input.reason }, 'Postings resumed');
      this.signal.notifyPending();
    }
    return { broughtForward };
  }
}
