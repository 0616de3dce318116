import { BillSnapshot, Money, PosAdapter, PosRejectedError } from '@bridge/core';

/** What a contract test needs to arrange at the real POS/PMS (or its simulator) behind an adapter. */
export interface PosContractHarness {
  adapter: PosAdapter;
  currency: string;
  /** Opens a bill with a few items and something to pay; returns its external id. */
  openBill(): Promise<string>;
  /** Changes the bill's content (adds an item). */
  changeBill(externalId: string): Promise<void>;
  /** Settles the bill at the POS by other means (cash). */
  closeAtPos(externalId: string): Promise<void>;
  dispose(): Promise<void>;
}

/**
 * Every POS/PMS adapter must pass this, the in-memory fake included, so the fake cannot drift from
 * the real thing the bridge is tested against.
 */
export function describePosAdapterContract(
  name: string,
  makeHarness: () => Promise<PosContractHarness>,
): void {
  describe(`PosAdapter contract: ${name}`, () => {
    let h: PosContractHarness;
    beforeEach(async () => {
      h = await makeHarness();
    });
    afterEach(async () => {
      await h.dispose();
    });

    const read = async (externalId: string): Promise<BillSnapshot> => {
      const bill = await h.adapter.getBill({ externalId, attributes: {} });
      if (!bill) throw new Error(`Bill ${externalId} not found`);
      return bill;
    };

    it('lists an open bill and reads it with consistent totals', async () => {
      const externalId = await h.openBill();
      const listed = await h.adapter.listOpenBills();
      expect(listed.map((b) => b.externalId)).toContain(externalId);
      const bill = await read(externalId);
      expect(bill.status).toBe('open');
      expect(bill.currency).toBe(h.currency);
      expect(bill.lines.length).toBeGreaterThan(0);
      expect(bill.amountDue.isPositive()).toBe(true);
      const linesTotal = bill.lines.reduce((sum, l) => sum + l.total.minor, 0);
      expect(linesTotal).toBe(bill.total.minor);
      expect(bill.amountDue.minor).toBe(bill.total.minor - bill.paid.minor);
      for (const line of bill.lines) expect(line.name.trim().length).toBeGreaterThan(0);
    });

    it('reports a new version when the bill changes, and the same one when it does not', async () => {
      const externalId = await h.openBill();
      const first = await read(externalId);
      const again = await read(externalId);
      expect(again.externalVersion).toBe(first.externalVersion);
      await h.changeBill(externalId);
      const changed = await read(externalId);
      expect(changed.externalVersion).not.toBe(first.externalVersion);
      expect(changed.total.minor).toBeGreaterThan(first.total.minor);
    });

    it('closes a bill paid in full and finds that payment when read back', async () => {
      const externalId = await h.openBill();
      const bill = await read(externalId);
      const applied = await h.adapter.applyPayment({
        bill: { externalId, attributes: bill.attributes },
        expectedVersion: bill.externalVersion,
        paymentId: 'pay-full-1',
        providerOrderId: 'order-full-1',
        amount: bill.amountDue,
        mode: 'close',
      });
      expect(applied.amount.equals(bill.amountDue)).toBe(true);
      expect(applied.externalRef).toBeTruthy();
      const after = await h.adapter.getBill({ externalId, attributes: bill.attributes });
      expect(after === null || after.status === 'closed' || after.amountDue.isZero()).toBe(true);
      const lookup = await h.adapter.findAppliedPayment({
        bill: { externalId, attributes: bill.attributes },
        paymentId: 'pay-full-1',
        amount: bill.amountDue,
        mode: 'close',
        sentAt: new Date(Date.now() - 60_000),
        excludeExternalRefs: [],
      });
      expect(lookup.status).toBe('found');
    });

    it('records a partial payment as a prepayment and leaves the bill open with less due', async () => {
      const externalId = await h.openBill();
      const bill = await read(externalId);
      const part = bill.amountDue.allocate([1, 1])[0];
      await h.adapter.applyPayment({
        bill: { externalId, attributes: bill.attributes },
        expectedVersion: bill.externalVersion,
        paymentId: 'pay-part-1',
        providerOrderId: 'order-part-1',
        amount: part,
        mode: 'prepayment',
      });
      const after = await read(externalId);
      expect(after.status).toBe('open');
      expect(after.amountDue.minor).toBe(bill.amountDue.minor - part.minor);
      const lookup = await h.adapter.findAppliedPayment({
        bill: { externalId, attributes: bill.attributes },
        paymentId: 'pay-part-1',
        amount: part,
        mode: 'prepayment',
        sentAt: new Date(Date.now() - 60_000),
        excludeExternalRefs: [],
      });
      expect(lookup.status).toBe('found');
    });

    it('never claims to have found a payment that was not applied', async () => {
      const externalId = await h.openBill();
      const bill = await read(externalId);
      const lookup = await h.adapter.findAppliedPayment({
        bill: { externalId, attributes: bill.attributes },
        paymentId: 'never-sent',
        amount: bill.amountDue,
        mode: 'close',
        sentAt: new Date(),
        excludeExternalRefs: [],
      });
      expect(lookup.status).not.toBe('found');
    });

    it('refuses to close a bill with the wrong amount', async () => {
      const externalId = await h.openBill();
      const bill = await read(externalId);
      await expect(
        h.adapter.applyPayment({
          bill: { externalId, attributes: bill.attributes },
          expectedVersion: bill.externalVersion,
          paymentId: 'pay-wrong',
          providerOrderId: 'order-wrong',
          amount: bill.amountDue.add(Money.of(100, bill.currency)),
          mode: 'close',
        }),
      ).rejects.toBeInstanceOf(PosRejectedError);
      const after = await read(externalId);
      expect(after.amountDue.equals(bill.amountDue)).toBe(true);
    });

    it('drops a bill closed at the POS from the open list', async () => {
      const externalId = await h.openBill();
      await h.closeAtPos(externalId);
      const listed = await h.adapter.listOpenBills();
      expect(listed.map((b) => b.externalId)).not.toContain(externalId);
      const after = await h.adapter.getBill({ externalId, attributes: {} });
      expect(after === null || after.status === 'closed').toBe(true);
    });

    it('answers null for a bill it never had', async () => {
      expect(await h.adapter.getBill({ externalId: 'no-such-bill-4242', attributes: {} })).toBeNull();
    });

    it('reports itself healthy', async () => {
      expect((await h.adapter.checkHealth()).ok).toBe(true);
    });
  });
}
