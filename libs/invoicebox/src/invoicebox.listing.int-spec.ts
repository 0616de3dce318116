import http from 'node:http';
import { AddressInfo } from 'node:net';
import { Money, Quantity } from '@bridge/core';
import { InvoiceboxSandbox, startInvoiceboxSandbox } from '@bridge/simulators';
import { InvoiceboxClient } from './invoicebox.client';
import { InvoiceboxPaymentProvider } from './invoicebox.payment-provider';

const MERCHANT = {
  merchantId: '01771534-196a-1105-839a-82422289d6d9',
  token: 'listing-token',
  notificationKey: 'listing-notification-key',
};

function providerFor(baseUrl: string, pageSize: number): InvoiceboxPaymentProvider {
  return new InvoiceboxPaymentProvider({
    client: new InvoiceboxClient({
      token: MERCHANT.token,
      appVersion: '0.0.0-test',
      baseUrl,
      pageSize,
      retry: { baseDelayMs: 10 },
    }),
    merchantId: MERCHANT.merchantId,
    notificationKey: MERCHANT.notificationKey,
  });
}

const link = (n: number) => ({
  merchantOrderId: `listing-${process.pid}-${Date.now()}-${n}`,
  visibleOrderId: `Стол ${n}`,
  description: 'Listing test',
  amount: Money.of(10_000 + n, 'RUB'),
  lines: [
    {
      lineId: 'l1',
      sku: 'tea',
      name: 'Чай',
      quantity: Quantity.units(1),
      total: Money.of(10_000 + n, 'RUB'),
    },
  ],
  fiscal: {
    vatCode: 'RUS_VAT20',
    itemType: 'service',
    paymentType: 'full_payment',
    measure: 'шт',
    measureCode: '796',
  },
  expiresAt: new Date(Date.now() + 3_600_000),
  language: 'ru' as const,
});

describe('Invoicebox listing of a day', () => {
  let sandbox: InvoiceboxSandbox;

  beforeAll(async () => {
    sandbox = await startInvoiceboxSandbox({
      merchants: [{ ...MERCHANT, channels: { webhook: false, websocket: false } }],
    });
  });

  afterAll(async () => {
    await sandbox.close();
  });

  it('pages through every order and refund of the range, paid ones included once', async () => {
    const sut = providerFor(sandbox.url, 7);
    const from = new Date(Date.now() - 1_000);
    const created = [];
    for (let n = 1; n <= 23; n++) created.push((await sut.createLink(link(n))).order);
    for (const order of created.slice(0, 9)) sandbox.control.payOrder(order.providerOrderId);
    for (const order of created.slice(0, 3))
      await sut.refund({
        providerOrderId: order.providerOrderId,
        refundId: `refund-${order.providerOrderId}`,
        amount: Money.of(1_000, 'RUB'),
        reason: 'test',
      });
    sandbox.control.resetRequestCounts();

    const activity = await sut.listActivity({ from, to: new Date(Date.now() + 1_000) });

    expect(activity.orders.map((o) => o.providerOrderId).sort()).toEqual(
      created.map((o) => o.providerOrderId).sort(),
    );
    expect(activity.orders.filter((o) => o.status === 'completed')).toHaveLength(9);
    expect(activity.refunds).toHaveLength(3);
    expect(activity.refunds.every((r) => r.amount.equals(Money.of(1_000, 'RUB')))).toBe(true);
    const reads = sandbox.requests().filter((r) => r.route.startsWith('GET /v3/filter'));
    // createdAt: 4 pages of 7; paidAt: 2 pages; refunds: 1 page.
    expect(reads).toHaveLength(7);
  });

  it('stops when a server that ignores the paging parameters answers the same page again', async () => {
    const order = (id: string) => ({
      id,
      merchantId: MERCHANT.merchantId,
      merchantOrderId: `m-${id}`,
      status: 'completed',
      amount: 100.5,
      currencyId: 'RUB',
      createdAt: '2026-03-01T10:00:00+00:00',
      paidAt: '2026-03-01T10:01:00+00:00',
    });
    const queries: string[] = [];
    const server = http.createServer((request, response) => {
      queries.push(request.url ?? '');
      const data = request.url?.includes('refund-order') ? [] : [order('a'), order('b'), order('c')];
      response.writeHead(200, { 'Content-Type': 'application/json' });
      response.end(
        JSON.stringify({ data, metaData: { totalCount: 1000, pageSize: 3, page: 1 }, extendedData: [] }),
      );
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const sut = providerFor(`http://127.0.0.1:${(server.address() as AddressInfo).port}`, 3);
      const activity = await sut.listActivity({
        from: new Date('2026-03-01T00:00:00Z'),
        to: new Date('2026-03-02T00:00:00Z'),
      });

      expect(activity.orders.map((o) => o.providerOrderId)).toEqual(['a', 'b', 'c']);
      expect(activity.orders[0].amount.minor).toBe(10050);
      expect(queries).toHaveLength(5);
      const first = new URL(`http://x${queries[0]}`).searchParams;
      expect(first.get('createdAt[_ge]')).toBe('2026-03-01T00:00:00+00:00');
      expect(first.get('createdAt[_lt]')).toBe('2026-03-02T00:00:00+00:00');
      expect([first.get('page'), first.get('_page'), first.get('pageSize'), first.get('_pageSize')]).toEqual([
        '1',
        '1',
        '3',
        '3',
      ]);
      expect(new URL(`http://x${queries[2]}`).searchParams.get('paidAt[_lt]')).toBe(
        '2026-03-02T00:00:00+00:00',
      );
    } finally {
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });
});
