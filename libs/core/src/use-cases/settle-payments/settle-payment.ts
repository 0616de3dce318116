import { Injectable, Logger } from '@nestjs/common';
import { ConcurrentModificationError } from '../../errors/domain.errors';
import {
  PosRejectedError,
  UpstreamAuthError,
  UpstreamTlsError,
  UpstreamUnavailableError,
} from '../../errors/upstream.errors';
import { decideSettlement } from '../../domain/settlement-decision';
import { Money } from '../../domain/money';
import { AttentionReason, Settlement, SettlementError } from '../../domain/settlement';
import { Clock } from '../../ports/clock.port';
import { AppliedPosPayment, BillRef, PosAdapter, PosAdapterRegistry } from '../../ports/pos-adapter.port';
import { AuditEvent, Store } from '../../ports/store.port';
import { describeError, paymentEvent, settlementEvent } from '../shared/audit';
import { SettlementPolicy } from '../shared/settlement-policy';

const ATTENTION_BY_POS_REASON: Partial<Record<PosRejectedError['reason'], AttentionReason>> = {
  not_found: 'bill_not_found',
  bill_closed: 'bill_closed',
  guest_not_found: 'guest_not_found',
  no_post: 'no_post',
  license: 'license',
  auth: 'auth',
  rejected: 'rejected',
};

/**
 * Pushes one claimed settlement into the POS/PMS. The rule that keeps it exactly-once: the intent is
 * committed before the call, and any attempt after one that may have reached the POS/PMS reads it back
 * before sending anything again.
 */
@Injectable()
export class SettlePayment {
  private readonly logger = new Logger(SettlePayment.name);

  constructor(
    private readonly store: Store,
    private readonly pos: PosAdapterRegistry,
    private readonly clock: Clock,
    private readonly policy: SettlementPolicy,
  ) {}

  /** `settlement` must be in_flight and claimed by the caller. Returns it in its new state. */
  async execute(settlement: Settlement): Promise<Settlement> {
    const adapter = this.pos.forSite(settlement.siteId);
    const bill = await this.store.bills.findById(settlement.billId);
    const ref: BillRef = { externalId: settlement.billExternalId, attributes: bill?.attributes ?? {} };
    let sentThisAttempt = false;
    try {
      if (settlement.mustReadBack()) {
        const found = await this.readBack(adapter, settlement, ref);
        if (found === 'undeterminable') return settlement;
        if (found) return await this.finishApplied(settlement, found, 'read_back');
      }

      const snapshot = await adapter.getBill(ref);
      const payment = await this.store.payments.findById(settlement.paymentId);
      if (!payment)
        throw new Error(`Payment ${settlement.paymentId} of settlement ${settlement.id} is missing`);
      const decision = decideSettlement(payment.amount, snapshot);
      if (decision.action === 'attention') {
        return await this.toAttention(
          settlement,
          decision.reason,
          { code: `SETTLEMENT.${decision.reason.toUpperCase()}`, message: decision.message },
          payment.amount,
        );
      }

      settlement.markSending(decision.mode, decision.amount, this.clock.now());
      await this.save(
        settlement,
        settlementEvent(settlement, 'settlement.sending', this.clock.now(), {
          mode: decision.mode,
          amount: decision.amount.toJSON(),
          billVersion: snapshot?.externalVersion,
        }),
      );
      sentThisAttempt = true;
      const applied = await adapter.applyPayment({
        bill: ref,
        expectedVersion: snapshot?.externalVersion ?? '',
        paymentId: settlement.paymentId,
        providerOrderId: payment.providerOrderId,
        amount: decision.amount,
        mode: decision.mode,
      });
      return await this.finishApplied(settlement, applied, 'applied');
    } catch (error) {
      return this.handleFailure(settlement, error, sentThisAttempt);
    }
  }

  /** null: nothing was applied; 'undeterminable': handed to a person. */
  private async readBack(
    adapter: PosAdapter,
    settlement: Settlement,
    ref: BillRef,
  ): Promise<AppliedPosPayment | null | 'undeterminable'> {
    const excludeExternalRefs = (await this.store.settlements.appliedExternalRefs(settlement.billId)).filter(
      (r) => r !== settlement.externalRef,
    );
    const lookup = await adapter.findAppliedPayment({
      bill: ref,
      paymentId: settlement.paymentId,
      amount: settlement.appliedAmount ?? settlement.amount,
      mode: settlement.mode ?? 'close',
      sentAt: settlement.sentAt ?? settlement.createdAt,
      excludeExternalRefs,
    });
    await this.store.events.append(
      settlementEvent(settlement, 'settlement.read_back', this.clock.now(), { result: lookup.status }),
    );
    if (lookup.status === 'found') return lookup.payment;
    if (lookup.status === 'not_found') return null;
    await this.toAttention(
      settlement,
      'outcome_undeterminable',
      { code: 'SETTLEMENT.UNDETERMINABLE', message: lookup.reason },
      undefined,
    );
    return 'undeterminable';
  }

  private async finishApplied(
    settlement: Settlement,
    applied: AppliedPosPayment,
    how: 'applied' | 'read_back',
  ): Promise<Settlement> {
    return this.store.transaction(async (tx) => {
      const now = this.clock.now();
      settlement.markApplied(
        { externalRef: applied.externalRef, appliedAmount: applied.amount, mode: applied.mode },
        now,
      );
      await tx.settlements.update(settlement);
      const events: AuditEvent[] = [
        settlementEvent(settlement, 'settlement.applied', now, {
          how,
          mode: applied.mode,
          amount: applied.amount.toJSON(),
          externalRef: applied.externalRef,
          latencyMs: now.getTime() - settlement.createdAt.getTime(),
        }),
      ];
      const payment = await tx.payments.findById(settlement.paymentId);
      if (payment) {
        const excess = payment.amount.subtract(applied.amount);
        if (excess.isPositive() && payment.excessStatus === 'none') {
          payment.recordExcess(excess, now);
          await tx.payments.update(payment);
          events.push(
            paymentEvent(payment, 'payment.excess', now, { excess: excess.toJSON(), reason: 'overpaid' }),
          );
        }
      }
      await tx.events.append(...events);
      return settlement;
    });
  }

  private async toAttention(
    settlement: Settlement,
    reason: AttentionReason,
    error: SettlementError,
    unappliedAmount: Money | undefined,
  ): Promise<Settlement> {
    return this.store.transaction(async (tx) => {
      const now = this.clock.now();
      settlement.needsAttention(reason, error, now);
      await tx.settlements.update(settlement);
      const events: AuditEvent[] = [
        settlementEvent(settlement, 'settlement.needs_attention', now, { reason, error }),
      ];
      if (unappliedAmount) {
        const payment = await tx.payments.findById(settlement.paymentId);
        if (payment && payment.excessStatus === 'none') {
          payment.recordExcess(unappliedAmount, now);
          await tx.payments.update(payment);
          events.push(
            paymentEvent(payment, 'payment.excess', now, { excess: unappliedAmount.toJSON(), reason }),
          );
        }
      }
      await tx.events.append(...events);
      this.logger.warn({ settlementId: settlement.id, reason, error }, 'Settlement needs a person');
      return settlement;
    });
  }

  private async handleFailure(
    settlement: Settlement,
    error: unknown,
    sentThisAttempt: boolean,
  ): Promise<Settlement> {
    if (error instanceof ConcurrentModificationError) {
      this.logger.warn({ settlementId: settlement.id }, 'Settlement was taken over by another worker');
      return settlement;
    }
    const now = this.clock.now();
    const described = describeError(error);
    // Only a refusal or a connection that never got through proves the write did not happen.
    const certainlyNotApplied =
      error instanceof PosRejectedError ||
      error instanceof UpstreamUnavailableError ||
      error instanceof UpstreamAuthError ||
      error instanceof UpstreamTlsError;
    if (sentThisAttempt && !certainlyNotApplied) {
      settlement.markOutcomeUnknown(described, new Date(now.getTime() + this.policy.readBackDelayMs), now);
      await this.save(
        settlement,
        settlementEvent(settlement, 'settlement.unknown_outcome', now, { error: described }),
      );
      return settlement;
    }
    if (error instanceof PosRejectedError) {
      const attention = ATTENTION_BY_POS_REASON[error.reason];
      // A sum mismatch means the bill moved between our read and the write: re-read and decide again.
      const retryable = error.retryable || error.reason === 'amount_mismatch';
      if (!retryable && attention) {
        const payment = await this.store.payments.findById(settlement.paymentId);
        return this.toAttention(settlement, attention, described, payment?.amount);
      }
    }
    if (settlement.attempts >= this.policy.maxAttempts) {
      const reason: AttentionReason =
        error instanceof PosRejectedError && error.reason === 'amount_mismatch'
          ? 'amount_mismatch'
          : 'attempts_exhausted';
      return this.toAttention(settlement, reason, described, undefined);
    }
    const retryAfterMs =
      (error instanceof PosRejectedError || isRetryAfterCarrier(error)) && error.retryAfterMs !== undefined
        ? error.retryAfterMs
        : this.policy.delayFor(settlement.attempts);
    settlement.retryLater(described, new Date(now.getTime() + retryAfterMs), now, {
      nothingWasSent: sentThisAttempt,
    });
    await this.save(
      settlement,
      settlementEvent(settlement, 'settlement.retry', now, { error: described, retryInMs: retryAfterMs }),
    );
    return settlement;
  }

  private async save(settlement: Settlement, event: AuditEvent): Promise<void> {
    await this.store.transaction(async (tx) => {
      await tx.settlements.update(settlement);
      await tx.events.append(event);
    });
  }
}

function isRetryAfterCarrier(error: unknown): error is { retryAfterMs?: number } {
  return typeof error === 'object' && error !== null && 'retryAfterMs' in error;
}
