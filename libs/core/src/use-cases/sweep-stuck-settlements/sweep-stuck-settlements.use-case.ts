import { Injectable, Logger } from '@nestjs/common';
import { ConcurrentModificationError } from '../../errors/domain.errors';
import { Clock } from '../../ports/clock.port';
import { Store } from '../../ports/store.port';
import { settlementEvent } from '../shared/audit';

/**
 * Settlements whose lease ran out while in flight belonged to a process that died or hung mid-call.
 * They become unknown_outcome, so the next attempt reads the POS/PMS back before sending anything.
 */
@Injectable()
export class SweepStuckSettlements {
  private readonly logger = new Logger(SweepStuckSettlements.name);

  constructor(
    private readonly store: Store,
    private readonly clock: Clock,
  ) {}

  async execute(): Promise<{ swept: number }> {
    const stuck = await this.store.settlements.listExpiredLeases(this.clock.now(), 100);
    let swept = 0;
    for (const settlement of stuck) {
      try {
        await this.store.transaction(async (tx) => {
          const now = this.clock.now();
          const owner = settlement.leaseOwner;
          settlement.expireLease(now);
          await tx.settlements.update(settlement);
          await tx.events.append(settlementEvent(settlement, 'settlement.lease_expired', now, { owner }));
        });
        swept += 1;
      } catch (error) {
        if (!(error instanceof ConcurrentModificationError)) throw error;
        this.logger.debug?.({ settlementId: settlement.id }, 'Settlement moved on while being swept');
      }
    }
    return { swept };
  }
}
