import { Money } from './money';
import { TransitionTable, assertTransition } from './state-machine';

export type PaymentLinkStatus =
  'creating' | 'active' | 'superseded' | 'canceled' | 'expired' | 'paid' | 'failed';

/** Statuses in which a link still stands for the bill: at most one per bill (a unique index enforces it). */
export const LIVE_LINK_STATUSES: readonly PaymentLinkStatus[] = ['creating', 'active'];

// A payment can land on a link we already gave up on (the guest paid just before the cancel reached
// the provider): the money is real, so superseded/canceled/expired links may still become paid.
const TRANSITIONS: TransitionTable<PaymentLinkStatus> = {
  creating: ['active', 'failed', 'paid'],
  active: ['superseded', 'canceled', 'expired', 'paid'],
  superseded: ['canceled', 'expired', 'paid'],
  canceled: ['paid'],
  expired: ['paid'],
  paid: [],
  failed: ['paid'],
};

export interface PaymentLinkProps {
  id: string;
  siteId: string;
  billId: string;
  billExternalId: string;
  billVersion: string;
  billFingerprint: string;
  /** 1 for the first link of a bill version, 2 when re-issued for the same version... */
  attempt: number;
  merchantOrderId: string;
  amount: Money;
  status: PaymentLinkStatus;
  providerOrderId?: string;
  paymentUrl?: string;
  expiresAt: Date;
  statusReason?: string;
  createdAt: Date;
  updatedAt: Date;
}

export class PaymentLink implements PaymentLinkProps {
  readonly id!: string;
  readonly siteId!: string;
  readonly billId!: string;
  readonly billExternalId!: string;
  readonly billVersion!: string;
  readonly billFingerprint!: string;
  readonly attempt!: number;
  readonly merchantOrderId!: string;
  readonly amount!: Money;
  status!: PaymentLinkStatus;
  providerOrderId?: string;
  paymentUrl?: string;
  expiresAt!: Date;
  statusReason?: string;
  readonly createdAt!: Date;
  updatedAt!: Date;

  constructor(props: PaymentLinkProps) {
    Object.assign(this, props);
  }

  /** Deterministic, so creating the provider order is idempotent: a retry hits the same merchantOrderId. */
  static merchantOrderIdFor(
    siteId: string,
    billExternalId: string,
    billVersion: string,
    attempt: number,
  ): string {
    const base = `${siteId}:${billExternalId}:v${billVersion}`;
    return attempt > 1 ? `${base}.${attempt}` : base;
  }

  isLive(): boolean {
    return LIVE_LINK_STATUSES.includes(this.status);
  }

  isUsable(now: Date): boolean {
    return this.status === 'active' && this.expiresAt.getTime() > now.getTime() && !!this.paymentUrl;
  }

  activate(order: { providerOrderId: string; paymentUrl: string; expiresAt?: Date }, now: Date): void {
    this.move('active', now);
    this.providerOrderId = order.providerOrderId;
    this.paymentUrl = order.paymentUrl;
    if (order.expiresAt) this.expiresAt = order.expiresAt;
  }

  supersede(reason: string, now: Date): void {
    this.move('superseded', now, reason);
  }

  cancel(now: Date, reason?: string): void {
    this.move('canceled', now, reason ?? this.statusReason);
  }

  expire(now: Date): void {
    this.move('expired', now);
  }

  markPaid(now: Date): void {
    this.move('paid', now);
  }

  fail(reason: string, now: Date): void {
    this.move('failed', now, reason);
  }

  canMoveTo(to: PaymentLinkStatus): boolean {
    return TRANSITIONS[this.status].includes(to);
  }

  private move(to: PaymentLinkStatus, now: Date, reason?: string): void {
    assertTransition('PaymentLink', TRANSITIONS, this.status, to, this.id);
    this.status = to;
    this.statusReason = reason;
    this.updatedAt = now;
  }
}
