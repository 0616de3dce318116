import { Injectable } from '@nestjs/common';
import { SettlementNotFoundError } from '../../errors/domain.errors';
import { Settlement } from '../../domain/settlement';
import { Clock } from '../../ports/clock.port';
import { SettlementSignal } from '../../ports/settlement-signal.port';
import { Store } from '../../ports/store.port';
import { settlementEvent } from '../shared/audit';

export interface OperatorSettlementInput {
  settlementId: string;
  operator: string;
}

/** Staff fixed the cause (unlocked the order, reopened the folio): try again, reading the POS back first. */
@Injectable()
export class RetrySettlement {
  constructor(
    private readonly store: Store,
    private readonly clock: Clock,
    private readonly signal: SettlementSignal,
  ) {}

  async execute(input: OperatorSettlementInput): Promise<Settlement> {
    const settlement = await this.store.transaction(async (tx) => {
      const found = await tx.settlements.findById(input.settlementId);
      if (!found) throw new SettlementNotFoundError(`Settlement ${input.settlementId} not found`);
      const now = this.clock.now();
      found.retryByOperator(now);
      await tx.settlements.update(found);
      await tx.events.append(
        settlementEvent(found, 'settlement.retry_requested', now, { operator: input.operator }),
      );
      return found;
    });
    this.signal.notifyPending();
    return settlement;
  }
}
