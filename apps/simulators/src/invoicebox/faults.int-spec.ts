import {
  MERCHANT_A,
  WebhookReceiver,
  api,
  data,
  errorOf,
  orderBody,
  request,
  startReceiver,
  startTestSandbox,
  waitFor,
} from './test-support';
import { InvoiceboxSandbox, JsonObject } from './types';

describe('Invoicebox sandbox: fault knobs', () => {
  let sandbox: InvoiceboxSandbox;
  const draws: number[] = [];

  beforeAll(async () => {
    sandbox = await startTestSandbox({ random: () => draws.shift() ?? 0.99 });
  });

  afterAll(async () => {
    await sandbox.close();
  });

  beforeEach(() => {
    sandbox.control.reset();
    draws.length = 0;
  });

  it('answers the next N creates with 5xx without creating anything, then recovers', async () => {
    sandbox.control.failNext('create', 2, 503);
    const first = await api(sandbox).create(orderBody({ merchantOrderId: 'f-1' }));
    expect(first.status).toBe(503);
    expect(first.json).toEqual({
      error: { message: 'Service Unavailable', code: 'service_unavailable', fields: [] },
    });
    expect(first.headers['x-request-id']).toBeDefined();
    expect((await api(sandbox).create(orderBody({ merchantOrderId: 'f-1' }))).status).toBe(503);
    expect((await api(sandbox).find('merchantOrderId=f-1')).json).toMatchObject({ data: [] });
    expect((await api(sandbox).create(orderBody({ merchantOrderId: 'f-1' }))).status).toBe(200);
    expect(sandbox.control.requestCounts()).toMatchObject({
      byRoute: { 'POST /v3/billing/api/order/order': 3, 'GET /v3/filter/api/order/order': 1 },
      byKind: { create: 3, read: 1, cancel: 0 },
      total: 4,
    });
    expect(sandbox.requests().map((r) => [r.status, r.fault])).toEqual([
      [503, 'error'],
      [503, 'error'],
      [200, null],
      [200, null],
    ]);
  });

  it('answers 429 with Retry-After on the chosen route kind only', async () => {
    const id = String(data(await api(sandbox).create(orderBody()))['id']);
    sandbox.control.rateLimitNext('read', 1, 7);
    const cancel = await api(sandbox).cancel(id);
    expect(cancel.status).toBe(200);
    const limited = await api(sandbox).get(id);
    expect(limited.status).toBe(429);
    expect(limited.headers['retry-after']).toBe('7');
    expect(errorOf(limited).code).toBe('too_many_requests');
    expect((await api(sandbox).get(id)).status).toBe(200);
  });

  it('stalls a read past the client timeout, then serves normally', async () => {
    sandbox.control.stallNext('read', 1, 400);
    const started = Date.now();
    await expect(
      request(sandbox.url, 'GET', '/v3/filter/api/order/order', { token: MERCHANT_A.token, timeoutMs: 100 }),
    ).rejects.toThrow(/client timeout/);
    expect(Date.now() - started).toBeLessThan(350);
    expect((await api(sandbox).find('status=created')).status).toBe(200);
  });

  it('commits a create and drops the connection: the order exists and a lookup finds it', async () => {
    sandbox.control.commitThenDropNext('create', 1);
    await expect(api(sandbox).create(orderBody({ merchantOrderId: 'lost-reply' }))).rejects.toThrow(
      /socket hang up/,
    );
    const found = await api(sandbox).find('merchantOrderId=lost-reply');
    expect(found.json).toMatchObject({ data: [{ merchantOrderId: 'lost-reply', status: 'created' }] });
    const retry = await api(sandbox).create(orderBody({ merchantOrderId: 'lost-reply' }));
    expect(errorOf(retry).code).toBe('merchant_order_id_duplicate');
  });

  it('commits a create and answers too late for the client', async () => {
    sandbox.control.commitThenStallNext('create', 1, 400);
    await expect(
      api(sandbox).create(orderBody({ merchantOrderId: 'slow-reply' }), { timeoutMs: 100 }),
    ).rejects.toThrow(/client timeout/);
    expect(sandbox.orders().map((o) => o.merchantOrderId)).toEqual(['slow-reply']);
  });

  it('drops a cancel before handling it', async () => {
    const id = String(data(await api(sandbox).create(orderBody()))['id']);
    sandbox.control.dropNext('cancel', 1);
    await expect(api(sandbox).cancel(id)).rejects.toThrow(/socket hang up/);
    expect(sandbox.order(id)?.status).toBe('created');
  });

  it('applies a fractional rule to the requests the random source picks', async () => {
    sandbox.control.addFault({ kinds: ['read'], probability: 0.5, action: { kind: 'error', status: 500 } });
    draws.push(0.1, 0.9, 0.2, 0.7);
    const statuses: number[] = [];
    for (let i = 0; i < 4; i += 1) statuses.push((await api(sandbox).find('status=created')).status);
    expect(statuses).toEqual([500, 200, 500, 200]);
    expect(sandbox.control.faults()).toEqual([expect.objectContaining({ applied: 2, remaining: null })]);
  });

  it('closes promptly while a request is stalled', async () => {
    const local = await startTestSandbox();
    local.control.stallNext('all', 1, 60_000);
    const pending = api(local)
      .call('GET', '/v3/security/api/auth/auth')
      .catch((error: Error) => error.message);
    await waitFor(() => local.requests().length === 1, 2000, 'the stalled request');
    const started = Date.now();
    await local.close();
    expect(Date.now() - started).toBeLessThan(1000);
    expect(await pending).toEqual(expect.any(String));
  });
});

describe('Invoicebox sandbox: rate limit option', () => {
  it('answers 429 with Retry-After once a token exceeds its window', async () => {
    const sandbox = await startTestSandbox({ rateLimit: { requests: 2, windowMs: 30_000 } });
    try {
      expect((await api(sandbox).call('GET', '/v3/security/api/auth/auth')).status).toBe(200);
      expect((await api(sandbox).call('GET', '/v3/security/api/auth/auth')).status).toBe(200);
      const third = await api(sandbox).call('GET', '/v3/security/api/auth/auth');
      expect(third.status).toBe(429);
      expect(Number(third.headers['retry-after'])).toBeGreaterThanOrEqual(29);
    } finally {
      await sandbox.close();
    }
  });
});

describe('Invoicebox sandbox: control API over HTTP', () => {
  let sandbox: InvoiceboxSandbox;
  let receiver: WebhookReceiver;

  beforeAll(async () => {
    receiver = await startReceiver();
    sandbox = await startTestSandbox({
      merchants: [{ ...MERCHANT_A, channels: { websocket: false } }],
      settings: { webhook: { retryDelaysMs: [10] } },
    });
  });

  afterAll(async () => {
    await sandbox.close();
    await receiver.close();
  });

  const control = (method: string, path: string, body?: unknown) =>
    request(sandbox.url, method, `/__control${path}`, { body, token: null });

  it('drives faults, counters, payment, time, channels and notification knobs', async () => {
    expect((await control('POST', '/reset')).status).toBe(200);
    const fault = await control('POST', '/faults', {
      kinds: 'create',
      count: 1,
      action: { kind: 'error', status: 502 },
    });
    expect(fault.json).toMatchObject({ id: expect.any(String) });
    expect((await api(sandbox).create(orderBody())).status).toBe(502);
    expect((await control('GET', '/requests')).json).toMatchObject({ byKind: { create: 1 }, total: 1 });

    await control('PUT', `/merchants/${MERCHANT_A.merchantId}/notification-url`, { url: receiver.url });
    await control('PATCH', '/settings', { notifyOnStatuses: ['completed'] });
    const id = String(data(await api(sandbox).create(orderBody()))['id']);
    await control('POST', '/notifications/hold', {});
    const paid = await control('POST', `/orders/${id}/pay`, {});
    expect((paid.json as JsonObject)['order']).toMatchObject({ id, status: 'completed' });
    expect(receiver.received).toHaveLength(0);
    expect((await control('POST', '/notifications/release', { order: 'reverse' })).json).toEqual({
      released: 1,
    });
    expect(receiver.received).toHaveLength(1);
    const log = (await control('GET', '/notifications')).json as JsonObject;
    expect(log['deliveries']).toEqual([expect.objectContaining({ orderId: id, state: 'delivered' })]);

    await control('POST', '/notifications/drop', { count: 1 });
    await control('POST', '/notifications/test', { merchantId: MERCHANT_A.merchantId });
    await control('POST', '/notifications/idle');
    expect(receiver.received).toHaveLength(1);

    const expiring = String(data(await api(sandbox).create(orderBody()))['id']);
    const advanced = await control('POST', '/clock/advance', { ms: 4 * 3600_000 });
    expect(advanced.status).toBe(200);
    expect(sandbox.order(expiring)?.status).toBe('expired');
    const state = (await control('GET', '/state')).json as JsonObject;
    expect((state['orders'] as JsonObject[]).map((o) => o['status'])).toEqual(['completed', 'expired']);

    const channels = await control('PUT', `/merchants/${MERCHANT_A.merchantId}/channels`, { webhook: false });
    expect(channels.json).toEqual({ channels: { webhook: false, websocket: false } });
    await control('POST', '/reset');
    expect(sandbox.orders()).toHaveLength(0);
    expect(sandbox.control.settings().notifyOnStatuses).toEqual(['completed', 'canceled']);
  });

  it('refuses bad control input with 400 and unknown targets with 404', async () => {
    const bad = await control('POST', '/faults', {
      kinds: 'everything',
      action: { kind: 'error', status: 500 },
    });
    expect(bad.status).toBe(400);
    expect((await control('POST', '/faults', { action: { kind: 'error', status: 200 } })).status).toBe(400);
    expect((await control('POST', '/orders/nope/pay', {})).status).toBe(404);
    expect((await control('GET', '/nothing')).status).toBe(404);
    expect((await control('POST', '/notifications/drop', { count: 'one' })).status).toBe(400);
  });
});
