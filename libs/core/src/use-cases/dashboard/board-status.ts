import { Bill } from '../../domain/bill';
import { Payment } from '../../domain/payment';
import { PaymentLink } from '../../domain/payment-link';
import { Settlement } from '../../domain/settlement';
import { refundableExcess } from '../refund-excess/refund-excess.use-case';

/** What staff see for a table or folio, most urgent first. */
export type BoardStatus = 'needs_attention' | 'paid' | 'link_active' | 'applied' | 'open' | 'closed';

const SETTLING: ReadonlySet<Settlement['status']> = new Set(['pending', 'in_flight', 'unknown_outcome']);

export interface BillActivity {
  bill: Bill;
  liveLink: PaymentLink | null;
  payments: Payment[];
  settlements: Settlement[];
}

export function boardStatusOf(activity: BillActivity, now: Date): BoardStatus {
  const { bill, liveLink, payments, settlements } = activity;
  const settlementOf = (payment: Payment) => settlements.find((s) => s.paymentId === payment.id) ?? null;
  if (
    settlements.some((s) => s.status === 'needs_attention') ||
    payments.some((p) => refundableExcess(p, settlementOf(p)).isPositive())
  ) {
    return 'needs_attention';
  }
  if (settlements.some((s) => SETTLING.has(s.status))) return 'paid';
  if (bill.status === 'open' && liveLink?.isUsable(now)) return 'link_active';
  if (settlements.some((s) => s.status === 'applied')) return 'applied';
  return bill.status === 'open' ? 'open' : 'closed';
}
