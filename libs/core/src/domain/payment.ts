import { DomainRuleError } from '../errors/domain.errors';
import { Money } from './money';
import { TransitionTable, assertTransition } from './state-machine';

export type NotificationChannel = 'webhook' | 'websocket' | 'poll' | 'replay';

export type PaymentStatus = 'confirmed' | 'refund_pending' | 'refunded';

const TRANSITIONS: TransitionTable<PaymentStatus> = {
  confirmed: ['refund_pending'],
  refund_pending: ['refunded', 'confirmed'],
  refunded: [],
};

/**
 * What to do with money that could not go to the POS/PMS (overpayment, bill closed meanwhile):
 * refunded through the provider where the site allows it, otherwise a person decides.
 */
export type ExcessStatus = 'none' | 'open' | 'refund_pending' | 'refunded' | 'kept';

export interface PaymentProps {
  id: string;
  siteId: string;
  billId: string;
  linkId: string;
  providerOrderId: string;
  /** Only completed payments exist: the provider's status that confirmed it. */
  providerStatus: string;
  amount: Money;
  channel: NotificationChannel;
  status: PaymentStatus;
  paidAt?: Date;
  excess: Money;
  excessStatus: ExcessStatus;
  refundedAmount: Money;
  createdAt: Date;
  updatedAt: Date;
}

export class Payment implements PaymentProps {
  readonly id!: string;
  readonly siteId!: string;
  readonly billId!: string;
  readonly linkId!: string;
  readonly providerOrderId!: string;
  readonly providerStatus!: string;
  readonly amount!: Money;
  readonly channel!: NotificationChannel;
  status!: PaymentStatus;
  paidAt?: Date;
  excess!: Money;
  excessStatus!: ExcessStatus;
  refundedAmount!: Money;
  readonly createdAt!: Date;
  updatedAt!: Date;

  constructor(props: PaymentProps) {
    Object.assign(this, props);
  }

  /** Records money the POS/PMS did not take, so it can be refunded or kept by decision. */
  recordExcess(excess: Money, now: Date): void {
    if (!excess.isPositive()) return;
    if (excess.greaterThan(this.amount))
      throw new DomainRuleError('Excess cannot exceed the payment', { metadata: { paymentId: this.id } });
    this.excess = excess;
    this.excessStatus = 'open';
    this.updatedAt = now;
  }

  requestRefund(now: Date): void {
    assertTransition('Payment', TRANSITIONS, this.status, 'refund_pending', this.id);
    this.status = 'refund_pending';
    if (this.excessStatus === 'open') this.excessStatus = 'refund_pending';
    this.updatedAt = now;
  }

  completeRefund(amount: Money, now: Date): void {
    assertTransition('Payment', TRANSITIONS, this.status, 'refunded', this.id);
    this.status = 'refunded';
    this.refundedAmount = this.refundedAmount.add(amount);
    if (this.excessStatus === 'refund_pending') this.excessStatus = 'refunded';
    this.updatedAt = now;
  }

  failRefund(now: Date): void {
    assertTransition('Payment', TRANSITIONS, this.status, 'confirmed', this.id);
    this.status = 'confirmed';
    if (this.excessStatus === 'refund_pending') this.excessStatus = 'open';
    this.updatedAt = now;
  }

  keepExcess(now: Date): void {
    if (this.excessStatus !== 'open')
      throw new DomainRuleError('No open excess to keep', { metadata: { paymentId: this.id } });
    this.excessStatus = 'kept';
    this.updatedAt = now;
  }
}
