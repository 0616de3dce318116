import { Money } from './money';
import { TransitionTable, assertTransition } from './state-machine';

export type SettlementStatus =
  'pending' | 'in_flight' | 'applied' | 'unknown_outcome' | 'needs_attention' | 'resolved';

// in_flight → unknown_outcome: the process holding it died or the POS call timed out; the next
// attempt must read the POS back before sending anything again.
const TRANSITIONS: TransitionTable<SettlementStatus> = {
  pending: ['in_flight', 'needs_attention'],
  in_flight: ['applied', 'pending', 'unknown_outcome', 'needs_attention'],
  unknown_outcome: ['in_flight', 'needs_attention'],
  needs_attention: ['pending', 'resolved'],
  applied: [],
  resolved: [],
};

/** Why a person has to look at a settlement. Stable values: the operations guide explains each. */
export type AttentionReason =
  | 'bill_closed'
  | 'bill_not_found'
  | 'nothing_due'
  | 'guest_not_found'
  | 'no_post'
  | 'amount_mismatch'
  | 'rejected'
  | 'license'
  | 'auth'
  | 'outcome_undeterminable'
  | 'attempts_exhausted';

export type SettlementMode = 'close' | 'prepayment';

export interface SettlementError {
  code: string;
  message: string;
}

export interface SettlementProps {
  id: string;
  paymentId: string;
  siteId: string;
  billId: string;
  billExternalId: string;
  amount: Money;
  status: SettlementStatus;
  attempts: number;
  nextAttemptAt: Date;
  mode?: SettlementMode;
  /** What was (or is being) applied at the POS/PMS: the amount due when less than the payment. */
  appliedAmount?: Money;
  externalRef?: string;
  lastError?: SettlementError;
  attentionReason?: AttentionReason;
  leaseOwner?: string;
  leaseExpiresAt?: Date;
  /** Set when a call to the POS/PMS may have been sent: a later attempt must read back first. */
  sentAt?: Date;
  appliedAt?: Date;
  resolutionNote?: string;
  resolvedBy?: string;
  version: number;
  createdAt: Date;
  updatedAt: Date;
}

export class Settlement implements SettlementProps {
  readonly id!: string;
  readonly paymentId!: string;
  readonly siteId!: string;
  readonly billId!: string;
  readonly billExternalId!: string;
  readonly amount!: Money;
  status!: SettlementStatus;
  attempts!: number;
  nextAttemptAt!: Date;
  mode?: SettlementMode;
  appliedAmount?: Money;
  externalRef?: string;
  lastError?: SettlementError;
  attentionReason?: AttentionReason;
  leaseOwner?: string;
  leaseExpiresAt?: Date;
  sentAt?: Date;
  appliedAt?: Date;
  resolutionNote?: string;
  resolvedBy?: string;
  version!: number;
  readonly createdAt!: Date;
  updatedAt!: Date;

  constructor(props: SettlementProps) {
    Object.assign(this, props);
  }

  isDue(now: Date): boolean {
    return (
      (this.status === 'pending' || this.status === 'unknown_outcome') &&
      this.nextAttemptAt.getTime() <= now.getTime()
    );
  }

  /** Whether an earlier attempt may have reached the POS/PMS. */
  mustReadBack(): boolean {
    return this.sentAt !== undefined;
  }

  claim(owner: string, leaseMs: number, now: Date): void {
    this.move('in_flight', now);
    this.attempts += 1;
    this.leaseOwner = owner;
    this.leaseExpiresAt = new Date(now.getTime() + leaseMs);
  }

  /** Recorded durably before the POS/PMS call, so a crash after it forces a read-back. */
  markSending(mode: SettlementMode, amount: Money, now: Date): void {
    this.mode = mode;
    this.appliedAmount = amount;
    this.sentAt = now;
    this.updatedAt = now;
  }

  markApplied(result: { externalRef: string; appliedAmount: Money; mode: SettlementMode }, now: Date): void {
    this.move('applied', now);
    this.externalRef = result.externalRef;
    this.appliedAmount = result.appliedAmount;
    this.mode = result.mode;
    this.appliedAt = now;
    this.lastError = undefined;
    this.attentionReason = undefined;
    this.releaseLease();
  }

  /**
   * Try again later. `nothingWasSent` only when this attempt proved that nothing reached the POS/PMS
   * (the read-back found nothing and the new call was refused); otherwise the next attempt reads back first.
   */
  retryLater(
    error: SettlementError,
    nextAttemptAt: Date,
    now: Date,
    options: { nothingWasSent: boolean },
  ): void {
    this.move('pending', now);
    this.lastError = error;
    this.nextAttemptAt = nextAttemptAt;
    if (options.nothingWasSent) this.sentAt = undefined;
    this.releaseLease();
  }

  markOutcomeUnknown(error: SettlementError, nextAttemptAt: Date, now: Date): void {
    this.move('unknown_outcome', now);
    this.lastError = error;
    this.nextAttemptAt = nextAttemptAt;
    this.sentAt = this.sentAt ?? now;
    this.releaseLease();
  }

  needsAttention(reason: AttentionReason, error: SettlementError, now: Date): void {
    this.move('needs_attention', now);
    this.attentionReason = reason;
    this.lastError = error;
    this.releaseLease();
  }

  /** An operator asks for another attempt. Keeps `sentAt`, so the attempt reads back first. */
  retryByOperator(now: Date): void {
    this.move('pending', now);
    this.attempts = 0;
    this.nextAttemptAt = now;
  }

  /**
   * The POS/PMS that refused this takes postings again (a night audit ended): the wait is over. False when
   * the settlement was not waiting for a retry. An unknown outcome keeps its delay: its read-back must give
   * the POS/PMS time to show what it did.
   */
  bringForward(now: Date): boolean {
    if (this.status !== 'pending' || this.nextAttemptAt.getTime() <= now.getTime()) return false;
    this.nextAttemptAt = now;
    this.updatedAt = now;
    return true;
  }

  resolveByOperator(operator: string, note: string, now: Date): void {
    this.move('resolved', now);
    this.resolvedBy = operator;
    this.resolutionNote = note;
  }

  /** The lease ran out while in flight: the holder may have died mid-call. */
  expireLease(now: Date): void {
    this.markOutcomeUnknown(
      { code: 'SETTLEMENT.LEASE_EXPIRED', message: `Lease held by ${this.leaseOwner ?? 'unknown'} expired` },
      now,
      now,
    );
  }

  canMoveTo(to: SettlementStatus): boolean {
    return TRANSITIONS[this.status].includes(to);
  }

  private releaseLease(): void {
    this.leaseOwner = undefined;
    this.leaseExpiresAt = undefined;
  }

  private move(to: SettlementStatus, now: Date): void {
    assertTransition('Settlement', TRANSITIONS, this.status, to, this.id);
    this.status = to;
    this.updatedAt = now;
  }
}
