import {
  CoreTestbed,
  InMemoryReconciliationStore,
  MapPosRegistry,
  MapProviderRegistry,
  MemoryReportFiles,
  StaticSiteDirectory,
  createCoreTestbed,
} from '@bridge/testing';
import { InProcessJobLock } from '../../ports/job-lock.port';
import { Money } from '../../domain/money';
import { paymentEvent } from '../shared/audit';
import { LinkCanceller } from '../shared/link-canceller';
import { RefundExcess, excessRefundId } from '../refund-excess/refund-excess.use-case';
import { ListReconciliationReports } from '../dashboard/dashboard-queries';
import { dayRange, localDate, previousDate } from './day-range';
import { MismatchKind, ReconciliationReport } from './reconciliation-report';
import { ReconciliationPolicy } from './reconciliation.ports';
import { RunDailyReconciliation } from './run-daily-reconciliation.use-case';

// The testbed's manual clock: 2026-11-28 12:00 UTC, 15:00 in Moscow.
const DAY = '2026-11-28';

function build(tb: CoreTestbed) {
  tb.provider.clock = () => tb.clock.now();
  const jobLock = new InProcessJobLock();
  const providers = new MapProviderRegistry(new Map([[tb.site.id, tb.provider]]));
  const reports = new InMemoryReconciliationStore(tb.store);
  const files = new MemoryReportFiles();
  const refund = new RefundExcess(tb.store, providers, tb.clock, jobLock);
  const canceller = new LinkCanceller(tb.store, providers, tb.clock, tb.useCases.accept);
  const sut = new RunDailyReconciliation(
    tb.store,
    reports,
    files,
    new StaticSiteDirectory([tb.site]),
    providers,
    new MapPosRegistry(new Map([[tb.site.id, tb.pos]])),
    tb.clock,
    jobLock,
    refund,
    canceller,
    new ReconciliationPolicy({ timeZone: 'Europe/Moscow' }),
  );
  return { sut, reports, files };
}

async function openBill(tb: CoreTestbed, table: string, priceMinor = 45000) {
  const externalId = tb.pos.openOrder(table, [{ name: 'Борщ', priceMinor }]);
  await tb.useCases.sync.execute({ siteId: tb.site.id });
  const bill = await tb.store.bills.findByExternalId(tb.site.id, externalId);
  if (!bill) throw new Error('bill not synced');
  return { externalId, bill };
}

async function issueAndPay(tb: CoreTestbed, billId: string, deliver = true) {
  const { link } = await tb.useCases.issue.execute({ billId });
  const signed = tb.provider.pay(link.providerOrderId ?? '');
  if (deliver) {
    await tb.useCases.receive.execute({
      siteId: tb.site.id,
      rawBody: signed.rawBody,
      headers: signed.headers,
      channel: 'webhook',
    });
  }
  return link;
}

function kinds(report: ReconciliationReport): MismatchKind[] {
  return report.mismatches.map((m) => m.kind).sort();
}

describe('RunDailyReconciliation', () => {
  let tb: CoreTestbed;

  it('finds every kind of mismatch, refunds what the site allows, and keeps the report', async () => {
    tb = createCoreTestbed({ site: { autoRefundExcess: true } });
    const { sut, reports, files } = build(tb);

    const clean = await openBill(tb, '1');
    await issueAndPay(tb, clean.bill.id);
    const closed = await openBill(tb, '3');
    await issueAndPay(tb, closed.bill.id);
    tb.pos.closeAtPos(closed.externalId);
    const twice = await openBill(tb, '4');
    await issueAndPay(tb, twice.bill.id);
    await issueAndPay(tb, twice.bill.id);
    const over = await openBill(tb, '5');
    await issueAndPay(tb, over.bill.id);
    await tb.pos.applyPayment({
      bill: { externalId: over.externalId, attributes: {} },
      expectedVersion: '',
      paymentId: 'cash-at-the-table',
      providerOrderId: '',
      amount: Money.of(10000, 'RUB'),
      mode: 'prepayment',
    });
    const missed = await openBill(tb, '6');
    const missedLink = await issueAndPay(tb, missed.bill.id, false);
    const stranger = await tb.provider.createLink({
      merchantOrderId: 'made-in-the-cabinet',
      visibleOrderId: 'X',
      description: 'Not from the bridge',
      amount: Money.of(7000, 'RUB'),
      lines: (await tb.store.bills.findById(clean.bill.id))?.lines ?? [],
      fiscal: tb.site.fiscal,
      expiresAt: new Date(tb.clock.now().getTime() + 3_600_000),
      language: 'ru',
    });
    tb.provider.pay(stranger.order.providerOrderId);
    const forged = await openBill(tb, '7');
    const { link: forgedLink } = await tb.useCases.issue.execute({ billId: forged.bill.id });
    const unpaid = await tb.provider.getOrder(forgedLink.providerOrderId ?? '');
    const fake = tb.provider.notificationFor(unpaid, { status: 'completed' });
    await tb.useCases.receive.execute({
      siteId: tb.site.id,
      rawBody: fake.rawBody,
      headers: fake.headers,
      channel: 'webhook',
    });
    const voided = await openBill(tb, '8');
    await issueAndPay(tb, voided.bill.id);

    await tb.useCases.processDue.execute({ owner: 'test' });
    const [voidedPayment] = await tb.store.payments.listByBill(voided.bill.id);
    tb.pos.removePayment(voided.externalId, voidedPayment.id);

    const [report] = await sut.execute({ date: DAY });

    expect(kinds(report)).toEqual(
      [
        'applied_missing_at_pos',
        'applied_without_confirmed_payment',
        'closed_at_pos_but_paid_online',
        'confirmed_unknown_to_bridge',
        'confirmed_unknown_to_bridge',
        'overpaid',
        'paid_twice',
      ].sort(),
    );
    const byKind = (kind: MismatchKind) => report.mismatches.filter((m) => m.kind === kind);
    expect(byKind('paid_twice')[0]).toMatchObject({
      billId: twice.bill.id,
      amount: { amount: 45000 },
      action: 'refunded',
    });
    expect(byKind('overpaid')[0]).toMatchObject({
      billId: over.bill.id,
      amount: { amount: 10000 },
      action: 'refunded',
    });
    expect(byKind('closed_at_pos_but_paid_online')[0]).toMatchObject({
      billId: closed.bill.id,
      action: 'refunded',
    });
    expect(
      byKind('confirmed_unknown_to_bridge')
        .map((m) => m.action)
        .sort(),
    ).toEqual(['recorded', 'waiting_for_person']);
    expect(byKind('confirmed_unknown_to_bridge').find((m) => m.action === 'recorded')?.providerOrderId).toBe(
      missedLink.providerOrderId,
    );
    expect(byKind('applied_without_confirmed_payment')[0].billId).toBe(forged.bill.id);
    expect(byKind('applied_missing_at_pos')[0].billId).toBe(voided.bill.id);
    expect(tb.provider.calls.refund).toBe(3);

    expect(report.status).toBe('mismatches');
    expect(report.totals.invoicebox.completedOrders).toBe(8);
    expect(await reports.findReport(tb.site.id, DAY)).toEqual(report);
    expect(reports.csvOf(tb.site.id, DAY)?.split('\r\n')).toHaveLength(report.mismatches.length + 2);
    expect(JSON.parse(files.written.get(report.id)?.json ?? '{}')).toEqual({ ...report, files: undefined });
    const listed = await new ListReconciliationReports(tb.store, tb.clock).execute({ days: 1 });
    expect(listed.map((e) => e.data.reportId)).toEqual([report.id]);
  });

  it('reports a bill still open with money waiting, and leaves refunds to a person where the site wants that', async () => {
    tb = createCoreTestbed({ site: { autoRefundExcess: false } });
    const { sut } = build(tb);
    const open = await openBill(tb, '2');
    await issueAndPay(tb, open.bill.id);
    const closed = await openBill(tb, '3');
    await issueAndPay(tb, closed.bill.id);
    tb.pos.closeAtPos(closed.externalId);
    tb.pos.setLocked(open.externalId, true);
    await tb.useCases.processDue.execute({ owner: 'test' });

    const [report] = await sut.execute({ date: DAY });

    expect(report.mismatches).toHaveLength(2);
    expect(report.mismatches).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          kind: 'paid_but_open',
          billId: open.bill.id,
          action: 'waiting_for_person',
        }),
        expect.objectContaining({
          kind: 'closed_at_pos_but_paid_online',
          billId: closed.bill.id,
          action: 'waiting_for_person',
        }),
      ]),
    );
    expect(tb.provider.calls.refund).toBe(0);
  });

  it('compares the refunds of both ledgers', async () => {
    tb = createCoreTestbed({ site: { autoRefundExcess: false } });
    const { sut } = build(tb);
    const a = await openBill(tb, '1');
    const linkA = await issueAndPay(tb, a.bill.id);
    const b = await openBill(tb, '2');
    const linkB = await issueAndPay(tb, b.bill.id);
    const c = await openBill(tb, '3');
    await issueAndPay(tb, c.bill.id);
    tb.pos.closeAtPos(b.externalId);
    await tb.useCases.processDue.execute({ owner: 'test' });
    const [paymentB] = await tb.store.payments.listByBill(b.bill.id);
    const [paymentC] = await tb.store.payments.listByBill(c.bill.id);
    tb.provider.refundOutsideBridge(linkA.providerOrderId ?? '', Money.of(5000, 'RUB'));
    tb.provider.refundOutsideBridge(
      linkB.providerOrderId ?? '',
      Money.of(45000, 'RUB'),
      excessRefundId(paymentB.id),
    );
    await tb.store.events.append(
      paymentEvent(paymentC, 'payment.refunded', tb.clock.now(), {
        refundId: excessRefundId(paymentC.id),
        refund: Money.of(45000, 'RUB').toJSON(),
      }),
    );

    const [report] = await sut.execute({ date: DAY });

    expect(kinds(report)).toEqual(
      [
        'closed_at_pos_but_paid_online',
        'refund_mismatch',
        'refund_missing_at_provider',
        'refund_unknown_to_bridge',
      ].sort(),
    );
    expect(report.totals.invoicebox.refunds).toBe(2);
    expect(report.totals.bridge.refunds).toBe(1);
  });

  it('covers exactly the day of the site time zone, and a clean day says so', async () => {
    tb = createCoreTestbed();
    const { sut } = build(tb);
    const bill = await openBill(tb, '1');
    await issueAndPay(tb, bill.bill.id);
    await tb.useCases.processDue.execute({ owner: 'test' });

    const [today] = await sut.execute({ date: DAY });
    const [yesterday] = await sut.execute({ date: previousDate(DAY) });

    expect(today).toMatchObject({ status: 'clean', mismatches: [], timeZone: 'Europe/Moscow' });
    expect(today.totals.bridge).toMatchObject({ payments: 1, applied: 1, paid: { amount: 45000 } });
    expect(today.totals.pos).toMatchObject({ billsChecked: 1, paymentsVerified: 1 });
    expect(yesterday.totals.bridge.payments).toBe(0);
    expect(dayRange(DAY, 'Europe/Moscow')).toEqual({
      from: new Date('2026-11-27T21:00:00Z'),
      to: new Date('2026-11-28T21:00:00Z'),
    });
    expect(localDate(new Date('2026-11-28T21:30:00Z'), 'Europe/Moscow')).toBe('2026-11-29');
    await expect(sut.execute({ date: '2026-02-30' })).rejects.toThrow('YYYY-MM-DD');
  });

  it('runs once for concurrent callers: the second waits and returns the same report, and refunds once', async () => {
    tb = createCoreTestbed({ site: { autoRefundExcess: true } });
    const { sut } = build(tb);
    const closed = await openBill(tb, '3');
    await issueAndPay(tb, closed.bill.id);
    tb.pos.closeAtPos(closed.externalId);
    await tb.useCases.processDue.execute({ owner: 'test' });

    const [first, second] = await Promise.all([sut.execute({ date: DAY }), sut.execute({ date: DAY })]);

    expect(second).toEqual(first);
    expect(tb.provider.calls.refund).toBe(1);
    expect(tb.provider.calls.list).toBe(1);
  });
});
