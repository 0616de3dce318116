import { Stack, startStack } from '../../support/stack';
import { api, issuePaymentUrl, openTable, payOnPaymentPage, waitUntilSettled } from './support';

interface ErrorBody {
  error: { code: string; message: string; fields?: Array<{ name: string; code: string }> };
}

describe('Invoicebox answers that are not a plain success, end to end', () => {
  let stack: Stack;
  afterEach(async () => {
    await stack.close();
  });

  describe('with a 1 s Invoicebox timeout', () => {
    beforeEach(async () => {
      stack = await startStack({ invoiceboxTimeoutMs: 1_000 });
    });

    it('finds the order by merchantOrderId when a create timed out but succeeded: one order, not two', async () => {
      const { guid, bill } = await openTable(stack);
      stack.sandbox.control.commitThenStallNext('create', 1, 2_500);

      const paymentUrl = await issuePaymentUrl(stack, bill.id);

      const orders = stack.sandbox.orders();
      expect(orders).toHaveLength(1);
      expect(orders[0]?.paymentUrl).toBe(paymentUrl);
      expect(stack.sandbox.requests().filter((r) => r.kind === 'create')).toHaveLength(1);
      const details = (await api(stack).bill(bill.id)).body;
      expect(details.events).toContainEqual(
        expect.objectContaining({ type: 'link.active', data: expect.objectContaining({ recovered: true }) }),
      );

      await payOnPaymentPage(paymentUrl);
      await waitUntilSettled(stack, guid, bill.id);
      expect(stack.sandbox.orders()).toHaveLength(1);
    });
  });

  describe('with the default stack', () => {
    beforeEach(async () => {
      stack = await startStack();
    });

    it('passes a 429 Retry-After on to the operator without retrying the create', async () => {
      const { bill } = await openTable(stack);
      stack.sandbox.control.rateLimitNext('create', 1, 7);

      const refused = await api(stack).issueLink(bill.id);

      expect(refused.status).toBe(503);
      expect(refused.headers.get('retry-after')).toBe('7');
      expect((refused.body as unknown as ErrorBody).error.code).toBe('UPSTREAM.RATE_LIMITED');
      expect(stack.sandbox.control.requestCounts().byKind.create).toBe(1);
      expect(stack.sandbox.orders()).toHaveLength(0);
      await expect(issuePaymentUrl(stack, bill.id)).resolves.toMatch(/^http/);
    });

    it('shows the operator a 422 with the field names it names', async () => {
      const { bill } = await openTable(stack);
      stack.sandbox.control.advanceClock(24 * 3_600_000);

      const refused = await api(stack).issueLink(bill.id);

      expect(refused.status).toBe(502);
      const body = refused.body as unknown as ErrorBody;
      expect(body.error).toMatchObject({
        code: 'UPSTREAM.REJECTED',
        message: expect.stringContaining('expirationDate'),
        fields: [expect.objectContaining({ name: 'expirationDate', code: 'wrong_value' })],
      });
      const link = (await api(stack).bill(bill.id)).body.links[0] as unknown as {
        status: string;
        statusReason: string;
      };
      expect(link.status).toBe('failed');
      expect(link.statusReason).toContain('expirationDate');
    });
  });

  describe('notified by polling alone', () => {
    beforeEach(async () => {
      stack = await startStack({
        notifications: 'poll',
        sandboxChannels: { webhook: false, websocket: false },
        invoiceboxPollIntervalSeconds: 1,
      });
    });

    it('retries a poll read answered 5xx, and the payment still lands', async () => {
      const { guid, bill } = await openTable(stack);
      const paymentUrl = await issuePaymentUrl(stack, bill.id);
      stack.sandbox.control.resetRequestCounts();
      stack.sandbox.control.failNext('read', 2, 500);

      await payOnPaymentPage(paymentUrl);
      const settled = await waitUntilSettled(stack, guid, bill.id);

      expect(settled.payments.map((p) => p.channel)).toEqual(['poll']);
      const reads = stack.sandbox.requests().filter((r) => r.kind === 'read');
      expect(reads.slice(0, 3).map((r) => r.status)).toEqual([500, 500, 200]);
    });
  });
});
