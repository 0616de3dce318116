import { timingSafeEqual } from 'node:crypto';
import { ManualClock } from './clock';
import {
  MERCHANT_A,
  MERCHANT_B,
  WebhookReceiver,
  api,
  data,
  errorOf,
  line,
  localHmac,
  orderBody,
  request,
  startReceiver,
  startTestSandbox,
  waitFor,
} from './test-support';
import { InvoiceboxSandbox, JsonObject } from './types';

describe('Invoicebox sandbox: orders, payment page, webhook', () => {
  let sandbox: InvoiceboxSandbox;
  let receiver: WebhookReceiver;

  beforeAll(async () => {
    receiver = await startReceiver();
    sandbox = await startTestSandbox({
      merchants: [{ ...MERCHANT_A, notificationUrl: receiver.url }, MERCHANT_B],
      publicBaseUrl: 'https://pay.sandbox.test/',
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

  it('creates an order, shows it on the payment page, takes the payment and sends a signed webhook', async () => {
    const created = await api(sandbox).create(orderBody({ merchantOrderId: 'cafe-1:42:v1' }));
    expect(created.status).toBe(200);
    expect(created.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
    expect(created.text).toContain('"paymentUrl":"https:\\/\\/pay.sandbox.test\\/order\\/');
    expect((created.json as JsonObject)['extendedData']).toEqual([]);
    const order = data(created);
    expect(order).toMatchObject({
      status: 'created',
      merchantId: MERCHANT_A.merchantId,
      merchantOrderId: 'cafe-1:42:v1',
      merchantOrderIdVisible: 'cafe-1:42:v1',
      amount: 581.88,
      vatAmount: 71.98,
      subtype: 'order',
      processable: true,
      fileIds: [],
    });
    expect(order['paidAt']).toBeUndefined();
    expect(order['createdAt']).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+00:00$/);
    expect(order['paymentUrl']).toBe(`https://pay.sandbox.test/order/${String(order['orderContainerId'])}`);
    expect((order['basketItems'] as JsonObject[])[0]).toMatchObject({
      amountWoVat: 103.3,
      totalVatAmount: 61.98,
    });

    const pagePath = `/order/${String(order['orderContainerId'])}`;
    const page = await request(sandbox.url, 'GET', pagePath);
    expect(page.status).toBe(200);
    expect(page.headers['content-type']).toContain('text/html');
    expect(page.text).toContain('name="viewport"');
    expect(page.text).toContain('Бронирование номера');
    expect(page.text).toContain('Проездной билет');
    expect(page.text).toContain('Вода «Святой источник» 0,5 л');
    expect(page.text).toContain('581,88');
    expect(page.text).toContain('Оплатить');

    const paid = await request(sandbox.url, 'POST', `${pagePath}/pay`, {
      rawBody: '',
      contentType: 'text/plain',
    });
    expect(paid.status).toBe(200);
    expect(paid.text).toContain('Оплата прошла успешно');

    await waitFor(() => receiver.received.length === 1, 5000, 'the webhook');
    const hook = receiver.received[0];
    if (!hook) throw new Error('no webhook');
    const signature = String(hook.headers['x-signature']);
    expect(signature).toMatch(/^[0-9a-f]{40}$/);
    const expected = localHmac(hook.raw, MERCHANT_A.notificationKey);
    expect(timingSafeEqual(Buffer.from(signature), Buffer.from(expected))).toBe(true);
    const text = hook.raw.toString('utf8');
    expect(text).toContain('Бронирование номера');
    expect(text).toContain('https:\\/\\/pay.sandbox.test\\/order\\/');
    expect(localHmac(JSON.stringify(JSON.parse(text)), MERCHANT_A.notificationKey)).not.toBe(signature);
    const notification = JSON.parse(text) as JsonObject;
    expect(notification).toMatchObject({ id: order['id'], status: 'completed', amount: 581.88 });
    expect(notification['paidAt']).toMatch(/\+00:00$/);

    const read = await api(sandbox).get(String(order['id']));
    expect(data(read)).toMatchObject({ status: 'completed' });
    await sandbox.control.idle();
    expect(sandbox.deliveries()).toEqual([
      expect.objectContaining({ channel: 'webhook', state: 'delivered', attempts: 1 }),
      expect.objectContaining({ channel: 'websocket', state: 'pending', attempts: 0 }),
    ]);
  });

  it('answers the auth check like the real server', async () => {
    const anonymous = await api(sandbox, null).call('GET', '/v3/security/api/auth/auth');
    expect(anonymous.status).toBe(200);
    expect(anonymous.json).toEqual({
      data: { userId: null, profile: null, accessToken: null },
      extendedData: [],
    });

    const valid = await api(sandbox).call('GET', '/v3/security/api/auth/auth');
    expect(data(valid)['userId']).toMatch(/^[0-9a-f-]{36}$/);

    const invalid = await api(sandbox, 'nope').call('GET', '/v3/security/api/auth/auth');
    expect(invalid.status).toBe(401);
    expect(invalid.json).toEqual({ error: { message: 'Unauthorized', code: 'unauthorized', fields: [] } });
    expect(invalid.headers['x-request-id']).toBeDefined();

    expect((await api(sandbox, null).find('status=created')).status).toBe(401);
    expect((await api(sandbox, 'nope').create(orderBody())).status).toBe(401);
  });

  it('rejects a request without User-Agent with 400', async () => {
    const reply = await api(sandbox).create(orderBody(), { userAgent: null });
    expect(reply.status).toBe(400);
    expect(errorOf(reply).fields).toEqual(['User-Agent']);
    expect(sandbox.orders()).toHaveLength(0);
  });

  it('rejects malformed JSON with 400', async () => {
    const reply = await api(sandbox).create(undefined, { rawBody: '{"amount": 1' });
    expect(reply.status).toBe(400);
    expect(errorOf(reply).code).toBe('bad_request');
  });

  const badBodies: [string, (body: JsonObject) => void, number, string, string[]][] = [
    ['an unknown currency', (b) => (b['currencyId'] = 'XXX'), 422, 'wrong_currency', ['currencyId']],
    ['an unknown language', (b) => (b['languageId'] = 'de'), 422, 'language_not_found', ['languageId']],
    [
      'an expiration date in the past',
      (b) => (b['expirationDate'] = '2020-12-22T00:00:00+00:00'),
      422,
      'wrong_expiration_date',
      ['expirationDate'],
    ],
    [
      'a malformed expiration date',
      (b) => (b['expirationDate'] = '22.12.2099'),
      422,
      'wrong_expiration_date',
      ['expirationDate'],
    ],
    ['an empty basket', (b) => (b['basketItems'] = []), 422, 'validation', ['basketItems']],
    [
      'a wrong line total',
      (b) => (lines(b)[2]!['totalAmount'] = 100.01),
      422,
      'wrong_basket_item_total_amount',
      ['basketItems[2].totalAmount'],
    ],
    [
      'a wrong unit price without VAT',
      (b) => (lines(b)[0]!['amountWoVat'] = 103.31),
      422,
      'wrong_basket_item_amount_wo_vat',
      ['basketItems[0].amountWoVat'],
    ],
    [
      'a wrong line VAT (Bitrix-style (amount - amountWoVat) × quantity is not accepted either)',
      (b) => (lines(b)[1]!['totalVatAmount'] = 10.01),
      422,
      'wrong_basket_item_total_vat_amount',
      ['basketItems[1].totalVatAmount'],
    ],
    ['a wrong order amount', (b) => (b['amount'] = 581.87), 422, 'wrong_total_amount', ['amount']],
    ['a wrong order VAT', (b) => (b['vatAmount'] = 71.99), 422, 'wrong_total_vat_amount', ['vatAmount']],
    ['an amount with 3 decimals', (b) => (b['amount'] = 581.881), 422, 'validation', ['amount']],
    [
      'a line price with 3 decimals',
      (b) => (lines(b)[1]!['amount'] = 110.001),
      422,
      'validation',
      ['basketItems[1].amount'],
    ],
    ['an amount sent as a string', (b) => (b['amount'] = '581.88'), 422, 'validation', ['amount']],
    ['no description', (b) => delete b['description'], 422, 'validation', ['description']],
    ['no customer object', (b) => delete b['customer'], 422, 'validation', ['customer']],
    [
      'a legacy VAT code',
      (b) => (lines(b)[0]!['vatCode'] = 'RUS_VAT120'),
      422,
      'validation',
      ['basketItems[0].vatCode'],
    ],
    [
      'a zero quantity',
      (b) => (lines(b)[0]!['quantity'] = 0),
      422,
      'validation',
      ['basketItems[0].quantity'],
    ],
    [
      'another merchant id',
      (b) => (b['merchantId'] = MERCHANT_B.merchantId),
      403,
      'forbidden',
      ['merchantId'],
    ],
  ];

  it.each(badBodies)('refuses %s', async (_what, mutate, status, code, fields) => {
    const body = orderBody();
    mutate(body);
    const reply = await api(sandbox).create(body);
    expect(reply.status).toBe(status);
    expect(errorOf(reply)).toEqual({ code, fields });
    expect(sandbox.orders()).toHaveLength(0);
  });

  it('names every line that breaks the same rule', async () => {
    const body = orderBody();
    lines(body)[0]!['totalAmount'] = 371.87;
    lines(body)[2]!['totalAmount'] = 100.5;
    const reply = await api(sandbox).create(body);
    expect(errorOf(reply)).toEqual({
      code: 'wrong_basket_item_total_amount',
      fields: ['basketItems[0].totalAmount', 'basketItems[2].totalAmount'],
    });
  });

  it('rounds half up in exact arithmetic, with fractional quantities and float-unfriendly prices', async () => {
    const basketItems = [
      // 1.5 × 33.33 = 49.995 → 50.00; 33.33 / 1.2 = 27.775 → 27.78; 50.00 × 20/120 = 8.333 → 8.33
      line('beer', 'Пиво разливное', 1.5, 33.33, 27.78, 50, 8.33, 'RUS_VAT20'),
      // 3 × 0.1 is 0.30000000000000004 in floating point
      line('bread', 'Хлеб', 3, 0.1, 0.09, 0.3, 0.03, 'RUS_VAT10'),
      line('steak', 'Стейк 0,355 кг', 0.355, 1200, 1000, 426, 71, 'RUS_VAT20'),
    ];
    const reply = await api(sandbox).create(orderBody({ amount: 476.3, vatAmount: 79.36, basketItems }));
    expect(reply.status).toBe(200);
    expect((data(reply)['basketItems'] as JsonObject[]).map((l) => l['totalAmount'])).toEqual([50, 0.3, 426]);
  });

  it('checks the _ADDED codes like the VAT-included code of the same rate', async () => {
    const added = line('svc', 'Обслуживание', 2, 100, 83.33, 200, 33.33, 'RUS_VAT20_ADDED');
    const ok = await api(sandbox).create(orderBody({ amount: 200, vatAmount: 33.33, basketItems: [added] }));
    expect(ok.status).toBe(200);
    const onTop = { ...added, totalVatAmount: 40 };
    const bad = await api(sandbox).create(orderBody({ amount: 200, vatAmount: 40, basketItems: [onTop] }));
    expect(errorOf(bad)).toEqual({
      code: 'wrong_basket_item_total_vat_amount',
      fields: ['basketItems[0].totalVatAmount'],
    });
  });

  it('keeps merchantOrderId unique per merchant', async () => {
    expect((await api(sandbox).create(orderBody({ merchantOrderId: 'dup-1' }))).status).toBe(200);
    const again = await api(sandbox).create(orderBody({ merchantOrderId: 'dup-1' }));
    expect(again.status).toBe(422);
    expect(errorOf(again)).toEqual({ code: 'merchant_order_id_duplicate', fields: ['merchantOrderId'] });
    const other = await api(sandbox, MERCHANT_B.token).create(
      orderBody({ merchantOrderId: 'dup-1', merchantId: MERCHANT_B.merchantId }),
    );
    expect(other.status).toBe(200);
  });

  it('finds orders by id, merchantOrderId and status, with both paging spellings', async () => {
    const ids: string[] = [];
    for (let i = 1; i <= 5; i += 1) {
      ids.push(String(data(await api(sandbox).create(orderBody({ merchantOrderId: `find-${i}` })))['id']));
    }
    await api(sandbox, MERCHANT_B.token).create(
      orderBody({ merchantOrderId: 'find-1', merchantId: MERCHANT_B.merchantId }),
    );
    await api(sandbox).cancel(ids[4]!);

    const byMerchantOrderId = await api(sandbox).find('merchantOrderId=find-1');
    expect(byMerchantOrderId.json).toMatchObject({
      data: [{ id: ids[0], merchantOrderId: 'find-1' }],
      metaData: { totalCount: 1, pageSize: 30, page: 1 },
      extendedData: [],
    });
    expect((await api(sandbox).find(`id=${ids[1]!}`)).json).toMatchObject({ data: [{ id: ids[1] }] });
    const created = await api(sandbox).find('status=created&pageSize=2&page=2');
    expect(created.json).toMatchObject({
      data: [{ id: ids[2] }, { id: ids[3] }],
      metaData: { totalCount: 4, page: 2 },
    });
    const underscored = await api(sandbox).find('status[]=created&status[]=canceled&_pageSize=3&_page=2');
    expect(underscored.json).toMatchObject({
      data: [{ id: ids[3] }, { id: ids[4] }],
      metaData: { totalCount: 5, pageSize: 3, page: 2 },
    });
    const sorted = await api(sandbox).find(
      'merchantOrderId[_start]=find-&_order[merchantOrderId]=desc&pageSize=1',
    );
    expect(sorted.json).toMatchObject({ data: [{ merchantOrderId: 'find-5' }] });
    expect((await api(sandbox).find('pageSize=0')).status).toBe(422);

    expect(data(await api(sandbox).get(ids[0]!))).toMatchObject({ id: ids[0] });
    const foreign = await api(sandbox, MERCHANT_B.token).get(ids[0]!);
    expect(foreign.status).toBe(404);
    expect(errorOf(foreign).code).toBe('not_found');
  });

  it('cancels only a created order, and the payment page then refuses to pay', async () => {
    const order = data(await api(sandbox).create(orderBody()));
    const id = String(order['id']);
    const canceled = await api(sandbox).cancel(id);
    expect(canceled.status).toBe(200);
    expect(data(canceled)).toMatchObject({ id, status: 'canceled' });
    const again = await api(sandbox).cancel(id);
    expect(again.status).toBe(422);
    expect(errorOf(again).code).toBe('wrong_order_status');

    const pagePath = `/order/${String(order['orderContainerId'])}`;
    const page = await request(sandbox.url, 'GET', pagePath);
    expect(page.text).toContain('отменён');
    expect(page.text).not.toContain('<button');
    const pay = await request(sandbox.url, 'POST', `${pagePath}/pay`, { rawBody: '' });
    expect(pay.status).toBe(409);
    expect(pay.text).toContain('Оплата невозможна');
    expect(sandbox.order(id)?.status).toBe('canceled');

    await waitFor(() => receiver.received.length === 1, 5000, 'the canceled webhook');
    expect(JSON.parse(receiver.received[0]!.raw.toString('utf8'))).toMatchObject({ id, status: 'canceled' });
  });

  it('lets the control API pay a canceled order only with the race flag', async () => {
    const id = String(data(await api(sandbox).create(orderBody()))['id']);
    await api(sandbox).cancel(id);
    expect(() => sandbox.control.payOrder(id)).toThrow(/canceled cannot be paid/);
    expect(sandbox.control.payOrder(id, { allowCanceled: true })).toMatchObject({ status: 'completed' });
    await waitFor(() => receiver.received.length === 2, 5000, 'two webhooks');
    const statuses = receiver.received.map(
      (h) => (JSON.parse(h.raw.toString('utf8')) as JsonObject)['status'],
    );
    expect(statuses).toEqual(['canceled', 'completed']);
  });

  it('updates an order before payment only, re-checking the arithmetic', async () => {
    const id = String(data(await api(sandbox).create(orderBody()))['id']);
    const basketItems = [line('ticket', 'Проездной билет', 2, 110, 100, 220, 20, 'RUS_VAT10')];
    const wrong = await api(sandbox).update(id, { basketItems });
    expect(errorOf(wrong)).toEqual({ code: 'wrong_total_amount', fields: ['amount'] });
    const ok = await api(sandbox).update(id, {
      basketItems,
      amount: 220,
      vatAmount: 20,
      description: 'Новый счёт',
    });
    expect(ok.status).toBe(200);
    expect(data(ok)).toMatchObject({
      amount: 220,
      vatAmount: 20,
      description: 'Новый счёт',
      status: 'created',
    });
    sandbox.control.payOrder(id);
    const late = await api(sandbox).update(id, { description: 'Поздно' });
    expect(late.status).toBe(422);
    expect(errorOf(late).code).toBe('wrong_order_status');
  });

  it('adds an order to an existing container and pays the whole container from its page', async () => {
    const first = data(await api(sandbox).create(orderBody()));
    const extra = line('breakfast', 'Доплата за завтрак', 1, 110, 100, 110, 10, 'RUS_VAT10');
    const containerId = String(first['orderContainerId']);
    const second = data(
      await api(sandbox).create(
        orderBody({ orderContainerId: containerId, amount: 110, vatAmount: 10, basketItems: [extra] }),
      ),
    );
    expect(second['paymentUrl']).toBe(first['paymentUrl']);
    const page = await request(sandbox.url, 'GET', `/order/${containerId}`);
    expect(page.text).toContain('Доплата за завтрак');
    expect(page.text).toContain('691,88');
    expect((await request(sandbox.url, 'POST', `/order/${containerId}/pay`, { rawBody: '' })).status).toBe(
      200,
    );
    expect(sandbox.orders().map((o) => o.status)).toEqual(['completed', 'completed']);
    const unknown = await api(sandbox).create(
      orderBody({ orderContainerId: '00000000-0000-0000-0000-000000000000' }),
    );
    expect(unknown.status).toBe(404);
  });

  it('serves the /l3/ prefix like /v3/', async () => {
    const reply = await api(sandbox).call('GET', '/l3/security/api/auth/auth');
    expect(data(reply)['userId']).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('answers 404 for unknown routes and 405 for a wrong method', async () => {
    expect((await api(sandbox).call('GET', '/v3/billing/api/nothing')).status).toBe(404);
    const wrongMethod = await api(sandbox).call('PATCH', '/v3/billing/api/order/order');
    expect(wrongMethod.status).toBe(405);
    expect(wrongMethod.headers['x-request-id']).toBeDefined();
  });
});

describe('Invoicebox sandbox: expiry on an injected clock', () => {
  const start = Date.parse('2026-03-01T12:00:00Z');
  let clock: ManualClock;
  let sandbox: InvoiceboxSandbox;
  let receiver: WebhookReceiver;

  beforeAll(async () => {
    receiver = await startReceiver();
    clock = new ManualClock(start);
    sandbox = await startTestSandbox({
      clock,
      merchants: [{ ...MERCHANT_A, notificationUrl: receiver.url }],
      settings: { notifyOnStatuses: ['completed', 'canceled', 'expired'] },
    });
  });

  afterAll(async () => {
    await sandbox.close();
    await receiver.close();
  });

  it('expires an unpaid order when its expirationDate passes, notifies, and refuses payment', async () => {
    const created = data(await api(sandbox).create(orderBody({}, start)));
    const id = String(created['id']);
    expect(created['createdAt']).toBe('2026-03-01T12:00:00+00:00');
    expect(created['expirationDate']).toBe('2026-03-01T15:00:00+00:00');

    clock.advance(3 * 3600_000 - 1000);
    expect(data(await api(sandbox).get(id))['status']).toBe('created');
    clock.advance(1000);
    expect(data(await api(sandbox).get(id))['status']).toBe('expired');

    const pay = await request(sandbox.url, 'POST', `/order/${String(created['orderContainerId'])}/pay`, {
      rawBody: '',
    });
    expect(pay.status).toBe(409);
    expect(pay.text).toContain('Срок оплаты заказа истёк');
    expect(errorOf(await api(sandbox).cancel(id)).code).toBe('wrong_order_status');
    await waitFor(() => receiver.received.length === 1, 5000, 'the expired webhook');
    expect(JSON.parse(receiver.received[0]!.raw.toString('utf8'))).toMatchObject({ id, status: 'expired' });
  });

  it('moves time through the control API as well', async () => {
    const id = String(data(await api(sandbox).create(orderBody({}, clock.now().getTime())))['id']);
    sandbox.control.advanceClock(3 * 3600_000);
    expect(sandbox.order(id)?.status).toBe('expired');
    const stillCreatable = await api(sandbox).create(
      orderBody({ expirationDate: new Date(sandbox.control.now().getTime() + 60_000).toISOString() }),
    );
    expect(stillCreatable.status).toBe(200);
  });
});

function lines(body: JsonObject): JsonObject[] {
  return body['basketItems'] as JsonObject[];
}
