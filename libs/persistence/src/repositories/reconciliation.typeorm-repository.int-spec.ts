import { ReconciliationReport } from '@bridge/core';
import { DataSource } from 'typeorm';
import { aBill, aLink, aPayment, aSettlement, at, rub } from '../testing/fixtures';
import { openMigrated } from '../testing/harness';
import { TEST_DRIVERS, TestDatabase, createTestDatabase } from '../testing/test-database';
import { TypeormReconciliationStore } from './reconciliation.typeorm-repository';
import { TypeormStore } from './typeorm-store';

function aReport(
  siteId: string,
  date: string,
  overrides: Partial<ReconciliationReport> = {},
): ReconciliationReport {
  const zero = { amount: 0, currency: 'RUB' };
  return {
    id: `${siteId}:${date}`,
    siteId,
    date,
    timeZone: 'Europe/Moscow',
    from: `${date}T00:00:00.000Z`,
    to: `${date}T23:59:59.999Z`,
    generatedAt: '2026-03-02T01:00:00.000Z',
    status: 'mismatches',
    totals: {
      invoicebox: { completedOrders: 1, completed: zero, refunds: 0, refunded: zero },
      bridge: {
        payments: 1,
        paid: zero,
        applied: 0,
        appliedAmount: zero,
        waitingForPerson: 0,
        refunds: 0,
        refunded: zero,
      },
      pos: { billsChecked: 1, billsUnreadable: 0, paymentsVerified: 0, paymentsUnverifiable: 0 },
    },
    byKind: { paid_but_open: 1 },
    mismatches: [
      {
        kind: 'paid_but_open',
        paymentIds: ['p1'],
        amount: { amount: 57050, currency: 'RUB' },
        detail: 'Settlement pending, "the bill", open',
        action: 'waiting_for_person',
      },
    ],
    ...overrides,
  };
}

describe.each(TEST_DRIVERS)('TypeormReconciliationStore on %s', (driver) => {
  let db: TestDatabase;
  let dataSource: DataSource;
  let store: TypeormStore;
  let sut: TypeormReconciliationStore;

  beforeAll(async () => {
    db = await createTestDatabase('persistence_test', { driver });
    dataSource = await openMigrated(db);
    store = new TypeormStore(dataSource);
    sut = new TypeormReconciliationStore(dataSource);
  });

  afterAll(async () => {
    await dataSource?.destroy();
    await db?.drop();
  });

  it('keeps one report per site and day, replaced by a rerun, and lists the newest day first', async () => {
    await sut.saveReport(aReport('cafe-1', '2026-03-01'), 'csv one');
    await sut.saveReport(aReport('cafe-1', '2026-03-02'), 'csv two');
    await sut.saveReport(aReport('hotel-1', '2026-03-02'), 'csv hotel');
    const rerun = aReport('cafe-1', '2026-03-01', { status: 'clean', mismatches: [], byKind: {} });
    await sut.saveReport(rerun, 'csv rerun');

    expect(await sut.findReport('cafe-1', '2026-03-01')).toEqual(rerun);
    expect(await sut.findCsv('cafe-1', '2026-03-01')).toBe('csv rerun');
    expect(await sut.findReport('cafe-1', '2026-02-28')).toBeNull();
    expect((await sut.listReports({}, 10)).map((r) => r.id)).toEqual([
      'cafe-1:2026-03-02',
      'hotel-1:2026-03-02',
      'cafe-1:2026-03-01',
    ]);
    expect(
      (await sut.listReports({ siteId: 'cafe-1', sinceDate: '2026-03-02' }, 10)).map((r) => r.id),
    ).toEqual(['cafe-1:2026-03-02']);
  });

  it('lists the payments of a site paid in [from, to), by paidAt or else when recorded', async () => {
    const bill = aBill({ siteId: 'cafe-9' });
    await store.bills.save(bill);
    const link = aLink(bill, { status: 'paid', providerOrderId: 'order-a' });
    await store.links.insert(link);
    const inside = aPayment(link, { providerOrderId: 'a', paidAt: at(0) });
    const edge = aPayment(link, { providerOrderId: 'b', paidAt: at(10_000) });
    const noPaidAt = aPayment(link, { providerOrderId: 'c', paidAt: undefined, createdAt: at(5_000) });
    const before = aPayment(link, { providerOrderId: 'd', paidAt: at(-1) });
    for (const payment of [inside, edge, noPaidAt, before]) await store.payments.insert(payment);

    const listed = await sut.listPaymentsPaidBetween('cafe-9', at(0), at(10_000));

    expect(listed.map((p) => p.providerOrderId).sort()).toEqual(['a', 'c']);
    expect(await sut.listPaymentsPaidBetween('cafe-1', at(0), at(10_000))).toEqual([]);
  });

  it('claims no settlement of a site the caller must leave to another process', async () => {
    const sites = ['excl-a', 'excl-b'];
    for (const siteId of sites) {
      const bill = aBill({ siteId });
      await store.bills.save(bill);
      const link = aLink(bill, { status: 'paid', amount: rub(100) });
      await store.links.insert(link);
      const payment = aPayment(link);
      await store.payments.insert(payment);
      await store.settlements.insert(aSettlement(payment, { nextAttemptAt: at(0) }));
    }

    const claimed = await store.settlements.claimDue('w', 30_000, at(1_000), 10, {
      excludeSiteIds: ['excl-a'],
    });

    expect(claimed.map((s) => s.siteId)).toEqual(['excl-b']);
    expect((await store.settlements.list({ siteId: 'excl-a' }, { limit: 5 }))[0].status).toBe('pending');
  });
});
