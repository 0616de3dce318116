import { randomUUID } from 'node:crypto';
import {
  Bill,
  ConcurrentModificationError,
  DuplicateRecordError,
  Payment,
  PaymentLink,
  Settlement,
  SettlementStatus,
  Store,
} from '@bridge/core';
import { DataSource } from 'typeorm';
import { aBill, aLink, aPayment, aSettlement, at, rub } from '../testing/fixtures';
import { countRows, emptyTables, openDataSource, openMigrated } from '../testing/harness';
import { TEST_DRIVERS, TestDatabase, createTestDatabase } from '../testing/test-database';
import { TypeormStore } from './typeorm-store';

async function duplicateError(write: Promise<unknown>): Promise<DuplicateRecordError> {
  const error: unknown = await write.then(
    () => undefined,
    (rejection: unknown) => rejection,
  );
  if (!(error instanceof DuplicateRecordError))
    throw new Error(`Expected a DuplicateRecordError, got ${String(error)}`);
  return error;
}

function deferred(): { promise: Promise<void>; resolve: () => void } {
  let resolve!: () => void;
  const promise = new Promise<void>((done) => {
    resolve = done;
  });
  return { promise, resolve };
}

describe.each(TEST_DRIVERS)('TypeormStore on %s', (driver) => {
  let db: TestDatabase;
  let dataSource: DataSource;
  let sut: Store;

  beforeAll(async () => {
    db = await createTestDatabase('persistence_test', { driver });
    dataSource = await openMigrated(db);
    sut = new TypeormStore(dataSource);
  });

  afterAll(async () => {
    await dataSource?.destroy();
    await db?.drop();
  });

  beforeEach(() => emptyTables(dataSource));

  async function seedBill(overrides: Partial<Bill> = {}): Promise<Bill> {
    const bill = aBill(overrides);
    await sut.bills.save(bill);
    return bill;
  }

  async function seedLink(bill: Bill, overrides: Partial<ConstructorParameters<typeof PaymentLink>[0]> = {}) {
    const link = aLink(bill, overrides);
    await sut.links.insert(link);
    return link;
  }

  async function seedPayment(
    overrides: Partial<ConstructorParameters<typeof Payment>[0]> = {},
  ): Promise<Payment> {
    const bill = await seedBill();
    const link = await seedLink(bill, { status: 'paid', providerOrderId: `ibox-${randomUUID()}` });
    const payment = aPayment(link, overrides);
    await sut.payments.insert(payment);
    return payment;
  }

  async function seedSettlement(overrides: Partial<ConstructorParameters<typeof Settlement>[0]> = {}) {
    const settlement = aSettlement(await seedPayment(), overrides);
    await sut.settlements.insert(settlement);
    return settlement;
  }

  it('answers ping', async () => {
    await expect(sut.ping()).resolves.toBeUndefined();
  });

  describe('bills', () => {
    it('saves and finds a bill by id and by external id', async () => {
      const bill = await seedBill({ roomNumber: '12', guestName: 'Петров', guestEmail: 'p@example.ru' });

      expect(await sut.bills.findById(bill.id)).toEqual(bill);
      expect(await sut.bills.findByExternalId(bill.siteId, bill.externalId)).toEqual(bill);
      expect(await sut.bills.findById('missing')).toBeNull();
      expect(await sut.bills.findByExternalId('other-site', bill.externalId)).toBeNull();
    });

    it('updates a saved bill in place, clearing fields that became undefined', async () => {
      const bill = await seedBill();
      const closed: Bill = {
        ...bill,
        status: 'closed',
        closedAt: at(9_000),
        tableCode: undefined,
        revision: 2,
        label: 'Стол 6',
      };

      await sut.bills.save(closed);

      expect(await sut.bills.findById(bill.id)).toEqual(closed);
      expect(await countRows(dataSource, 'bills')).toBe(1);
    });

    it('refuses a second bill with the same site and external id', async () => {
      const bill = await seedBill();

      const error = await duplicateError(sut.bills.save(aBill({ externalId: bill.externalId })));

      expect(error.constraint).toBe('uq_bills_site_external_id');
      await expect(
        sut.bills.save(aBill({ externalId: bill.externalId, siteId: 'cafe-2' })),
      ).resolves.toBeUndefined();
    });

    it('lists the open versions of a site', async () => {
      const open = await seedBill({ externalVersion: '3', lastSeenAt: at(5) });
      await seedBill({ status: 'closed', closedAt: at(6) });
      await seedBill({ siteId: 'cafe-2' });

      expect(await sut.bills.listOpenVersions('cafe-1')).toEqual([
        { id: open.id, externalId: open.externalId, externalVersion: '3', lastSeenAt: at(5) },
      ]);
    });

    it('finds the open bills of a table', async () => {
      const first = await seedBill({ tableCode: '7', firstSeenAt: at(1) });
      const second = await seedBill({ tableCode: '7', firstSeenAt: at(2) });
      await seedBill({ tableCode: '7', status: 'gone' });
      await seedBill({ tableCode: '8' });

      expect((await sut.bills.findOpenByTable('cafe-1', '7')).map((b) => b.id)).toEqual([
        first.id,
        second.id,
      ]);
    });

    it('lists bills by site and status, newest change first, a page at a time', async () => {
      const older = await seedBill({ updatedAt: at(1) });
      const newer = await seedBill({ updatedAt: at(2) });
      await seedBill({ status: 'closed', updatedAt: at(3) });
      await seedBill({ siteId: 'cafe-2', updatedAt: at(4) });

      const page1 = await sut.bills.list({ siteId: 'cafe-1', status: 'open' }, { limit: 1 });
      const page2 = await sut.bills.list({ siteId: 'cafe-1', status: 'open' }, { limit: 1, offset: 1 });

      expect(page1.map((b) => b.id)).toEqual([newer.id]);
      expect(page2.map((b) => b.id)).toEqual([older.id]);
      expect(await sut.bills.list({}, { limit: 10 })).toHaveLength(4);
    });
  });

  describe('payment links', () => {
    it('inserts a link and finds it every way the port offers', async () => {
      const bill = await seedBill();
      const link = await seedLink(bill);
      link.activate({ providerOrderId: 'ibox-42', paymentUrl: 'https://pay.example/42' }, at(100));
      await sut.links.update(link);

      expect(await sut.links.findById(link.id)).toEqual(link);
      expect(await sut.links.findLiveByBill(bill.id)).toEqual(link);
      expect(await sut.links.findByProviderOrderId('ibox-42')).toEqual(link);
      expect(await sut.links.findByMerchantOrderId(link.merchantOrderId)).toEqual(link);
      expect(await sut.links.listByBill(bill.id)).toEqual([link]);
      expect(await sut.links.findByProviderOrderId('ibox-missing')).toBeNull();
    });

    it('refuses a second link with the same merchantOrderId', async () => {
      const bill = await seedBill();
      const first = await seedLink(bill, { status: 'expired' });

      const error = await duplicateError(
        sut.links.insert(aLink(bill, { merchantOrderId: first.merchantOrderId })),
      );

      expect(error.constraint).toBe('uq_payment_links_merchant_order_id');
    });

    it('allows one live link per bill, and a new one once the first is superseded', async () => {
      const bill = await seedBill();
      const first = await seedLink(bill, { status: 'active', providerOrderId: 'ibox-1', paymentUrl: 'u' });
      const second = aLink(bill, { attempt: 2, merchantOrderId: 'cafe-1:x:v7.2' });

      const error = await duplicateError(sut.links.insert(second));
      first.supersede('bill changed', at(500));
      await sut.links.update(first);
      await sut.links.insert(second);

      expect(error.constraint).toBe('ux_payment_links_live_bill');
      expect((await sut.links.findLiveByBill(bill.id))?.id).toBe(second.id);
      expect((await sut.links.listByBill(bill.id)).map((l) => l.status)).toEqual(['superseded', 'creating']);
    });

    it('refuses an update that would make a second live link', async () => {
      const bill = await seedBill();
      await seedLink(bill, { status: 'active' });
      const failed = await seedLink(bill, { status: 'failed', attempt: 2, merchantOrderId: 'm-2' });
      const revived = new PaymentLink({ ...failed, status: 'creating' });

      const error = await duplicateError(sut.links.update(revived));

      expect(error.constraint).toBe('ux_payment_links_live_bill');
    });

    it('refuses to update a link that was never inserted', async () => {
      const bill = await seedBill();

      await expect(sut.links.update(aLink(bill))).rejects.toThrow(/does not exist/);
    });

    it('lists links by status, site and last update, oldest first', async () => {
      const bill = await seedBill();
      const old = await seedLink(bill, { status: 'superseded', updatedAt: at(10), merchantOrderId: 'm-1' });
      const recent = await seedLink(bill, {
        status: 'superseded',
        updatedAt: at(20),
        merchantOrderId: 'm-2',
      });
      await seedLink(bill, { status: 'creating', updatedAt: at(5), merchantOrderId: 'm-3' });
      const otherSite = await seedLink(await seedBill({ siteId: 'cafe-2' }), {
        status: 'superseded',
        merchantOrderId: 'm-4',
      });

      const bySite = await sut.links.listByStatus(['superseded'], { siteId: 'cafe-1' }, { limit: 10 });
      const stale = await sut.links.listByStatus(
        ['superseded', 'creating'],
        { updatedBefore: at(20) },
        { limit: 10 },
      );
      const paged = await sut.links.listByStatus(['superseded'], {}, { limit: 1, offset: 1 });

      expect(bySite.map((l) => l.id)).toEqual([old.id, recent.id]);
      expect(stale.map((l) => l.merchantOrderId).sort()).toEqual(['m-1', 'm-3', 'm-4']);
      expect(otherSite.updatedAt.getTime()).toBeLessThan(old.updatedAt.getTime());
      expect(paged.map((l) => l.id)).toEqual([old.id]);
      expect(await sut.links.listByStatus([], {}, { limit: 10 })).toEqual([]);
    });

    it('polls never-polled links first, then the longest unpolled, and keeps the cursor through updates', async () => {
      const links: PaymentLink[] = [];
      for (const n of [1, 2, 3]) {
        const bill = await seedBill();
        links.push(
          await seedLink(bill, { status: 'active', createdAt: at(n), providerOrderId: `ibox-${n}` }),
        );
      }
      await seedLink(await seedBill(), { status: 'expired', merchantOrderId: 'm-x' });
      await sut.links.markPolled([links[0].id], at(1_000));
      await sut.links.markPolled([links[2].id], at(500));
      links[0].statusReason = 'touched';
      await sut.links.update(links[0]);
      await sut.links.markPolled([], at(2_000));

      const polled = await sut.links.listActiveForPolling('cafe-1', 10);

      expect(polled.map((l) => l.id)).toEqual([links[1].id, links[2].id, links[0].id]);
      expect(await sut.links.listActiveForPolling('cafe-1', 2)).toHaveLength(2);
      expect(await sut.links.listActiveForPolling('cafe-2', 10)).toEqual([]);
    });

    it('tells the highest attempt for a bill version', async () => {
      const bill = await seedBill();
      await seedLink(bill, { status: 'failed', attempt: 1, billVersion: '7', merchantOrderId: 'm-1' });
      await seedLink(bill, { status: 'failed', attempt: 3, billVersion: '7', merchantOrderId: 'm-3' });
      await seedLink(bill, { status: 'failed', attempt: 9, billVersion: '8', merchantOrderId: 'm-9' });

      expect(await sut.links.highestAttempt(bill.id, '7')).toBe(3);
      expect(await sut.links.highestAttempt(bill.id, '6')).toBe(0);
    });
  });

  describe('payments', () => {
    it('inserts a payment and finds it by id, provider order and bill', async () => {
      const payment = await seedPayment();

      expect(await sut.payments.findById(payment.id)).toEqual(payment);
      expect(await sut.payments.findByProviderOrder(payment.providerOrderId, 'completed')).toEqual(payment);
      expect(await sut.payments.findByProviderOrder(payment.providerOrderId, 'refunded')).toBeNull();
      expect(await sut.payments.listByBill(payment.billId)).toEqual([payment]);
    });

    it('refuses a second payment of the same provider order and status', async () => {
      const payment = await seedPayment();
      const link = (await sut.links.findById(payment.linkId)) as PaymentLink;

      const error = await duplicateError(sut.payments.insert(aPayment(link)));
      const idError = await duplicateError(
        sut.payments.insert(aPayment(link, { id: payment.id, providerStatus: 'x' })),
      );

      expect(error.constraint).toBe('uq_payments_provider_order_status');
      expect(idError.constraint).toBe('payments_pkey');
      await expect(
        sut.payments.insert(aPayment(link, { providerStatus: 'partially_refunded' })),
      ).resolves.toBeUndefined();
    });

    it('updates a payment and lists open excesses by site', async () => {
      const payment = await seedPayment();
      await seedPayment();
      const elsewhere = await seedPayment({ siteId: 'cafe-2' });
      payment.recordExcess(rub(1_000), at(9_000));
      elsewhere.recordExcess(rub(50), at(9_001));
      await sut.payments.update(payment);
      await sut.payments.update(elsewhere);

      expect(await sut.payments.findById(payment.id)).toEqual(payment);
      expect((await sut.payments.listWithOpenExcess('cafe-1', { limit: 10 })).map((p) => p.id)).toEqual([
        payment.id,
      ]);
      expect(await sut.payments.listWithOpenExcess(undefined, { limit: 10 })).toHaveLength(2);
      expect(await sut.payments.listWithOpenExcess(undefined, { limit: 1, offset: 1 })).toHaveLength(1);
    });
  });

  describe('settlements', () => {
    it('inserts a settlement and finds it by id, payment and bill', async () => {
      const settlement = await seedSettlement();

      expect(await sut.settlements.findById(settlement.id)).toEqual(settlement);
      expect(await sut.settlements.findByPaymentId(settlement.paymentId)).toEqual(settlement);
      expect(await sut.settlements.listByBill(settlement.billId)).toEqual([settlement]);
    });

    it('refuses a second settlement of one payment', async () => {
      const settlement = await seedSettlement();
      const payment = (await sut.payments.findById(settlement.paymentId)) as Payment;

      const error = await duplicateError(sut.settlements.insert(aSettlement(payment)));

      expect(error.constraint).toBe('uq_settlements_payment_id');
    });

    it('updates optimistically: a stale copy is refused', async () => {
      const stored = await seedSettlement();
      const mine = (await sut.settlements.findById(stored.id)) as Settlement;
      const theirs = (await sut.settlements.findById(stored.id)) as Settlement;

      mine.claim('me', 30_000, at(10_000));
      await sut.settlements.update(mine);
      theirs.claim('them', 30_000, at(10_000));

      await expect(sut.settlements.update(theirs)).rejects.toThrow(ConcurrentModificationError);
      expect(mine.version).toBe(1);
      mine.markApplied({ externalRef: 'rk-1', appliedAmount: mine.amount, mode: 'close' }, at(11_000));
      await sut.settlements.update(mine);
      expect(await sut.settlements.findById(stored.id)).toEqual(mine);
      expect(mine.version).toBe(2);
    });

    it('lists by site and status, counts by status, and tells applied external references', async () => {
      const applied = await seedSettlement({ status: 'applied', externalRef: 'rk-1', appliedAt: at(1) });
      const pending = await seedSettlement({ createdAt: at(10_000) });
      await seedSettlement({ status: 'needs_attention', siteId: 'cafe-2' });
      const sameBill = aSettlement(await seedPayment(), {
        billId: applied.billId,
        status: 'applied',
        externalRef: 'rk-2',
        appliedAt: at(2),
        createdAt: at(7_000),
      });
      await sut.settlements.insert(sameBill);

      const listed = await sut.settlements.list(
        { siteId: 'cafe-1', statuses: ['applied', 'pending'] },
        { limit: 10 },
      );
      const counts = await sut.settlements.countByStatus();

      expect(listed.map((s) => s.id)).toEqual([applied.id, sameBill.id, pending.id]);
      expect(await sut.settlements.list({ statuses: [] }, { limit: 10 })).toEqual([]);
      expect(await sut.settlements.list({}, { limit: 2, offset: 3 })).toHaveLength(1);
      expect(counts).toEqual({
        pending: 1,
        in_flight: 0,
        applied: 2,
        unknown_outcome: 0,
        needs_attention: 1,
        resolved: 0,
      });
      expect(await sut.settlements.appliedExternalRefs(applied.billId)).toEqual(['rk-1', 'rk-2']);
    });

    it('claims due settlements, oldest first, under a lease', async () => {
      const late = await seedSettlement({ nextAttemptAt: at(2_000) });
      const early = await seedSettlement({
        status: 'unknown_outcome',
        nextAttemptAt: at(1_000),
        sentAt: at(500),
      });
      await seedSettlement({ nextAttemptAt: at(99_000) });
      await seedSettlement({ status: 'applied', nextAttemptAt: at(0) });
      await seedSettlement({ status: 'needs_attention', nextAttemptAt: at(0) });

      const claimed = await sut.settlements.claimDue('worker-1', 30_000, at(5_000), 10);

      expect(claimed.map((s) => s.id)).toEqual([early.id, late.id]);
      for (const settlement of claimed) {
        expect(settlement).toMatchObject({
          status: 'in_flight',
          attempts: 1,
          leaseOwner: 'worker-1',
          version: 1,
        });
        expect(settlement.leaseExpiresAt).toEqual(at(35_000));
        expect(await sut.settlements.findById(settlement.id)).toEqual(settlement);
      }
      expect(await sut.settlements.claimDue('worker-2', 30_000, at(5_000), 10)).toEqual([]);
      claimed[0].markApplied(
        { externalRef: 'rk', appliedAmount: claimed[0].amount, mode: 'close' },
        at(6_000),
      );
      await expect(sut.settlements.update(claimed[0])).resolves.toBeUndefined();
    });

    it('claims no more than the limit', async () => {
      for (let n = 0; n < 3; n++) await seedSettlement({ nextAttemptAt: at(n) });

      expect(await sut.settlements.claimDue('w', 1_000, at(10), 2)).toHaveLength(2);
      expect(await sut.settlements.claimDue('w', 1_000, at(10), 0)).toEqual([]);
    });

    it('never gives one settlement to two concurrent claimers', async () => {
      const other = driver === 'postgres' ? await openDataSource(db) : dataSource;
      try {
        const second = other === dataSource ? sut : new TypeormStore(other);
        for (let n = 0; n < 24; n++) await seedSettlement({ nextAttemptAt: at(n) });

        const rounds = await Promise.all(
          Array.from({ length: 6 }, (_, n) =>
            (n % 2 === 0 ? sut : second).settlements.claimDue(`w${n}`, 30_000, at(100), 5),
          ),
        );

        const ids = rounds.flat().map((s) => s.id);
        expect(new Set(ids).size).toBe(ids.length);
        expect(ids.length).toBeGreaterThanOrEqual(20);
        const counts = await sut.settlements.countByStatus();
        expect(counts.in_flight).toBe(ids.length);
      } finally {
        if (other !== dataSource) await other.destroy();
      }
    });

    it('lists in-flight settlements whose lease has expired', async () => {
      const expired = await seedSettlement({
        status: 'in_flight',
        leaseOwner: 'dead',
        leaseExpiresAt: at(1_000),
      });
      await seedSettlement({ status: 'in_flight', leaseOwner: 'alive', leaseExpiresAt: at(5_000) });
      await seedSettlement({ status: 'pending', leaseExpiresAt: at(0) });

      const stuck = await sut.settlements.listExpiredLeases(at(5_000), 10);

      expect(stuck.map((s) => s.id)).toEqual([expired.id]);
      stuck[0].expireLease(at(5_000));
      await sut.settlements.update(stuck[0]);
      expect(await sut.settlements.listExpiredLeases(at(5_000), 10)).toEqual([]);
      expect((await sut.settlements.findById(expired.id))?.status).toBe('unknown_outcome');
    });
  });

  describe('event log', () => {
    it('appends in batches and lists by bill, oldest first', async () => {
      const events = Array.from({ length: 450 }, (_, n) => ({
        at: at(n),
        siteId: n % 2 === 0 ? 'cafe-1' : 'cafe-2',
        type: n % 3 === 0 ? 'link.paid' : 'bill.synced',
        billId: n < 5 ? 'bill-1' : undefined,
        data: { n, nested: { ok: true } },
      }));

      await sut.events.append(...events);
      await sut.events.append();

      const byBill = await sut.events.listByBill('bill-1');
      expect(byBill.map(({ id: _id, ...event }) => event)).toEqual(events.slice(0, 5));
      expect(new Set(byBill.map((e) => e.id)).size).toBe(5);
      expect(await countRows(dataSource, 'events')).toBe(450);
    });

    it('lists by site, types and time, a page at a time', async () => {
      await sut.events.append(
        { at: at(1), siteId: 'cafe-1', type: 'a', linkId: 'l', paymentId: 'p', settlementId: 's', data: {} },
        { at: at(2), siteId: 'cafe-1', type: 'b', data: {} },
        { at: at(3), siteId: 'cafe-1', type: 'a', data: { x: 1 } },
        { at: at(4), siteId: 'cafe-2', type: 'a', data: {} },
      );

      const filtered = await sut.events.list({ siteId: 'cafe-1', types: ['a'], since: at(1) }, { limit: 10 });
      const recent = await sut.events.list({ since: at(3) }, { limit: 1, offset: 1 });

      expect(filtered.map((e) => [e.type, e.at.getTime() - at(0).getTime()])).toEqual([
        ['a', 1],
        ['a', 3],
      ]);
      expect(filtered[0]).toMatchObject({ linkId: 'l', paymentId: 'p', settlementId: 's' });
      expect(recent.map((e) => e.siteId)).toEqual(['cafe-2']);
      expect(await sut.events.list({ types: [] }, { limit: 10 })).toEqual([]);
    });
  });

  describe('inbox', () => {
    const entry = {
      siteId: 'cafe-1',
      channel: 'webhook' as const,
      providerOrderId: 'ibox-1',
      providerStatus: 'completed',
      receivedAt: at(0),
      body: '{"status":"completed"}',
    };

    it('accepts a notification once per provider order and status', async () => {
      expect(await sut.inbox.add(entry)).toBe(true);
      expect(await sut.inbox.add({ ...entry, channel: 'poll' })).toBe(false);
      expect(await sut.inbox.add({ ...entry, providerStatus: 'canceled' })).toBe(true);
      expect(await countRows(dataSource, 'notification_inbox')).toBe(2);
    });

    it('reports a duplicate inside a transaction without breaking it', async () => {
      await sut.inbox.add(entry);

      const outcome = await sut.transaction(async (tx) => {
        const fresh = await tx.inbox.add(entry);
        await tx.events.append({ at: at(1), siteId: 'cafe-1', type: 'after.duplicate', data: {} });
        return fresh;
      });

      expect(outcome).toBe(false);
      expect(await countRows(dataSource, 'events')).toBe(1);
    });
  });

  describe('transactions', () => {
    it('rolls back a payment and its settlement together when the work throws', async () => {
      const bill = await seedBill();
      const link = await seedLink(bill, { status: 'active', providerOrderId: 'ibox-9' });
      const payment = aPayment(link);

      const failed = sut.transaction(async (tx) => {
        await tx.payments.insert(payment);
        await tx.settlements.insert(aSettlement(payment));
        expect(await tx.payments.findById(payment.id)).toEqual(payment);
        throw new Error('crash before commit');
      });

      await expect(failed).rejects.toThrow('crash before commit');
      expect(await sut.payments.findById(payment.id)).toBeNull();
      expect(await countRows(dataSource, 'settlements')).toBe(0);
    });

    it('records one payment and one settlement out of 10 concurrent copies of a notification', async () => {
      const bill = await seedBill();
      const link = await seedLink(bill, { status: 'active', providerOrderId: 'ibox-10' });

      const outcomes = await Promise.all(
        Array.from({ length: 10 }, (_, n) =>
          sut.transaction(async (tx) => {
            const fresh = await tx.inbox.add({
              siteId: 'cafe-1',
              channel: n % 2 === 0 ? 'webhook' : 'websocket',
              providerOrderId: 'ibox-10',
              providerStatus: 'completed',
              receivedAt: at(n),
              body: `copy ${n}`,
            });
            if (!fresh) return 'duplicate';
            const payment = aPayment(link);
            await tx.payments.insert(payment);
            await tx.settlements.insert(aSettlement(payment));
            return 'accepted';
          }),
        ),
      );

      expect(outcomes.filter((o) => o === 'accepted')).toHaveLength(1);
      expect(await countRows(dataSource, 'notification_inbox')).toBe(1);
      expect(await countRows(dataSource, 'payments')).toBe(1);
      expect(await countRows(dataSource, 'settlements')).toBe(1);
    });

    it('lets exactly one of 10 concurrent transactions insert the same payment', async () => {
      const bill = await seedBill();
      const link = await seedLink(bill, { status: 'active', providerOrderId: 'ibox-11' });

      const results = await Promise.allSettled(
        Array.from({ length: 10 }, () =>
          sut.transaction(async (tx) => {
            const payment = aPayment(link);
            await tx.payments.insert(payment);
            await tx.settlements.insert(aSettlement(payment));
          }),
        ),
      );

      const refused = results.filter((r) => r.status === 'rejected').map((r) => r.reason);
      expect(refused).toHaveLength(9);
      expect(refused.every((reason) => reason instanceof DuplicateRecordError)).toBe(true);
      expect(await countRows(dataSource, 'payments')).toBe(1);
      expect(await countRows(dataSource, 'settlements')).toBe(1);
    });

    it('keeps uncommitted writes invisible to statements outside the transaction', async () => {
      const bill = aBill();
      const inside = deferred();
      const release = deferred();
      const transaction = sut.transaction(async (tx) => {
        await tx.bills.save(bill);
        inside.resolve();
        await release.promise;
      });
      await inside.promise;

      const outside = sut.bills.findById(bill.id);
      let outsideSettled = false;
      void outside.then(() => (outsideSettled = true));
      await new Promise((resolve) => setTimeout(resolve, 50));
      const settledWhileOpen = outsideSettled;
      release.resolve();
      await transaction;

      if (driver === 'sqlite') {
        // One connection: the outside read waits for the commit instead of joining the transaction.
        expect(settledWhileOpen).toBe(false);
        expect(await outside).toEqual(bill);
      } else {
        expect(settledWhileOpen).toBe(true);
        expect(await outside).toBeNull();
      }
    });

    it('does not deadlock when the work calls the store itself', async () => {
      const bill = aBill();

      const seen = await sut.transaction(async (tx) => {
        await tx.bills.save(bill);
        const nested = await sut.transaction((inner) => inner.bills.findById('missing'));
        return { nested, direct: await sut.settlements.countByStatus() };
      });

      expect(seen.nested).toBeNull();
      expect(seen.direct.pending).toBe(0);
      expect(await sut.bills.findById(bill.id)).toEqual(bill);
    });

    it('returns what the work returns', async () => {
      const counts: Record<SettlementStatus, number> = await sut.transaction((tx) =>
        tx.settlements.countByStatus(),
      );

      expect(counts.applied).toBe(0);
    });
  });
});
