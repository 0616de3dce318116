import { Injectable, Logger } from '@nestjs/common';
import { DomainRuleError, PaymentNotFoundError } from '../../errors/domain.errors';
import { UpstreamRejectedError } from '../../errors/upstream.errors';
import { Money } from '../../domain/money';
import { Payment } from '../../domain/payment';
import { Settlement } from '../../domain/settlement';
import { Clock } from '../../ports/clock.port';
import { JobLock } from '../../ports/job-lock.port';
import { PaymentProviderRegistry, ProviderRefund } from '../../ports/payment-provider.port';
import { Store, StoreScope } from '../../ports/store.port';
import { describeError, paymentEvent, settlementEvent } from '../shared/audit';

export interface RefundExcessInput {
  paymentId: string;
  operator: string;
}

export interface RefundExcessResult {
  payment: Payment;
  refundId: string;
  amount: Money;
  status: 'refunded' | 'refund_pending';
  providerRefundId?: string;
}

/** Same payment, same id: the provider refuses a second refund with it, whoever clicks twice. */
export function excessRefundId(paymentId: string): string {
  return `${paymentId}:excess`;
}

/** Money of a payment that the POS/PMS did not take and that may go back to the guest now. */
export function refundableExcess(payment: Payment, settlement: Settlement | null): Money {
  const zero = Money.zero(payment.amount.currency);
  if (payment.excessStatus !== 'open' || !settlement) return zero;
  if (settlement.status === 'applied') {
    // An excess recorded when an attempt failed is stale once a retry applied the whole payment.
    const unapplied = payment.amount.subtract(settlement.appliedAmount ?? payment.amount);
    return unapplied.isPositive() ? payment.excess.min(unapplied) : zero;
  }
  return settlement.status === 'needs_attention' ? payment.excess : zero;
}

const LOCK_TTL_MS = 60_000;

/**
 * Sends the excess of one payment back to the guest through the provider. One run per payment at a
 * time (a job lock), and a deterministic refund id, so a double click or two operators never refund twice.
 * Refunding a payment the POS/PMS never took closes its settlement case, so nobody retries it afterwards.
 */
@Injectable()
export class RefundExcess {
  private readonly logger = new Logger(RefundExcess.name);

  constructor(
    private readonly store: Store,
    private readonly providers: PaymentProviderRegistry,
    private readonly clock: Clock,
    private readonly jobLock: JobLock,
  ) {}

  async execute(input: RefundExcessInput): Promise<RefundExcessResult> {
    const run = await this.jobLock.tryRun(`refund-excess:${input.paymentId}`, LOCK_TTL_MS, () =>
      this.refund(input),
    );
    if (!run.ran) {
      throw new DomainRuleError('A refund of this payment is already in progress', {
        metadata: { paymentId: input.paymentId },
      });
    }
    return run.result;
  }

  private async refund(input: RefundExcessInput): Promise<RefundExcessResult> {
    const refundId = excessRefundId(input.paymentId);
    const claimed = await this.store.transaction(async (tx) => {
      const { payment, settlement } = await this.load(tx, input.paymentId);
      if (payment.excessStatus === 'refunded')
        return { payment, amount: payment.refundedAmount, fresh: false };
      // refund_pending: an earlier run did not learn the outcome; asking again with the same id is safe.
      if (payment.excessStatus === 'refund_pending') return { payment, amount: payment.excess, fresh: false };
      const amount = refundableExcess(payment, settlement);
      if (!amount.isPositive()) {
        throw new DomainRuleError('This payment has no excess to refund', {
          metadata: {
            paymentId: payment.id,
            excessStatus: payment.excessStatus,
            settlement: settlement?.status,
          },
        });
      }
      const now = this.clock.now();
      payment.requestRefund(now);
      await tx.payments.update(payment);
      await tx.events.append(
        paymentEvent(payment, 'payment.refund_requested', now, {
          operator: input.operator,
          refundId,
          refund: amount.toJSON(),
        }),
      );
      return { payment, amount, fresh: true };
    });
    if (claimed.payment.excessStatus === 'refunded') {
      return { payment: claimed.payment, refundId, amount: claimed.amount, status: 'refunded' };
    }

    let refund: ProviderRefund;
    try {
      refund = await this.providers.forSite(claimed.payment.siteId).refund({
        providerOrderId: claimed.payment.providerOrderId,
        refundId,
        amount: claimed.amount,
        reason: 'Excess payment returned to the guest',
      });
    } catch (error) {
      return this.handleFailure(claimed.payment.id, error, claimed.fresh);
    }
    return this.record(input, refund, claimed.amount);
  }

  private async record(
    input: RefundExcessInput,
    refund: ProviderRefund,
    amount: Money,
  ): Promise<RefundExcessResult> {
    return this.store.transaction(async (tx) => {
      const { payment, settlement } = await this.load(tx, input.paymentId);
      const now = this.clock.now();
      const data = {
        refundId: refund.refundId,
        providerRefundId: refund.providerRefundId,
        refund: amount.toJSON(),
      };
      if (refund.status === 'canceled') {
        payment.failRefund(now);
        await tx.payments.update(payment);
        await tx.events.append(
          paymentEvent(payment, 'payment.refund_failed', now, { ...data, reason: 'canceled' }),
        );
        throw new DomainRuleError('The provider canceled the refund', {
          metadata: { paymentId: payment.id },
        });
      }
      if (refund.status === 'pending') {
        await tx.events.append(paymentEvent(payment, 'payment.refund_pending', now, data));
        return {
          payment,
          refundId: refund.refundId,
          amount,
          status: 'refund_pending',
          providerRefundId: refund.providerRefundId,
        };
      }
      payment.completeRefund(amount, now);
      await tx.payments.update(payment);
      await tx.events.append(
        paymentEvent(payment, 'payment.refunded', now, { ...data, operator: input.operator }),
      );
      if (settlement?.status === 'needs_attention' && payment.refundedAmount.equals(payment.amount)) {
        settlement.resolveByOperator(input.operator, 'The whole payment was refunded to the guest', now);
        await tx.settlements.update(settlement);
        await tx.events.append(
          settlementEvent(settlement, 'settlement.resolved', now, {
            operator: input.operator,
            refundId: refund.refundId,
          }),
        );
      }
      return {
        payment,
        refundId: refund.refundId,
        amount,
        status: 'refunded',
        providerRefundId: refund.providerRefundId,
      };
    });
  }

  private async handleFailure(paymentId: string, error: unknown, fresh: boolean): Promise<never> {
    this.logger.warn({ paymentId, err: describeError(error) }, 'Refund not confirmed by the provider');
    // Only a refusal of a refund asked for the first time proves no money moved; anything else stays
    // refund_pending and the next attempt asks again with the same id.
    if (error instanceof UpstreamRejectedError && fresh) {
      await this.store.transaction(async (tx) => {
        const { payment } = await this.load(tx, paymentId);
        const now = this.clock.now();
        payment.failRefund(now);
        await tx.payments.update(payment);
        await tx.events.append(
          paymentEvent(payment, 'payment.refund_failed', now, { error: describeError(error) }),
        );
      });
    } else {
      const payment = await this.store.payments.findById(paymentId);
      if (payment) {
        await this.store.events.append(
          paymentEvent(payment, 'payment.refund_unconfirmed', this.clock.now(), {
            error: describeError(error),
          }),
        );
      }
    }
    throw error;
  }

  private async load(
    tx: StoreScope,
    paymentId: string,
  ): Promise<{ payment: Payment; settlement: Settlement | null }> {
    const payment = await tx.payments.findById(paymentId);
    if (!payment)
      throw new PaymentNotFoundError(`Payment ${paymentId} not found`, { metadata: { paymentId } });
    return { payment, settlement: await tx.settlements.findByPaymentId(payment.id) };
  }
}
