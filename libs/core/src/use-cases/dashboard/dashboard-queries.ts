import { Injectable } from '@nestjs/common';
import { Bill } from '../../domain/bill';
import { Money } from '../../domain/money';
import { Payment } from '../../domain/payment';
import { PaymentLink } from '../../domain/payment-link';
import { BillNotFoundError } from '../../errors/domain.errors';
import { Settlement } from '../../domain/settlement';
import { Clock } from '../../ports/clock.port';
import { Store, StoredAuditEvent } from '../../ports/store.port';
import { mapWithConcurrency } from '../shared/concurrency';
import { refundableExcess } from '../refund-excess/refund-excess.use-case';
import { BillActivity, BoardStatus, boardStatusOf } from './board-status';

export interface FloorEntry extends BillActivity {
  status: BoardStatus;
}

/** Every open bill, and the most recently closed ones, with what staff need to know about each. */
@Injectable()
export class GetFloor {
  constructor(
    private readonly store: Store,
    private readonly clock: Clock,
  ) {}

  async execute(input: { siteId?: string; recentClosed?: number }): Promise<FloorEntry[]> {
    const [open, closed] = await Promise.all([
      this.store.bills.list({ siteId: input.siteId, status: 'open' }, { limit: 500 }),
      this.store.bills.list({ siteId: input.siteId, status: 'closed' }, { limit: input.recentClosed ?? 30 }),
    ]);
    const now = this.clock.now();
    return mapWithConcurrency([...open, ...closed], 8, async (bill) => {
      const [liveLink, payments, settlements] = await Promise.all([
        this.store.links.findLiveByBill(bill.id),
        this.store.payments.listByBill(bill.id),
        this.store.settlements.listByBill(bill.id),
      ]);
      const activity: BillActivity = { bill, liveLink, payments, settlements };
      return { ...activity, status: boardStatusOf(activity, now) };
    });
  }
}

export interface AttentionSettlement {
  settlement: Settlement;
  payment: Payment | null;
  bill: Bill | null;
}

export interface AttentionPayment {
  payment: Payment;
  settlement: Settlement | null;
  bill: Bill | null;
  refundable: Money;
}

export interface Attention {
  settlements: AttentionSettlement[];
  /** Overpayments whose settlement went through: the difference waits for a refund or a decision. */
  payments: AttentionPayment[];
}

@Injectable()
export class ListAttention {
  constructor(private readonly store: Store) {}

  async execute(input: { siteId?: string }): Promise<Attention> {
    const [settlements, excess] = await Promise.all([
      this.store.settlements.list({ siteId: input.siteId, statuses: ['needs_attention'] }, { limit: 200 }),
      this.store.payments.listWithOpenExcess(input.siteId, { limit: 200 }),
    ]);
    const bills = new Map<string, Promise<Bill | null>>();
    const billOf = (id: string) => {
      if (!bills.has(id)) bills.set(id, this.store.bills.findById(id));
      return bills.get(id) as Promise<Bill | null>;
    };
    const attentionSettlements = await mapWithConcurrency(settlements, 8, async (settlement) => ({
      settlement,
      payment: await this.store.payments.findById(settlement.paymentId),
      bill: await billOf(settlement.billId),
    }));
    const payments = await mapWithConcurrency(excess, 8, async (payment) => {
      const settlement = await this.store.settlements.findByPaymentId(payment.id);
      return {
        payment,
        settlement,
        bill: await billOf(payment.billId),
        refundable: refundableExcess(payment, settlement),
      };
    });
    return {
      settlements: attentionSettlements,
      payments: payments.filter((p) => p.settlement?.status === 'applied' && p.refundable.isPositive()),
    };
  }
}

export interface EventQuery {
  siteId?: string;
  types?: string[];
  since?: Date;
  limit?: number;
  offset?: number;
}

@Injectable()
export class ListEvents {
  constructor(private readonly store: Store) {}

  execute(input: EventQuery): Promise<StoredAuditEvent[]> {
    return this.store.events.list(
      { siteId: input.siteId, types: input.types, since: input.since },
      { limit: Math.min(input.limit ?? 200, 1000), offset: input.offset },
    );
  }
}

export interface LatencyPoint {
  at: Date;
  siteId: string;
  billId?: string;
  latencyMs: number;
}

const LATENCY_PAGE = 500;
const LATENCY_MAX_POINTS = 5_000;

/** Payment notification → applied at the POS/PMS, from the `latencyMs` of each `settlement.applied` event. */
@Injectable()
export class GetSettlementLatency {
  constructor(
    private readonly store: Store,
    private readonly clock: Clock,
  ) {}

  async execute(input: {
    hours: number;
    siteId?: string;
  }): Promise<{ from: Date; to: Date; points: LatencyPoint[] }> {
    const to = this.clock.now();
    const from = new Date(to.getTime() - input.hours * 3_600_000);
    const points: LatencyPoint[] = [];
    for (let offset = 0; points.length < LATENCY_MAX_POINTS; offset += LATENCY_PAGE) {
      const page = await this.store.events.list(
        { siteId: input.siteId, types: ['settlement.applied'], since: from },
        { limit: LATENCY_PAGE, offset },
      );
      for (const event of page) {
        const latencyMs = event.data.latencyMs;
        if (typeof latencyMs === 'number' && Number.isFinite(latencyMs)) {
          points.push({ at: event.at, siteId: event.siteId, billId: event.billId, latencyMs });
        }
      }
      if (page.length < LATENCY_PAGE) break;
    }
    return { from, to, points: points.slice(0, LATENCY_MAX_POINTS) };
  }
}

/** The event type the daily reconciliation appends its report as; the dashboard shows what is there. */
export const RECONCILIATION_REPORT_EVENT = 'reconciliation.report';

@Injectable()
export class ListReconciliationReports {
  constructor(
    private readonly store: Store,
    private readonly clock: Clock,
  ) {}

  async execute(input: { siteId?: string; days: number }): Promise<StoredAuditEvent[]> {
    const since = new Date(this.clock.now().getTime() - input.days * 86_400_000);
    const reports = await this.store.events.list(
      { siteId: input.siteId, types: [RECONCILIATION_REPORT_EVENT], since },
      { limit: 500 },
    );
    return reports.reverse();
  }
}

/** The link a printed QR should carry now: the bill's live link, while a guest can still pay it. */
@Injectable()
export class GetActiveLink {
  constructor(
    private readonly store: Store,
    private readonly clock: Clock,
  ) {}

  async execute(input: { billId: string }): Promise<{ bill: Bill; link: PaymentLink | null }> {
    const bill = await this.store.bills.findById(input.billId);
    if (!bill)
      throw new BillNotFoundError(`Bill ${input.billId} not found`, { metadata: { billId: input.billId } });
    const link = await this.store.links.findLiveByBill(bill.id);
    return { bill, link: link?.isUsable(this.clock.now()) ? link : null };
  }
}
