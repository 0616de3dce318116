import { BillLine, Money, NotificationRejectedError, PaymentProvider, Quantity } from '@bridge/core';

export interface ProviderContractHarness {
  provider: PaymentProvider;
  merchantId: string;
  currency: string;
  /** The guest pays the order on the payment page; resolves with the signed notification the provider sent. */
  pay(providerOrderId: string): Promise<{ rawBody: Buffer; headers: Record<string, string> }>;
  dispose(): Promise<void>;
}

const fiscal = {
  vatCode: 'RUS_VAT20',
  itemType: 'service',
  paymentType: 'full_payment',
  measure: 'шт',
  measureCode: '796',
};

function lines(currency: string): BillLine[] {
  return [
    {
      lineId: 'l1',
      sku: 'borsch',
      name: 'Борщ',
      quantity: Quantity.units(2),
      total: Money.of(90000, currency),
    },
    { lineId: 'l2', sku: 'tea', name: 'Чай', quantity: Quantity.units(1), total: Money.of(15050, currency) },
  ];
}

/** Every payment-provider adapter must pass this, the in-memory fake included. */
export function describePaymentProviderContract(
  name: string,
  makeHarness: () => Promise<ProviderContractHarness>,
): void {
  describe(`PaymentProvider contract: ${name}`, () => {
    let h: ProviderContractHarness;
    let seq = 0;
    beforeEach(async () => {
      h = await makeHarness();
    });
    afterEach(async () => {
      await h.dispose();
    });

    const request = (amountMinor = 105050) => ({
      merchantOrderId: `contract-${process.pid}-${Date.now()}-${++seq}`,
      visibleOrderId: 'Стол 5',
      description: 'Cafe: Стол 5',
      amount: Money.of(amountMinor, h.currency),
      lines: lines(h.currency),
      fiscal,
      expiresAt: new Date(Date.now() + 3_600_000),
      language: 'ru' as const,
    });

    it('creates a link with a payment URL for the exact amount', async () => {
      const { order, recovered } = await h.provider.createLink(request());
      expect(recovered).toBe(false);
      expect(order.status).toBe('created');
      expect(order.paymentUrl).toMatch(/^https?:\/\//);
      expect(order.amount.minor).toBe(105050);
      expect(order.merchantId).toBe(h.merchantId);
    });

    it('scales the lines when less than the whole bill is charged', async () => {
      const { order } = await h.provider.createLink(request(60001));
      expect(order.amount.minor).toBe(60001);
    });

    it('is idempotent by merchantOrderId', async () => {
      const req = request();
      const first = await h.provider.createLink(req);
      const second = await h.provider.createLink(req);
      expect(second.recovered).toBe(true);
      expect(second.order.providerOrderId).toBe(first.order.providerOrderId);
      const found = await h.provider.findByMerchantOrderId(req.merchantOrderId);
      expect(found?.providerOrderId).toBe(first.order.providerOrderId);
      expect(await h.provider.findByMerchantOrderId(`${req.merchantOrderId}-absent`)).toBeNull();
    });

    it('cancels a link that was not paid', async () => {
      const { order } = await h.provider.createLink(request());
      const canceled = await h.provider.cancelLink(order.providerOrderId);
      expect(canceled.status).toBe('canceled');
      expect((await h.provider.getOrder(order.providerOrderId)).status).toBe('canceled');
    });

    it('reports a paid link as completed, and does not cancel it', async () => {
      const { order } = await h.provider.createLink(request());
      await h.pay(order.providerOrderId);
      expect((await h.provider.getOrder(order.providerOrderId)).status).toBe('completed');
      expect((await h.provider.cancelLink(order.providerOrderId)).status).toBe('completed');
    });

    it('verifies a genuine notification and rejects a tampered one', async () => {
      const { order } = await h.provider.createLink(request());
      const signed = await h.pay(order.providerOrderId);
      const notification = h.provider.verifyNotification(signed.rawBody, signed.headers);
      expect(notification.providerOrderId).toBe(order.providerOrderId);
      expect(notification.status).toBe('completed');
      expect(notification.amount.minor).toBe(105050);
      expect(notification.isTest).toBe(false);
      const tampered = Buffer.from(
        signed.rawBody.toString('utf8').replace('1050.5', '1.5').replace('105050', '150'),
      );
      expect(() => h.provider.verifyNotification(tampered, signed.headers)).toThrow(
        NotificationRejectedError,
      );
      expect(() => h.provider.verifyNotification(signed.rawBody, {})).toThrow(NotificationRejectedError);
    });

    it('lists the orders created or paid and the refunds made in a time range, and nothing outside it', async () => {
      const from = new Date(Date.now() - 60_000);
      const paid = (await h.provider.createLink(request())).order;
      const open = (await h.provider.createLink(request(60001))).order;
      await h.pay(paid.providerOrderId);
      const refund = await h.provider.refund({
        providerOrderId: paid.providerOrderId,
        refundId: `refund-${paid.providerOrderId}`,
        amount: Money.of(15050, h.currency),
        reason: 'Overpayment',
      });
      const to = new Date(Date.now() + 60_000);

      const activity = await h.provider.listActivity({ from, to });
      const listedPaid = activity.orders.find((o) => o.providerOrderId === paid.providerOrderId);
      expect(listedPaid).toMatchObject({ status: 'completed', merchantOrderId: paid.merchantOrderId });
      expect(listedPaid?.amount.minor).toBe(105050);
      expect(listedPaid?.paidAt?.getTime()).toBeGreaterThanOrEqual(from.getTime() - 1_000);
      expect(activity.orders.find((o) => o.providerOrderId === open.providerOrderId)?.status).toBe('created');
      expect(activity.refunds).toContainEqual(
        expect.objectContaining({
          providerOrderId: paid.providerOrderId,
          refundId: refund.refundId,
          amount: Money.of(15050, h.currency),
        }),
      );

      const later = await h.provider.listActivity({ from: to, to: new Date(to.getTime() + 60_000) });
      expect(later.orders.map((o) => o.providerOrderId)).not.toContain(paid.providerOrderId);
      expect(later.refunds.map((r) => r.refundId)).not.toContain(refund.refundId);
    });

    it('refunds part of a paid order', async () => {
      const { order } = await h.provider.createLink(request());
      await h.pay(order.providerOrderId);
      const refund = await h.provider.refund({
        providerOrderId: order.providerOrderId,
        refundId: `refund-${order.providerOrderId}`,
        amount: Money.of(15050, h.currency),
        reason: 'Overpayment',
      });
      expect(refund.amount.minor).toBe(15050);
      expect(refund.status).not.toBe('canceled');
    });
  });
}
