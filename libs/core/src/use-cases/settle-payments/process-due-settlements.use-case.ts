import { Injectable, Logger } from '@nestjs/common';
import { Settlement } from '../../domain/settlement';
import { Clock } from '../../ports/clock.port';
import { Store } from '../../ports/store.port';
import { RefreshBill } from '../refresh-bill/refresh-bill.use-case';
import { describeError } from '../shared/audit';
import { mapWithConcurrency } from '../shared/concurrency';
import { SettlementPolicy } from '../shared/settlement-policy';
import { SettlePayment } from './settle-payment';

export interface ProcessDueSettlementsInput {
  /** Who holds the leases: one id per bridge process. */
  owner: string;
  /** Sites whose POS/PMS link another process holds: their settlements are its to apply. */
  excludeSiteIds?: readonly string[];
}

export interface ProcessedSettlements {
  claimed: number;
  applied: number;
  retrying: number;
  unknown: number;
  needsAttention: number;
}

/** Claims the settlements that are due and pushes them to the POS/PMS, one bill at a time. */
@Injectable()
export class ProcessDueSettlements {
  private readonly logger = new Logger(ProcessDueSettlements.name);

  constructor(
    private readonly store: Store,
    private readonly clock: Clock,
    private readonly policy: SettlementPolicy,
    private readonly settle: SettlePayment,
    private readonly refreshBill: RefreshBill,
  ) {}

  async execute(input: ProcessDueSettlementsInput): Promise<ProcessedSettlements> {
    const claimed = await this.store.settlements.claimDue(
      input.owner,
      this.policy.leaseMs,
      this.clock.now(),
      this.policy.batchSize,
      { excludeSiteIds: input.excludeSiteIds },
    );
    const result: ProcessedSettlements = {
      claimed: claimed.length,
      applied: 0,
      retrying: 0,
      unknown: 0,
      needsAttention: 0,
    };
    if (claimed.length === 0) return result;

    // Two payments of one bill must not race each other at the POS: each bill's settlements go in order.
    const byBill = new Map<string, Settlement[]>();
    for (const settlement of claimed)
      byBill.set(settlement.billId, [...(byBill.get(settlement.billId) ?? []), settlement]);

    const refreshed = new Map<string, { siteId: string; externalId: string }>();
    await mapWithConcurrency([...byBill.values()], this.policy.concurrency, async (group) => {
      for (const settlement of group) {
        const done = await this.settle.execute(settlement);
        if (done.status === 'applied') {
          result.applied += 1;
          refreshed.set(done.billId, { siteId: done.siteId, externalId: done.billExternalId });
        } else if (done.status === 'pending') result.retrying += 1;
        else if (done.status === 'unknown_outcome') result.unknown += 1;
        else if (done.status === 'needs_attention') result.needsAttention += 1;
      }
    });
    await Promise.all(
      [...refreshed.values()].map((bill) =>
        this.refreshBill.execute(bill).catch((error: unknown) => {
          this.logger.warn({ ...bill, err: describeError(error) }, 'Bill not refreshed after settlement');
        }),
      ),
    );
    return result;
  }
}
