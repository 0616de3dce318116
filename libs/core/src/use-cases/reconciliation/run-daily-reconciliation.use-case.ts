import { setTimeout as delay } from 'node:timers/promises';
import { Injectable, Logger } from '@nestjs/common';
import { Bill, BillSnapshot } from '../../domain/bill';
import { Money } from '../../domain/money';
import { Payment } from '../../domain/payment';
import { Settlement } from '../../domain/settlement';
import { DomainRuleError } from '../../errors/domain.errors';
import { UpstreamRejectedError } from '../../errors/upstream.errors';
import { Clock } from '../../ports/clock.port';
import { JobLock } from '../../ports/job-lock.port';
import {
  ListedRefund,
  PaymentProvider,
  PaymentProviderRegistry,
  ProviderOrder,
} from '../../ports/payment-provider.port';
import { PosAdapter, PosAdapterRegistry } from '../../ports/pos-adapter.port';
import { SiteDirectory, SiteProfile } from '../../ports/site-directory.port';
import { Store, StoredAuditEvent } from '../../ports/store.port';
import { RECONCILIATION_REPORT_EVENT } from '../dashboard/dashboard-queries';
import { RefundExcess, excessRefundId, refundableExcess } from '../refund-excess/refund-excess.use-case';
import { describeError } from '../shared/audit';
import { mapWithConcurrency } from '../shared/concurrency';
import { LinkCanceller } from '../shared/link-canceller';
import { assertReportDate, dayRange } from './day-range';
import {
  MismatchAction,
  MismatchKind,
  ReconciliationMismatch,
  ReconciliationReport,
  ReconciliationTotals,
  reconciliationCsv,
} from './reconciliation-report';
import { ReconciliationPolicy, ReconciliationReportFiles, ReconciliationStore } from './reconciliation.ports';

export interface RunDailyReconciliationInput {
  /** All sites when absent. */
  siteId?: string;
  /** The site's calendar day, YYYY-MM-DD. */
  date: string;
}

/** Renewed while the run lasts: it only has to outlive the gap between renewals. */
const LOCK_TTL_MS = 60_000;
const LOCK_POLL_MS = 250;
const OPERATOR = 'reconciliation';
const EVENT_PAGE = 500;
const EVENT_ITEMS = 20;
/** Money that may go back to the guest: refunded automatically where the site allows it. */
const REFUNDABLE_KINDS: ReadonlySet<MismatchKind> = new Set([
  'overpaid',
  'paid_twice',
  'closed_at_pos_but_paid_online',
]);
/** The bill is closed, gone or owes nothing: the payment cannot go to it. */
const NOT_PAYABLE_REASONS: ReadonlySet<string> = new Set(['bill_closed', 'bill_not_found', 'nothing_due']);

interface Run {
  site: SiteProfile;
  provider: PaymentProvider;
  pos: PosAdapter;
  /** The day's payments by id. */
  payments: Map<string, Payment>;
  /** Payments already reported against Invoicebox: the POS/PMS check does not report them again. */
  reported: Set<string>;
}

interface BillCheck {
  mismatches: ReconciliationMismatch[];
  readable: boolean;
  verified: number;
  unverifiable: number;
  applied: Money[];
}

/**
 * The daily three-way reconciliation of one site and day: what Invoicebox completed and refunded, what the
 * bridge recorded, and what the POS/PMS shows now for the bills involved. Every difference becomes a line
 * of the report (database, JSON and CSV files, an audit event that alerts staff). Money that should go back
 * to the guest is refunded through Invoicebox where the site allows it; otherwise it waits for a person.
 * One run per site and day at a time; a run that finds another one going waits for it and returns its report.
 */
@Injectable()
export class RunDailyReconciliation {
  private readonly logger = new Logger(RunDailyReconciliation.name);

  constructor(
    private readonly store: Store,
    private readonly reports: ReconciliationStore,
    private readonly files: ReconciliationReportFiles,
    private readonly sites: SiteDirectory,
    private readonly providers: PaymentProviderRegistry,
    private readonly posRegistry: PosAdapterRegistry,
    private readonly clock: Clock,
    private readonly jobLock: JobLock,
    private readonly refundExcess: RefundExcess,
    private readonly canceller: LinkCanceller,
    private readonly policy: ReconciliationPolicy,
  ) {}

  async execute(input: RunDailyReconciliationInput): Promise<ReconciliationReport[]> {
    assertReportDate(input.date);
    const sites = input.siteId !== undefined ? [this.sites.get(input.siteId)] : this.sites.list();
    const reports: ReconciliationReport[] = [];
    for (const site of sites) reports.push(await this.runOnce(site, input.date));
    return reports;
  }

  private async runOnce(site: SiteProfile, date: string): Promise<ReconciliationReport> {
    const requestedAt = this.clock.now().getTime();
    const giveUpAt = Date.now() + this.policy.waitForOtherRunMs;
    for (;;) {
      const run = await this.jobLock.tryRun(`reconciliation:${site.id}:${date}`, LOCK_TTL_MS, async () => {
        const done = await this.reports.findReport(site.id, date);
        // Finished by another process while this one waited: its report is the answer, not a second run.
        if (done && Date.parse(done.generatedAt) >= requestedAt) return done;
        return this.reconcile(site, date);
      });
      if (run.ran) return run.result;
      if (Date.now() >= giveUpAt) {
        throw new DomainRuleError('Another reconciliation of this site and day is still running', {
          metadata: { siteId: site.id, date },
        });
      }
      await delay(LOCK_POLL_MS);
    }
  }

  private async reconcile(site: SiteProfile, date: string): Promise<ReconciliationReport> {
    const { from, to } = dayRange(date, this.policy.timeZone);
    const run: Run = {
      site,
      provider: this.providers.forSite(site.id),
      pos: this.posRegistry.forSite(site.id),
      payments: new Map(),
      reported: new Set(),
    };
    const within = (at: Date | undefined) =>
      at !== undefined && at.getTime() >= from.getTime() && at.getTime() < to.getTime();

    const activity = await run.provider.listActivity({ from, to });
    const completed = activity.orders.filter(
      (order) => order.status === 'completed' && within(order.paidAt ?? order.createdAt),
    );
    for (const payment of await this.reports.listPaymentsPaidBetween(site.id, from, to))
      run.payments.set(payment.id, payment);

    const mismatches: ReconciliationMismatch[] = [];
    mismatches.push(...(await this.checkInvoiceboxAgainstBridge(run, completed)));
    mismatches.push(...(await this.checkBridgeAgainstInvoicebox(run, completed)));

    const billIds = [...new Set([...run.payments.values()].map((p) => p.billId))];
    const checks = await mapWithConcurrency(billIds, this.policy.concurrency, (billId) =>
      this.checkBill(run, billId),
    );
    for (const check of checks) mismatches.push(...check.mismatches);

    const bridgeRefunds = await this.refundEventsBetween(site.id, from, to);
    mismatches.push(...(await this.checkRefunds(run, activity.refunds, bridgeRefunds)));

    for (const mismatch of mismatches) await this.act(run, mismatch);

    const currency = site.currency;
    const sum = (items: Money[]) => Money.sum(items, currency).toJSON();
    const dayPayments = [...run.payments.values()];
    const settlements = await Promise.all(
      dayPayments.map((p) => this.store.settlements.findByPaymentId(p.id)),
    );
    const totals: ReconciliationTotals = {
      invoicebox: {
        completedOrders: completed.length,
        completed: sum(completed.map((o) => o.amount)),
        refunds: activity.refunds.filter((r) => r.status !== 'canceled').length,
        refunded: sum(activity.refunds.filter((r) => r.status !== 'canceled').map((r) => r.amount)),
      },
      bridge: {
        payments: dayPayments.length,
        paid: sum(dayPayments.map((p) => p.amount)),
        applied: settlements.filter((s) => s?.status === 'applied').length,
        appliedAmount: sum(checks.flatMap((c) => c.applied)),
        waitingForPerson: settlements.filter((s) => s?.status === 'needs_attention').length,
        refunds: bridgeRefunds.length,
        refunded: sum(bridgeRefunds.map((e) => Money.of(numberOr(e.data.refundMinor, 0), currency))),
      },
      pos: {
        billsChecked: checks.length,
        billsUnreadable: checks.filter((c) => !c.readable).length,
        paymentsVerified: checks.reduce((n, c) => n + c.verified, 0),
        paymentsUnverifiable: checks.reduce((n, c) => n + c.unverifiable, 0),
      },
    };
    const byKind: Partial<Record<MismatchKind, number>> = {};
    for (const m of mismatches) byKind[m.kind] = (byKind[m.kind] ?? 0) + 1;

    const report: ReconciliationReport = {
      id: `${site.id}:${date}`,
      siteId: site.id,
      date,
      timeZone: this.policy.timeZone,
      from: from.toISOString(),
      to: to.toISOString(),
      generatedAt: this.clock.now().toISOString(),
      status: mismatches.length === 0 ? 'clean' : 'mismatches',
      totals,
      byKind,
      mismatches,
    };
    const csv = reconciliationCsv(report);
    try {
      report.files = await this.files.write(report, { json: JSON.stringify(report, null, 2), csv });
    } catch (error) {
      report.filesError = describeError(error).message;
      this.logger.warn({ siteId: site.id, date, err: describeError(error) }, 'Report files not written');
    }
    await this.reports.saveReport(report, csv);
    await this.store.events.append({
      at: this.clock.now(),
      siteId: site.id,
      type: RECONCILIATION_REPORT_EVENT,
      data: {
        reportId: report.id,
        date,
        status: report.status,
        mismatches: mismatches.length,
        byKind,
        waitingForPerson: mismatches.filter((m) => m.action === 'waiting_for_person').length,
        totals,
        items: mismatches.slice(0, EVENT_ITEMS).map((m) => ({
          kind: m.kind,
          bill: m.billLabel ?? m.billExternalId,
          amount: m.amount,
          action: m.action,
        })),
        ...(report.files ? { files: report.files } : {}),
      },
    });
    return report;
  }

  private async checkInvoiceboxAgainstBridge(
    run: Run,
    completed: ProviderOrder[],
  ): Promise<ReconciliationMismatch[]> {
    const byOrder = new Map([...run.payments.values()].map((p) => [p.providerOrderId, p]));
    const found: ReconciliationMismatch[] = [];
    for (const order of completed) {
      if (byOrder.has(order.providerOrderId)) continue;
      const known = await this.store.payments.findByProviderOrder(order.providerOrderId, order.rawStatus);
      if (known) {
        // Recorded with another day's date (a late notification): it belongs to this day's check all the same.
        run.payments.set(known.id, known);
        continue;
      }
      found.push(await this.recordMissed(run, order));
    }
    return found;
  }

  /** A completed order with no payment: recorded through the normal path when the bridge knows its link. */
  private async recordMissed(run: Run, order: ProviderOrder): Promise<ReconciliationMismatch> {
    const link =
      (await this.store.links.findByProviderOrderId(order.providerOrderId)) ??
      (order.merchantOrderId ? await this.store.links.findByMerchantOrderId(order.merchantOrderId) : null);
    const base = {
      kind: 'confirmed_unknown_to_bridge' as const,
      providerOrderId: order.providerOrderId,
      amount: order.amount.toJSON(),
    };
    if (!link || link.siteId !== run.site.id) {
      return {
        ...base,
        paymentIds: [],
        detail: `Invoicebox completed order ${order.merchantOrderId || order.providerOrderId}; no payment link of the bridge matches it`,
        action: 'waiting_for_person',
      };
    }
    const bill = await this.store.bills.findById(link.billId);
    try {
      await this.canceller.applyProviderOrder(link, order, 'replay');
    } catch (error) {
      this.logger.warn({ providerOrderId: order.providerOrderId, err: describeError(error) }, 'Not recorded');
    }
    const recorded = await this.store.payments.findByProviderOrder(order.providerOrderId, order.rawStatus);
    return {
      ...base,
      ...billFields(bill),
      paymentIds: recorded ? [recorded.id] : [],
      detail: recorded
        ? 'The payment notification never arrived; the payment is recorded now and goes to the POS/PMS'
        : 'The payment notification never arrived, and recording it now was refused (see the bill events)',
      action: recorded ? 'recorded' : 'waiting_for_person',
    };
  }

  private async checkBridgeAgainstInvoicebox(
    run: Run,
    completed: ProviderOrder[],
  ): Promise<ReconciliationMismatch[]> {
    const completedIds = new Set(completed.map((o) => o.providerOrderId));
    const found: ReconciliationMismatch[] = [];
    for (const payment of run.payments.values()) {
      if (completedIds.has(payment.providerOrderId)) continue;
      let status: string;
      try {
        const order = await run.provider.getOrder(payment.providerOrderId);
        if (order.status === 'completed') continue;
        status = order.rawStatus;
      } catch (error) {
        if (!(error instanceof UpstreamRejectedError)) throw error;
        status = 'unknown';
      }
      const [settlement, bill] = await Promise.all([
        this.store.settlements.findByPaymentId(payment.id),
        this.store.bills.findById(payment.billId),
      ]);
      const applied = settlement?.status === 'applied';
      run.reported.add(payment.id);
      found.push({
        kind: applied ? 'applied_without_confirmed_payment' : 'unconfirmed_payment',
        ...billFields(bill),
        paymentIds: [payment.id],
        providerOrderId: payment.providerOrderId,
        amount: payment.amount.toJSON(),
        detail: `Invoicebox shows the order ${status}${applied ? ', yet the payment was applied at the POS/PMS' : ''}`,
        action: 'none',
      });
    }
    return found;
  }

  private async checkBill(run: Run, billId: string): Promise<BillCheck> {
    const [bill, payments, settlements] = await Promise.all([
      this.store.bills.findById(billId),
      this.store.payments.listByBill(billId),
      this.store.settlements.listByBill(billId),
    ]);
    const check: BillCheck = { mismatches: [], readable: true, verified: 0, unverifiable: 0, applied: [] };
    let snapshot: BillSnapshot | null = null;
    if (bill) {
      try {
        snapshot = await run.pos.getBill({ externalId: bill.externalId, attributes: bill.attributes });
      } catch (error) {
        check.readable = false;
        this.logger.warn({ billId, err: describeError(error) }, 'Bill not readable for the reconciliation');
      }
    }
    const about = billFields(bill);
    const settlementOf = (payment: Payment) => settlements.find((s) => s.paymentId === payment.id) ?? null;

    const standing = payments.filter((p) => p.amount.greaterThan(p.refundedAmount));
    const net = Money.sum(
      standing.map((p) => p.amount.subtract(p.refundedAmount)),
      run.site.currency,
    );
    const total = snapshot?.total ?? bill?.total;
    const twice =
      total !== undefined &&
      standing.length >= 2 &&
      net.greaterThan(total) &&
      standing.some((p) => run.payments.has(p.id));
    if (twice && total) {
      check.mismatches.push({
        kind: 'paid_twice',
        ...about,
        paymentIds: standing.map((p) => p.id),
        amount: net.subtract(total).toJSON(),
        detail: `${standing.length} payments of ${net.toString()} in all for a bill of ${total.toString()}`,
        action: 'none',
      });
    }

    for (const payment of standing) {
      if (!run.payments.has(payment.id) || run.reported.has(payment.id)) continue;
      const settlement = settlementOf(payment);
      if (settlement?.status === 'resolved') continue;
      if (settlement?.status === 'applied') {
        check.applied.push(settlement.appliedAmount ?? settlement.amount);
        if (bill && check.readable) await this.verifyApplied(run, bill, settlement, settlements, check);
        if (payment.excessStatus === 'open' || payment.excessStatus === 'refund_pending') {
          check.mismatches.push({
            kind: 'overpaid',
            ...about,
            paymentIds: [payment.id],
            providerOrderId: payment.providerOrderId,
            amount: payment.excess.toJSON(),
            detail: `Paid ${payment.amount.toString()}, the POS/PMS took ${(settlement.appliedAmount ?? payment.amount).toString()}`,
            action: 'none',
          });
        }
        continue;
      }
      if (twice) continue;
      const reason = settlement?.attentionReason;
      const billOpen = check.readable ? snapshot?.status === 'open' : bill?.status === 'open';
      const open = billOpen && !(reason && NOT_PAYABLE_REASONS.has(reason));
      check.mismatches.push({
        kind: open ? 'paid_but_open' : 'closed_at_pos_but_paid_online',
        ...about,
        paymentIds: [payment.id],
        providerOrderId: payment.providerOrderId,
        amount: payment.amount.subtract(payment.refundedAmount).toJSON(),
        detail:
          `Settlement ${settlement?.status ?? 'missing'}${reason ? ` (${reason})` : ''}; ` +
          `the bill is ${open ? 'open' : 'closed'} at the POS/PMS${check.readable ? '' : ' (as last seen: the POS/PMS did not answer)'}`,
        action: 'none',
      });
    }
    return check;
  }

  /** Reads the POS/PMS back for an applied settlement: is its payment really there? */
  private async verifyApplied(
    run: Run,
    bill: Bill,
    settlement: Settlement,
    settlements: Settlement[],
    check: BillCheck,
  ): Promise<void> {
    const others = settlements
      .filter((s) => s.id !== settlement.id && s.status === 'applied' && s.externalRef)
      .map((s) => s.externalRef ?? '');
    try {
      const lookup = await run.pos.findAppliedPayment({
        bill: { externalId: bill.externalId, attributes: bill.attributes },
        paymentId: settlement.paymentId,
        amount: settlement.appliedAmount ?? settlement.amount,
        mode: settlement.mode ?? 'close',
        sentAt: settlement.sentAt ?? settlement.appliedAt ?? settlement.createdAt,
        excludeExternalRefs: others,
      });
      if (lookup.status === 'found') check.verified += 1;
      else if (lookup.status === 'undeterminable') check.unverifiable += 1;
      else {
        check.mismatches.push({
          kind: 'applied_missing_at_pos',
          ...billFields(bill),
          paymentIds: [settlement.paymentId],
          amount: (settlement.appliedAmount ?? settlement.amount).toJSON(),
          detail: `The bridge applied it (${settlement.externalRef ?? 'no reference'}), the POS/PMS shows no such payment`,
          action: 'none',
        });
      }
    } catch (error) {
      check.unverifiable += 1;
      this.logger.warn({ settlementId: settlement.id, err: describeError(error) }, 'Payment not read back');
    }
  }

  private async checkRefunds(
    run: Run,
    providerRefunds: ListedRefund[],
    bridgeRefunds: StoredAuditEvent[],
  ): Promise<ReconciliationMismatch[]> {
    const found: ReconciliationMismatch[] = [];
    const byRefundId = new Map(providerRefunds.map((r) => [r.refundId, r]));
    for (const refund of providerRefunds) {
      if (refund.status === 'canceled') continue;
      const payment =
        [...run.payments.values()].find((p) => p.providerOrderId === refund.providerOrderId) ??
        (await this.store.payments.findByProviderOrder(refund.providerOrderId, 'completed'));
      const bill = payment ? await this.store.bills.findById(payment.billId) : null;
      const base = {
        ...billFields(bill),
        paymentIds: payment ? [payment.id] : [],
        providerOrderId: refund.providerOrderId,
        amount: refund.amount.toJSON(),
        action: 'none' as const,
      };
      if (!payment || refund.refundId !== excessRefundId(payment.id)) {
        found.push({
          ...base,
          kind: 'refund_unknown_to_bridge',
          detail: `Invoicebox refund ${refund.refundId} (${refund.status}) was not made by the bridge`,
        });
      } else if (refund.status === 'completed' && payment.excessStatus !== 'refunded') {
        found.push({
          ...base,
          kind: 'refund_mismatch',
          detail: `Invoicebox completed the refund; the bridge shows the excess ${payment.excessStatus}`,
        });
      } else if (payment.excessStatus === 'refunded' && !payment.refundedAmount.equals(refund.amount)) {
        found.push({
          ...base,
          kind: 'refund_mismatch',
          detail: `Invoicebox refunded ${refund.amount.toString()}, the bridge recorded ${payment.refundedAmount.toString()}`,
        });
      }
    }
    for (const event of bridgeRefunds) {
      const refundId = typeof event.data.refundId === 'string' ? event.data.refundId : '';
      if (byRefundId.has(refundId)) continue;
      const bill = event.billId ? await this.store.bills.findById(event.billId) : null;
      found.push({
        kind: 'refund_missing_at_provider',
        ...billFields(bill),
        paymentIds: event.paymentId ? [event.paymentId] : [],
        providerOrderId:
          typeof event.data.providerOrderId === 'string' ? event.data.providerOrderId : undefined,
        amount: Money.of(numberOr(event.data.refundMinor, 0), run.site.currency).toJSON(),
        detail: `The bridge recorded refund ${refundId}; Invoicebox lists no such refund that day`,
        action: 'none',
      });
    }
    return found;
  }

  private async refundEventsBetween(siteId: string, from: Date, to: Date): Promise<StoredAuditEvent[]> {
    const events: StoredAuditEvent[] = [];
    for (let offset = 0; ; offset += EVENT_PAGE) {
      const page = await this.store.events.list(
        { siteId, types: ['payment.refunded'], since: from },
        { limit: EVENT_PAGE, offset },
      );
      events.push(...page.filter((e) => e.at.getTime() < to.getTime()));
      if (page.length < EVENT_PAGE) break;
    }
    return events.map((event) => ({ ...event, data: { ...event.data, refundMinor: refundMinorOf(event) } }));
  }

  /** Refunds what may go back where the site allows it; everything else is left for a person. */
  private async act(run: Run, mismatch: ReconciliationMismatch): Promise<void> {
    if (mismatch.action !== 'none') return;
    if (!REFUNDABLE_KINDS.has(mismatch.kind)) {
      mismatch.action = 'waiting_for_person';
      return;
    }
    const actions: MismatchAction[] = [];
    for (const paymentId of mismatch.paymentIds) {
      const payment = await this.store.payments.findById(paymentId);
      if (!payment) continue;
      const settlement = await this.store.settlements.findByPaymentId(paymentId);
      if (payment.excessStatus === 'refunded') actions.push('refunded');
      else if (
        !refundableExcess(payment, settlement).isPositive() &&
        payment.excessStatus !== 'refund_pending'
      )
        continue;
      else if (!run.site.autoRefundExcess) actions.push('waiting_for_person');
      else actions.push(await this.refund(paymentId));
    }
    mismatch.action = worstOf(actions);
  }

  private async refund(paymentId: string): Promise<MismatchAction> {
    try {
      const result = await this.refundExcess.execute({ paymentId, operator: OPERATOR });
      return result.status === 'refunded' ? 'refunded' : 'refund_pending';
    } catch (error) {
      const payment = await this.store.payments.findById(paymentId);
      if (payment?.excessStatus === 'refunded') return 'refunded';
      if (payment?.excessStatus === 'refund_pending') return 'refund_in_progress';
      this.logger.warn({ paymentId, err: describeError(error) }, 'Automatic refund failed');
      return 'refund_failed';
    }
  }
}

const ACTION_ORDER: readonly MismatchAction[] = [
  'refund_failed',
  'waiting_for_person',
  'refund_in_progress',
  'refund_pending',
  'refunded',
  'recorded',
  'none',
];

/** The action a person must know about first; no refundable money left at all still needs a look. */
function worstOf(actions: MismatchAction[]): MismatchAction {
  if (actions.length === 0) return 'waiting_for_person';
  return ACTION_ORDER.find((a) => actions.includes(a)) ?? 'waiting_for_person';
}

function billFields(bill: Bill | null): { billId?: string; billExternalId?: string; billLabel?: string } {
  return bill ? { billId: bill.id, billExternalId: bill.externalId, billLabel: bill.label } : {};
}

function numberOr(value: unknown, fallback: number): number {
  return typeof value === 'number' && Number.isSafeInteger(value) ? value : fallback;
}

/** `payment.refunded` carries the refund as Money JSON (`refund: { amount, currency }`). */
function refundMinorOf(event: StoredAuditEvent): number {
  const refund = event.data.refund;
  if (typeof refund === 'object' && refund !== null && 'amount' in refund) return numberOr(refund.amount, 0);
  return 0;
}
