import { randomUUID } from 'node:crypto';
import { phpJsonEncode, signInvoiceboxNotification } from '@bridge/simulators';
import { PreparedRequest } from './load';

/** The merchant every benchmark site belongs to. */
export const BENCH_MERCHANT = {
  merchantId: '5f1c2c8e-7d0a-4e4b-9a51-0000000be7c1',
  token: 'bench-merchant-token',
  notificationKey: 'bench-notification-key',
};

export interface PaidOrder {
  providerOrderId: string;
  merchantOrderId: string;
  amountMinor: number;
}

/** The Invoicebox "completed" webhook as the sandbox sends it (PHP-style JSON), signed with the merchant key. */
export function paymentNotification(order: PaidOrder, merchant = BENCH_MERCHANT): PreparedRequest {
  const now = Date.now();
  const atom = (ms: number) =>
    new Date(Math.floor(ms / 1000) * 1000).toISOString().replace('.000Z', '+00:00');
  const amount = order.amountMinor / 100;
  const vat = Math.round((order.amountMinor * 20) / 120) / 100;
  const container = randomUUID();
  const body = phpJsonEncode({
    id: order.providerOrderId,
    description: `Оплата счёта ${order.merchantOrderId}`,
    currencyId: 'RUB',
    amount,
    vatAmount: vat,
    basketItems: [
      {
        sku: '101',
        name: 'Счёт стола',
        measure: 'шт',
        measureCode: '796',
        quantity: 1,
        amount,
        amountWoVat: Math.round((amount - vat) * 100) / 100,
        totalAmount: amount,
        totalVatAmount: vat,
        vatCode: 'RUS_VAT20',
        type: 'service',
        paymentType: 'full_payment',
      },
    ],
    orderContainerId: container,
    merchantId: merchant.merchantId,
    status: 'completed',
    subtype: 'order',
    processingStatus: '',
    createdAt: atom(now - 60_000),
    merchantOrderId: order.merchantOrderId,
    merchantOrderIdVisible: order.merchantOrderId,
    expirationDate: atom(now + 3 * 3_600_000),
    fileIds: [],
    paymentUrl: `https://pay.invoicebox.ru/order/${container}`,
    customer: {},
    languageId: 'ru',
    processable: true,
    paidAt: atom(now),
  });
  return signed(body, merchant.notificationKey);
}

export function signed(body: string, key: string): PreparedRequest {
  return {
    body: Buffer.from(body, 'utf8'),
    headers: {
      'content-type': 'application/json',
      'x-signature': signInvoiceboxNotification(body, key),
    },
  };
}

export function isSuccessReply(status: number, body: string): boolean {
  return status === 200 && body.includes('"status":"success"');
}
