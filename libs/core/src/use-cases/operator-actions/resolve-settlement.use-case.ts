import { Injectable } from '@nestjs/common';
import { SettlementNotFoundError } from '../../errors/domain.errors';
import { Settlement } from '../../domain/settlement';
import { Clock } from '../../ports/clock.port';
import { Store } from '../../ports/store.port';
import { settlementEvent } from '../shared/audit';
import { OperatorSettlementInput } from './retry-settlement.use-case';

/** Staff settled it by hand at the POS/PMS: close the case with their comment. */
@Injectable()
export class ResolveSettlement {
  constructor(
    private readonly store: Store,
    private readonly clock: Clock,
  ) {}

  async execute(input: OperatorSettlementInput & { comment: string }): Promise<Settlement> {
    return this.store.transaction(async (tx) => {
      const found = await tx.settlements.findById(input.settlementId);
      if (!found) throw new SettlementNotFoundError(`Settlement ${input.settlementId} not found`);
      const now = this.clock.now();
      found.resolveByOperator(input.operator, input.comment, now);
      await tx.settlements.update(found);
      await tx.events.append(
        settlementEvent(found, 'settlement.resolved', now, {
          operator: input.operator,
          comment: input.comment,
        }),
      );
      return found;
    });
  }
}
