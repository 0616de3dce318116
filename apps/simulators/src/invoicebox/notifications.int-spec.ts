import { TEST_NOTIFICATION_ID } from './notifier';
import {
  MERCHANT_A,
  MERCHANT_B,
  WebhookReceiver,
  api,
  data,
  localHmac,
  orderBody,
  sleep,
  startReceiver,
  startTestSandbox,
  waitFor,
} from './test-support';
import { InvoiceboxSandbox, JsonObject } from './types';

describe('Invoicebox sandbox: webhook delivery', () => {
  let sandbox: InvoiceboxSandbox;
  let receiver: WebhookReceiver;

  const settings = {
    notifyOnStatuses: ['completed'] as const,
    webhook: { timeoutMs: 2000, retryDelaysMs: [20, 20, 20, 20], retryOnErrorCodes: ['out_of_service'] },
  };

  beforeAll(async () => {
    receiver = await startReceiver();
    sandbox = await startTestSandbox({
      merchants: [
        { ...MERCHANT_A, notificationUrl: receiver.url, channels: { websocket: false } },
        { ...MERCHANT_B, notificationUrl: receiver.url, channels: { websocket: false } },
      ],
      settings: { ...settings, notifyOnStatuses: [...settings.notifyOnStatuses] },
    });
  });

  afterAll(async () => {
    await sandbox.close();
    await receiver.close();
  });

  beforeEach(() => {
    sandbox.control.reset();
    receiver.received.length = 0;
    receiver.reply = () => ({});
  });

  async function paidOrder(): Promise<string> {
    const id = String(data(await api(sandbox).create(orderBody()))['id']);
    sandbox.control.payOrder(id);
    return id;
  }

  function bodies(): JsonObject[] {
    return receiver.received.map((h) => JSON.parse(h.raw.toString('utf8')) as JsonObject);
  }

  it('retries after non-200, non-JSON and out_of_service replies until success', async () => {
    const replies = [
      { status: 500, body: 'oops' },
      { status: 200, body: '<html>ok</html>' },
      { status: 200, body: '{"status":"error","code":"out_of_service"}' },
      { status: 200, body: '{"status":"error"}' },
      {},
    ];
    receiver.reply = (index) => replies[index] ?? {};
    const id = await paidOrder();
    await waitFor(() => sandbox.deliveries()[0]?.state === 'delivered', 5000, 'delivery');
    expect(sandbox.attempts().map((a) => [a.attempt, a.outcome, a.reason])).toEqual([
      [1, 'failure', 'http_status'],
      [2, 'failure', 'invalid_json'],
      [3, 'failure', 'error_code:out_of_service'],
      [4, 'failure', 'error_code:out_of_service'],
      [5, 'success', null],
    ]);
    expect(new Set(receiver.received.map((h) => h.raw.toString('utf8'))).size).toBe(1);
    expect(bodies()[0]).toMatchObject({ id, status: 'completed' });
  });

  it('counts a reply slower than the timeout as a failure and retries it', async () => {
    sandbox.control.updateSettings({ webhook: { timeoutMs: 100 } });
    receiver.reply = (index) => (index === 0 ? { delayMs: 400 } : {});
    await paidOrder();
    await waitFor(() => sandbox.deliveries()[0]?.state === 'delivered', 5000, 'delivery');
    expect(sandbox.attempts().map((a) => [a.outcome, a.reason])).toEqual([
      ['failure', 'timeout'],
      ['success', null],
    ]);
  });

  it('treats other error codes as final and gives up after the schedule', async () => {
    receiver.reply = () => ({ body: '{"status":"error","code":"order_wrong_amount","message":"mismatch"}' });
    await paidOrder();
    await waitFor(() => sandbox.deliveries()[0]?.state === 'rejected', 5000, 'rejection');
    expect(receiver.received).toHaveLength(1);

    sandbox.control.reset();
    sandbox.control.updateSettings({ webhook: { retryDelaysMs: [10, 10] } });
    receiver.received.length = 0;
    receiver.reply = () => ({ status: 503 });
    await paidOrder();
    await waitFor(() => sandbox.deliveries()[0]?.state === 'failed', 5000, 'failure');
    expect(receiver.received).toHaveLength(3);
    expect(sandbox.deliveries()[0]).toMatchObject({ attempts: 3 });
  });

  it('sends to the order notificationUrl over the merchant default', async () => {
    const other = await startReceiver();
    try {
      const id = String(data(await api(sandbox).create(orderBody({ notificationUrl: other.url })))['id']);
      sandbox.control.payOrder(id);
      await waitFor(() => other.received.length === 1, 5000, 'the order URL');
      expect(receiver.received).toHaveLength(0);
    } finally {
      await other.close();
    }
  });

  it('duplicates a notification sequentially and concurrently with identical signed bytes', async () => {
    sandbox.control.duplicateNotifications(1);
    await paidOrder();
    await waitFor(() => receiver.received.length === 2, 5000, 'two copies');
    const [first, second] = receiver.received;
    expect(first?.raw.equals(second?.raw ?? Buffer.alloc(0))).toBe(true);
    expect(first?.headers['x-signature']).toBe(second?.headers['x-signature']);
    expect(sandbox.deliveries()[1]?.duplicateOf).toBe(sandbox.deliveries()[0]?.id);

    receiver.received.length = 0;
    receiver.reply = () => ({ delayMs: 200 });
    sandbox.control.duplicateNotifications(1, { concurrent: true });
    await paidOrder();
    await waitFor(() => receiver.received.length === 2, 5000, 'two concurrent copies');
    const gap = Math.abs((receiver.received[1]?.at ?? 0) - (receiver.received[0]?.at ?? 0));
    expect(gap).toBeLessThan(150);
    await sandbox.control.idle();
  });

  it('holds notifications and releases them in reverse order', async () => {
    sandbox.control.holdNotifications();
    const first = await paidOrder();
    const second = await paidOrder();
    await sleep(50);
    expect(receiver.received).toHaveLength(0);
    expect(sandbox.deliveries().map((d) => d.state)).toEqual(['held', 'held']);
    expect(await sandbox.control.releaseHeldNotifications('reverse')).toBe(2);
    expect(bodies().map((b) => b['id'])).toEqual([second, first]);
  });

  it('drops the next notification and delivers the one after', async () => {
    sandbox.control.dropNotifications(1);
    const dropped = await paidOrder();
    const delivered = await paidOrder();
    await waitFor(() => receiver.received.length === 1, 5000, 'one delivery');
    await sleep(50);
    expect(bodies().map((b) => b['id'])).toEqual([delivered]);
    expect(sandbox.deliveries().find((d) => d.orderId === dropped)?.state).toBe('dropped');
  });

  it('sends a signed test notification with the all-f id and an empty merchantOrderId', async () => {
    sandbox.control.sendTestNotification(MERCHANT_B.merchantId);
    await waitFor(() => receiver.received.length === 1, 5000, 'the test notification');
    const hook = receiver.received[0];
    expect(hook?.headers['x-signature']).toBe(localHmac(hook?.raw ?? '', MERCHANT_B.notificationKey));
    expect(bodies()[0]).toMatchObject({
      id: TEST_NOTIFICATION_ID,
      merchantOrderId: '',
      merchantId: MERCHANT_B.merchantId,
    });
    expect(sandbox.deliveries()[0]).toMatchObject({ test: true });
  });

  it('sends no webhook when the merchant has it switched off', async () => {
    sandbox.control.setChannels(MERCHANT_A.merchantId, { webhook: false });
    await paidOrder();
    await sleep(50);
    expect(receiver.received).toHaveLength(0);
    expect(sandbox.deliveries()).toHaveLength(0);
  });
});
