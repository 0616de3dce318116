import { BillSnapshot } from './bill';
import { Money } from './money';
import { AttentionReason, SettlementMode } from './settlement';

export type SettlementDecision =
  | { action: 'apply'; mode: SettlementMode; amount: Money; excess: Money }
  | { action: 'attention'; reason: AttentionReason; message: string };

/**
 * What to do with a confirmed payment given the bill as the POS/PMS shows it now:
 * paid == due closes the bill, less is a prepayment that leaves it open for staff,
 * more closes it and keeps the difference aside (refund or a person).
 */
export function decideSettlement(payment: Money, bill: BillSnapshot | null): SettlementDecision {
  if (!bill) {
    return {
      action: 'attention',
      reason: 'bill_not_found',
      message: 'The POS/PMS no longer knows this bill',
    };
  }
  if (bill.status !== 'open') {
    return {
      action: 'attention',
      reason: 'bill_closed',
      message: 'The bill was closed at the POS/PMS before the payment reached it',
    };
  }
  const due = bill.amountDue;
  if (!due.isPositive()) {
    return { action: 'attention', reason: 'nothing_due', message: 'Nothing is due on the bill any more' };
  }
  const comparison = payment.compare(due);
  if (comparison === 0)
    return { action: 'apply', mode: 'close', amount: payment, excess: Money.zero(payment.currency) };
  if (comparison < 0)
    return { action: 'apply', mode: 'prepayment', amount: payment, excess: Money.zero(payment.currency) };
  return { action: 'apply', mode: 'close', amount: due, excess: payment.subtract(due) };
}
