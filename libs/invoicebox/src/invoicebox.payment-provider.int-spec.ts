import fc from 'fast-check';
import {
  CreateLinkRequest,
  Money,
  Quantity,
  UpstreamAuthError,
  UpstreamRateLimitedError,
  UpstreamRejectedError,
} from '@bridge/core';
import { InvoiceboxSandbox, SandboxMerchantOptions, startInvoiceboxSandbox } from '@bridge/simulators';
import { describePaymentProviderContract } from '@bridge/testing';
import { InvoiceboxClient, InvoiceboxClientOptions } from './invoicebox.client';
import { InvoiceboxPaymentProvider } from './invoicebox.payment-provider';
import { NotificationReceiver, payOnPaymentPage, startNotificationReceiver } from './testing/payment-page';
import { randomBill } from './testing/random-bills';
import { KNOWN_VAT_CODES } from './wire/basket-item.wire';

const MERCHANT: SandboxMerchantOptions = {
  merchantId: '01771534-196a-1105-839a-82422289d6d9',
  token: 'b37c4c689295904ed21eee5d9a48d42e',
  notificationKey: 'contract-notification-key',
};

interface Rig {
  sandbox: InvoiceboxSandbox;
  receiver: NotificationReceiver;
  provider: InvoiceboxPaymentProvider;
  close(): Promise<void>;
}

async function startRig(client: Partial<InvoiceboxClientOptions> = {}): Promise<Rig> {
  const receiver = await startNotificationReceiver();
  const sandbox = await startInvoiceboxSandbox({
    merchants: [{ ...MERCHANT, channels: { webhook: true, websocket: false } }],
    settings: { webhook: { timeoutMs: 2_000, retryDelaysMs: [] } },
  });
  const provider = new InvoiceboxPaymentProvider({
    client: new InvoiceboxClient({
      token: MERCHANT.token,
      appVersion: '0.0.0-test',
      baseUrl: sandbox.url,
      retry: { baseDelayMs: 20 },
      ...client,
    }),
    merchantId: MERCHANT.merchantId,
    notificationKey: MERCHANT.notificationKey,
    notificationUrl: receiver.url,
  });
  return {
    sandbox,
    receiver,
    provider,
    close: async () => {
      await sandbox.close();
      await receiver.close();
    },
  };
}

async function payAndCapture(rig: Rig, providerOrderId: string) {
  const order = rig.sandbox.order(providerOrderId);
  if (!order) throw new Error(`The sandbox has no order ${providerOrderId}`);
  const paid = await payOnPaymentPage(order.paymentUrl);
  if (paid.status !== 200) throw new Error(`Paying answered HTTP ${paid.status}`);
  const notification = await rig.receiver.waitForOrder(providerOrderId);
  const signature = notification.headers['x-signature'];
  return { rawBody: notification.rawBody, headers: { 'x-signature': String(signature) } };
}

describePaymentProviderContract('Invoicebox against the sandbox', async () => {
  const rig = await startRig();
  return {
    provider: rig.provider,
    merchantId: MERCHANT.merchantId,
    currency: 'RUB',
    pay: (providerOrderId) => payAndCapture(rig, providerOrderId),
    dispose: () => rig.close(),
  };
});

let seq = 0;
const linkRequest = (overrides: Partial<CreateLinkRequest> = {}): CreateLinkRequest => ({
  merchantOrderId: `cafe-1:bill-${process.pid}-${++seq}:v1:1`,
  visibleOrderId: 'Стол 5',
  description: 'Кафе на Невском: Стол 5',
  amount: Money.of(105050, 'RUB'),
  lines: [
    { lineId: 'l1', sku: 'borsch', name: 'Борщ', quantity: Quantity.units(2), total: Money.of(90000, 'RUB') },
    { lineId: 'l2', sku: 'tea', name: 'Чай', quantity: Quantity.units(1), total: Money.of(15050, 'RUB') },
  ],
  fiscal: {
    vatCode: 'RUS_VAT20',
    itemType: 'service',
    paymentType: 'full_payment',
    measure: 'шт',
    measureCode: '796',
  },
  expiresAt: new Date(Date.now() + 3_600_000),
  language: 'en',
  customerEmail: 'guest@example.com',
  ...overrides,
});

describe('InvoiceboxPaymentProvider against the sandbox', () => {
  let rig: Rig;
  afterEach(async () => {
    await rig.close();
  });

  describe('with default timeouts', () => {
    beforeEach(async () => {
      rig = await startRig();
    });

    it('sends what the API requires: visible id, language, ATOM expiry, customer with email, notificationUrl', async () => {
      const expiresAt = new Date(Date.now() + 2 * 3_600_000 + 456);
      const { order } = await rig.provider.createLink(linkRequest({ expiresAt }));

      const stored = rig.sandbox.order(order.providerOrderId);
      expect(stored).toMatchObject({
        merchantOrderIdVisible: 'Стол 5',
        languageId: 'en',
        customer: { email: 'guest@example.com' },
        notificationUrl: rig.receiver.url,
        amount: 1050.5,
        vatAmount: 175.08,
      });
      expect(stored?.expirationDate).toBe(
        new Date(Math.floor(expiresAt.getTime() / 1000) * 1000).toISOString().replace('.000Z', '+00:00'),
      );
      expect(order.expiresAt?.getTime()).toBe(Math.floor(expiresAt.getTime() / 1000) * 1000);
    });

    it('always sends the customer object, empty when the guest left no email', async () => {
      const { order } = await rig.provider.createLink(linkRequest({ customerEmail: undefined }));
      expect(rig.sandbox.order(order.providerOrderId)?.customer).toEqual({});
    });

    it('honours a 429 Retry-After on a read: waits it out, then succeeds', async () => {
      const { order } = await rig.provider.createLink(linkRequest());
      rig.sandbox.control.resetRequestCounts();
      rig.sandbox.control.rateLimitNext('read', 1, 1);

      const started = Date.now();
      const read = await rig.provider.getOrder(order.providerOrderId);

      expect(read.status).toBe('created');
      expect(Date.now() - started).toBeGreaterThanOrEqual(1_000);
      expect(rig.sandbox.control.requestCounts().byKind.read).toBe(2);
      expect(rig.sandbox.requests().map((r) => r.status)).toEqual([429, 200]);
    });

    it('does not retry a rate-limited create, and hands Retry-After to the caller', async () => {
      rig.sandbox.control.rateLimitNext('create', 1, 7);

      const error = await rig.provider.createLink(linkRequest()).catch((e: unknown) => e);

      expect(error).toBeInstanceOf(UpstreamRateLimitedError);
      expect(error).toMatchObject({ retryAfterMs: 7_000 });
      expect(rig.sandbox.control.requestCounts().byKind.create).toBe(1);
      expect(rig.sandbox.orders()).toHaveLength(0);
    });

    it('retries a read answered 5xx and succeeds', async () => {
      const { order } = await rig.provider.createLink(linkRequest());
      rig.sandbox.control.resetRequestCounts();
      rig.sandbox.control.failNext('read', 2, 502);

      await expect(rig.provider.getOrder(order.providerOrderId)).resolves.toMatchObject({
        status: 'created',
      });
      expect(rig.sandbox.requests().map((r) => r.status)).toEqual([502, 502, 200]);
    });

    it('passes a 422 on with the vendor code and the field names', async () => {
      rig.sandbox.control.advanceClock(24 * 3_600_000);

      const error = await rig.provider.createLink(linkRequest()).catch((e: unknown) => e);

      expect(error).toBeInstanceOf(UpstreamRejectedError);
      expect(error).toMatchObject({
        message: expect.stringContaining('(fields: expirationDate)'),
        vendorCode: 'wrong_expiration_date',
        fields: [expect.objectContaining({ name: 'expirationDate', code: 'wrong_value' })],
      });
    });

    it('returns an expired order as expired when asked to cancel it', async () => {
      const { order } = await rig.provider.createLink(
        linkRequest({ expiresAt: new Date(Date.now() + 60_000) }),
      );
      rig.sandbox.control.advanceClock(120_000);

      await expect(rig.provider.cancelLink(order.providerOrderId)).resolves.toMatchObject({
        status: 'expired',
      });
    });

    it('maps the vendor statuses to the core ones', async () => {
      const paid = (await rig.provider.createLink(linkRequest())).order;
      const canceled = (await rig.provider.createLink(linkRequest())).order;
      await payOnPaymentPage(paid.paymentUrl ?? '');
      await rig.provider.cancelLink(canceled.providerOrderId);

      const read = await rig.provider.getOrder(paid.providerOrderId);
      expect(read).toMatchObject({
        status: 'completed',
        rawStatus: 'completed',
        amount: Money.of(105050, 'RUB'),
      });
      expect(read.paidAt).toBeInstanceOf(Date);
      expect(await rig.provider.getOrder(canceled.providerOrderId)).toMatchObject({ status: 'canceled' });
      await expect(rig.provider.getOrder('00000000-0000-4000-8000-000000000000')).rejects.toBeInstanceOf(
        UpstreamRejectedError,
      );
    });

    it('refunds in full after a partial refund, and a repeated refund id returns the first refund', async () => {
      const { order } = await rig.provider.createLink(linkRequest());
      await payOnPaymentPage(order.paymentUrl ?? '');
      const part = {
        providerOrderId: order.providerOrderId,
        refundId: `${order.providerOrderId}:r1`,
        amount: Money.of(33333, 'RUB'),
        reason: 'Guest complaint',
      };

      const first = await rig.provider.refund(part);
      const again = await rig.provider.refund(part);
      const rest = await rig.provider.refund({
        ...part,
        refundId: `${order.providerOrderId}:r2`,
        amount: Money.of(105050 - 33333, 'RUB'),
      });

      expect(again.providerRefundId).toBe(first.providerRefundId);
      expect(rest.amount.minor).toBe(71717);
      expect(rig.sandbox.refunds().map((r) => [r.merchantOrderId, r.amount])).toEqual([
        [part.refundId, 333.33],
        [rest.refundId, 717.17],
      ]);
    });

    it('checks the credentials with the auth endpoint', async () => {
      await expect(rig.provider.checkCredentials()).resolves.toBeUndefined();
      const stranger = new InvoiceboxPaymentProvider({
        client: new InvoiceboxClient({ token: 'not-a-token', appVersion: '0', baseUrl: rig.sandbox.url }),
        merchantId: MERCHANT.merchantId,
        notificationKey: MERCHANT.notificationKey,
      });
      await expect(stranger.checkCredentials()).rejects.toBeInstanceOf(UpstreamAuthError);
    });

    it('creates 300 random bills over HTTP, each accepted and charged exactly the amount due', async () => {
      const agreed = KNOWN_VAT_CODES.filter((code) => !code.endsWith('_ADDED'));
      const bills = fc.sample(randomBill(agreed), { numRuns: 300, seed: 20260301 });
      for (const bill of bills) {
        const { order } = await rig.provider.createLink(
          linkRequest({
            amount: bill.amountDue,
            lines: bill.lines,
            fiscal: { ...linkRequest().fiscal, vatCode: bill.defaultVatCode },
          }),
        );
        expect(order.amount).toEqual(bill.amountDue);
      }
      expect(rig.sandbox.orders()).toHaveLength(300);
    }, 60_000);
  });

  describe('with a short write timeout', () => {
    beforeEach(async () => {
      rig = await startRig({ writeTimeoutMs: 300 });
    });

    it('finds the order by merchantOrderId after a create timed out at the sandbox but succeeded', async () => {
      rig.sandbox.control.commitThenStallNext('create', 1, 1_000);
      const request = linkRequest();

      const created = await rig.provider.createLink(request);

      expect(created.recovered).toBe(true);
      expect(created.order).toMatchObject({ merchantOrderId: request.merchantOrderId, status: 'created' });
      expect(rig.sandbox.orders().map((o) => o.merchantOrderId)).toEqual([request.merchantOrderId]);
    });

    it('reads a cancel back when its answer was lost', async () => {
      const { order } = await rig.provider.createLink(linkRequest());
      rig.sandbox.control.commitThenDropNext('cancel', 1);

      await expect(rig.provider.cancelLink(order.providerOrderId)).resolves.toMatchObject({
        status: 'canceled',
      });
    });
  });
});
