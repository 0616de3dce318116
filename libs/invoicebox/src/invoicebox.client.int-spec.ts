import { readFileSync } from 'node:fs';
import { IncomingHttpHeaders, Server, ServerResponse, createServer } from 'node:http';
import { AddressInfo, Socket } from 'node:net';
import { join } from 'node:path';
import {
  UpstreamAuthError,
  UpstreamOutcomeUnknownError,
  UpstreamProtocolError,
  UpstreamRateLimitedError,
  UpstreamRejectedError,
  UpstreamUnavailableError,
} from '@bridge/core';
import { InvoiceboxClient, InvoiceboxClientOptions } from './invoicebox.client';
import { InvoiceboxBasketError } from './invoicebox.errors';
import { InvoiceboxLogger } from './invoicebox.logger';
import { BasketItem } from './wire/basket-item.wire';
import { CreateOrderRequest } from './wire/order.wire';

const fixture = (name: string): string => readFileSync(join(__dirname, '__fixtures__', name), 'utf8');
const orderRequest: CreateOrderRequest = JSON.parse(fixture('create-order-request.json'));
const createdBody = fixture('create-order-response.json');
const createdOrder: Record<string, unknown> = JSON.parse(createdBody).data;
const TOKEN = 'b37c4c689295904ed21eee5d9a48d42e';

interface Seen {
  method: string;
  path: string;
  query: URLSearchParams;
  headers: IncomingHttpHeaders;
  body: string;
}

interface Reply {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}

type Script = (request: Seen, index: number) => Reply | 'hang';

/** A real HTTP server on port 0 standing in for api.invoicebox.ru; each test scripts its answers. */
class LocalInvoicebox {
  readonly seen: Seen[] = [];
  private script: Script = () => ({ status: 500 });
  private readonly server: Server;
  private readonly sockets = new Set<Socket>();

  constructor() {
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => {
        const url = new URL(req.url ?? '/', 'http://local');
        const seen = {
          method: req.method ?? '',
          path: url.pathname,
          query: url.searchParams,
          headers: req.headers,
          body: Buffer.concat(chunks).toString('utf8'),
        };
        this.seen.push(seen);
        const reply = this.script(seen, this.seen.length - 1);
        if (reply !== 'hang') this.write(res, reply);
      });
    });
    this.server.on('connection', (socket) => {
      this.sockets.add(socket);
      socket.on('close', () => this.sockets.delete(socket));
    });
  }

  respond(script: Script): void {
    this.script = script;
  }

  async start(): Promise<string> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  async stop(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private write(res: ServerResponse, reply: Reply): void {
    const text = typeof reply.body === 'string' ? reply.body : JSON.stringify(reply.body ?? {});
    res.writeHead(reply.status, {
      'Content-Type': 'application/json',
      'X-Request-Id': `req-${this.seen.length}`,
      ...reply.headers,
    });
    res.end(text);
  }
}

const list = (items: unknown[], meta?: Record<string, number>): unknown => ({
  data: items,
  extendedData: [],
  ...(meta ? { metaData: meta } : {}),
});

describe('InvoiceboxClient against a local HTTP server', () => {
  const upstream = new LocalInvoicebox();
  let baseUrl: string;
  let logs: { level: string; obj: Record<string, unknown>; msg: string }[];
  let sleeps: number[];

  const makeSut = (options: Partial<InvoiceboxClientOptions> = {}): InvoiceboxClient => {
    const logger: InvoiceboxLogger = {
      debug: (obj, msg) => void logs.push({ level: 'debug', obj, msg }),
      info: (obj, msg) => void logs.push({ level: 'info', obj, msg }),
      warn: (obj, msg) => void logs.push({ level: 'warn', obj, msg }),
    };
    return new InvoiceboxClient({
      token: TOKEN,
      appVersion: '1.2.3',
      baseUrl,
      logger,
      random: () => 0.5,
      sleep: async (ms) => void sleeps.push(ms),
      writeTimeoutMs: 300,
      readTimeoutMs: 300,
      ...options,
    });
  };

  beforeAll(async () => {
    baseUrl = await upstream.start();
  });
  afterAll(async () => {
    await upstream.stop();
  });
  beforeEach(() => {
    upstream.seen.length = 0;
    logs = [];
    sleeps = [];
  });

  it('sends the API headers, JSON only with a body, and logs every X-Request-Id without the token', async () => {
    upstream.respond((request) =>
      request.method === 'POST'
        ? { status: 200, body: createdBody }
        : {
            status: 200,
            body: { data: { userId: 'u-1', profile: null, accessToken: null }, extendedData: [] },
          },
    );
    const sut = makeSut();

    await expect(sut.checkAuth()).resolves.toEqual({ userId: 'u-1' });
    const order = await sut.createOrder(orderRequest);

    const [get, post] = upstream.seen;
    expect(get).toMatchObject({ method: 'GET', path: '/v3/security/api/auth/auth' });
    expect(get.headers).toMatchObject({
      authorization: `Bearer ${TOKEN}`,
      accept: 'application/json',
      'user-agent': 'PosBridge/1.2.3 (Invoicebox 3.0)',
    });
    expect(get.headers['content-type']).toBeUndefined();
    expect(post).toMatchObject({ method: 'POST', path: '/v3/billing/api/order/order' });
    expect(post.headers['content-type']).toBe('application/json');
    expect(JSON.parse(post.body)).toEqual(orderRequest);
    expect(order.paymentUrl).toBe('https://pay.invoicebox.ru/order/017f038f-c751-e9e7-f580-d0685b4b74d9');
    expect(logs.map((entry) => entry.obj['requestId'])).toEqual(['req-1', 'req-2']);
    expect(JSON.stringify(logs)).not.toContain(TOKEN);
  });

  it('uses the l3 prefix when configured', async () => {
    upstream.respond(() => ({ status: 200, body: { data: { userId: 'u-1' }, extendedData: [] } }));

    await makeSut({ apiPrefix: 'l3' }).checkAuth();

    expect(upstream.seen[0].path).toBe('/l3/security/api/auth/auth');
  });

  it('maps 422 to UpstreamRejectedError with the vendor code and fields', async () => {
    upstream.respond(() => ({ status: 422, body: fixture('wrong-amount-response.json') }));

    const error = await makeSut()
      .createOrder(orderRequest)
      .catch((e: unknown) => e);

    expect(error).toBeInstanceOf(UpstreamRejectedError);
    expect(error).toMatchObject({
      vendorCode: 'wrong_total_amount',
      fields: [{ name: 'amount', code: 'wrong_value', message: '' }],
      metadata: { status: 422, requestId: 'req-1', operation: 'createOrder' },
    });
    expect(upstream.seen).toHaveLength(1);
  });

  it('maps 401 to UpstreamAuthError and does not retry it; userId null is an auth error too', async () => {
    upstream.respond(() => ({
      status: 401,
      body: { error: { message: 'Unauthorized', code: 'unauthorized' } },
    }));
    await expect(makeSut().getOrder('o-1')).rejects.toBeInstanceOf(UpstreamAuthError);
    expect(upstream.seen).toHaveLength(1);

    upstream.respond(() => ({ status: 200, body: { data: { userId: null }, extendedData: [] } }));
    await expect(makeSut().checkAuth()).rejects.toBeInstanceOf(UpstreamAuthError);
  });

  it('honours Retry-After on a rate-limited read, then succeeds', async () => {
    upstream.respond((_request, index) =>
      index === 0
        ? { status: 429, headers: { 'Retry-After': '2' } }
        : { status: 200, body: list([createdOrder]) },
    );

    const order = await makeSut().getOrder('017f038f-c78b-736d-dc00-8bce30bd0f9f');

    expect(order?.status).toBe('created');
    expect(sleeps).toEqual([2000]);
    expect(upstream.seen).toHaveLength(2);
  });

  it('gives up on a read when Retry-After is beyond the cap, as UpstreamRateLimitedError', async () => {
    upstream.respond(() => ({ status: 429, headers: { 'Retry-After': '3600' } }));

    const error = await makeSut()
      .getOrder('o-1')
      .catch((e: unknown) => e);

    expect(error).toBeInstanceOf(UpstreamRateLimitedError);
    expect(error).toMatchObject({ retryAfterMs: 3_600_000 });
    expect(upstream.seen).toHaveLength(1);
  });

  it('retries a read after 5xx with growing backoff and succeeds', async () => {
    upstream.respond((_request, index) =>
      index < 2 ? { status: index === 0 ? 503 : 500 } : { status: 200, body: list([]) },
    );

    await expect(makeSut().findOrderByMerchantOrderId('nope')).resolves.toBeNull();

    expect(upstream.seen).toHaveLength(3);
    expect(sleeps).toEqual([188, 375]);
  });

  it('stops retrying reads after the configured attempts with UpstreamUnavailableError', async () => {
    upstream.respond(() => ({ status: 502 }));

    await expect(makeSut({ retry: { attempts: 2 } }).getOrder('o-1')).rejects.toBeInstanceOf(
      UpstreamUnavailableError,
    );
    expect(upstream.seen).toHaveLength(2);
  });

  it('retries a read that timed out', async () => {
    upstream.respond((_request, index) =>
      index === 0 ? 'hang' : { status: 200, body: list([createdOrder]) },
    );

    await expect(
      makeSut({ readTimeoutMs: 100 }).findOrderByMerchantOrderId('m-1608560079'),
    ).resolves.toMatchObject({
      id: '017f038f-c78b-736d-dc00-8bce30bd0f9f',
    });
    expect(upstream.seen).toHaveLength(2);
  });

  it('never retries a write: 500 is an unknown outcome, 503 is unavailable, one request each', async () => {
    upstream.respond(() => ({ status: 500 }));
    await expect(makeSut().createOrder(orderRequest)).rejects.toBeInstanceOf(UpstreamOutcomeUnknownError);
    expect(upstream.seen).toHaveLength(1);

    upstream.respond(() => ({ status: 503 }));
    await expect(makeSut().cancelOrder('o-1')).rejects.toBeInstanceOf(UpstreamUnavailableError);
    expect(upstream.seen).toHaveLength(2);
    expect(sleeps).toEqual([]);
  });

  it('after a timeout on create, finds the order by merchantOrderId instead of creating it again', async () => {
    upstream.respond((request) =>
      request.method === 'POST' ? 'hang' : { status: 200, body: list([createdOrder]) },
    );

    const result = await makeSut({ writeTimeoutMs: 150 }).createOrderIdempotent(orderRequest);

    expect(result.found).toBe(true);
    expect(result.order.id).toBe('017f038f-c78b-736d-dc00-8bce30bd0f9f');
    expect(upstream.seen.map((request) => request.method)).toEqual(['POST', 'GET']);
    const lookup = upstream.seen[1];
    expect(lookup.path).toBe('/v3/filter/api/order/order');
    expect(Object.fromEntries(lookup.query)).toEqual({
      merchantOrderId: 'm-1608560079',
      page: '1',
      pageSize: '50',
      _page: '1',
      _pageSize: '50',
    });
  });

  it('rethrows the unknown outcome when the lookup after a timeout finds nothing', async () => {
    upstream.respond((request) => (request.method === 'POST' ? 'hang' : { status: 200, body: list([]) }));

    await expect(makeSut({ writeTimeoutMs: 150 }).createOrderIdempotent(orderRequest)).rejects.toBeInstanceOf(
      UpstreamOutcomeUnknownError,
    );
    expect(upstream.seen).toHaveLength(2);
  });

  it('turns merchant_order_id_duplicate into the existing order, unless its amount differs', async () => {
    const duplicate = {
      status: 422,
      body: { error: { message: 'Duplicate', code: 'merchant_order_id_duplicate' } },
    };
    upstream.respond((request) =>
      request.method === 'POST' ? duplicate : { status: 200, body: list([createdOrder]) },
    );
    await expect(makeSut().createOrderIdempotent(orderRequest)).resolves.toMatchObject({ found: true });

    upstream.respond((request) =>
      request.method === 'POST' ? duplicate : { status: 200, body: list([{ ...createdOrder, amount: 100 }]) },
    );
    await expect(makeSut().createOrderIdempotent(orderRequest)).rejects.toMatchObject({
      vendorCode: 'merchant_order_id_duplicate',
      message: 'An order with this merchantOrderId exists for a different amount',
    });
  });

  it('reports a write that was never sent (connection refused) as unavailable, not unknown', async () => {
    const closed = new LocalInvoicebox();
    const closedUrl = await closed.start();
    await closed.stop();

    await expect(makeSut({ baseUrl: closedUrl }).createOrder(orderRequest)).rejects.toBeInstanceOf(
      UpstreamUnavailableError,
    );
  });

  it('turns a malformed success body into UpstreamProtocolError', async () => {
    upstream.respond(() => ({ status: 200, body: '<html>gateway</html>' }));
    await expect(makeSut().getOrder('o-1')).rejects.toBeInstanceOf(UpstreamProtocolError);

    upstream.respond(() => ({ status: 200, body: list([{ ...createdOrder, amount: '371.88' }]) }));
    await expect(makeSut().getOrder('o-1')).rejects.toThrow('$.data[0].amount: expected a number');
  });

  it('checks the basket locally and sends nothing when it breaks the server arithmetic', async () => {
    const broken = { ...orderRequest, amount: 371.87 };

    await expect(makeSut().createOrder(broken)).rejects.toBeInstanceOf(InvoiceboxBasketError);
    expect(upstream.seen).toHaveLength(0);
  });

  it('cancels with DELETE and no Content-Type', async () => {
    upstream.respond(() => ({
      status: 200,
      body: { data: { ...createdOrder, status: 'canceled' }, extendedData: [] },
    }));

    const order = await makeSut().cancelOrder('017f038f-c78b-736d-dc00-8bce30bd0f9f');

    expect(order.status).toBe('canceled');
    expect(upstream.seen[0]).toMatchObject({
      method: 'DELETE',
      path: '/v3/billing/api/order/order/017f038f-c78b-736d-dc00-8bce30bd0f9f',
    });
    expect(upstream.seen[0].headers['content-type']).toBeUndefined();
  });

  describe('refunds', () => {
    const room = orderRequest.basketItems[0];
    const drink: BasketItem = {
      ...room,
      sku: 'tea',
      name: 'Чай',
      quantity: 2,
      amount: 150,
      amountWoVat: 125,
      totalAmount: 300,
      totalVatAmount: 50,
    };
    const refundResponse = (request: string): unknown => ({
      data: { ...JSON.parse(request), id: 'r-1', status: 'created', currencyId: 'RUB' },
      extendedData: [],
    });

    it('refunds everything still refundable, a partly refunded line as one unit of its remainder', async () => {
      upstream.respond((request) =>
        request.method === 'GET'
          ? {
              status: 200,
              body: list([
                { ...room, availableAmount: 371.88, availableVatAmount: 61.98 },
                { ...drink, availableAmount: 150.01, availableVatAmount: 25 },
              ]),
            }
          : { status: 200, body: refundResponse(request.body) },
      );

      const refund = await makeSut().createRefund({
        parentId: '017f038f-c78b-736d-dc00-8bce30bd0f9f',
        merchantOrderId: 'refund-1',
        description: 'Возврат',
      });

      expect(upstream.seen[0].path).toBe(
        '/v3/billing/api/order/order/017f038f-c78b-736d-dc00-8bce30bd0f9f/refund-basket-item',
      );
      expect(upstream.seen[1].path).toBe('/v3/billing/api/order/refund-order');
      const sent = JSON.parse(upstream.seen[1].body);
      expect(sent).toMatchObject({
        parentId: '017f038f-c78b-736d-dc00-8bce30bd0f9f',
        merchantOrderId: 'refund-1',
        amount: 521.89,
        vatAmount: 86.98,
      });
      expect(sent.basketItems[1]).toMatchObject({
        sku: 'tea',
        quantity: 1,
        amount: 150.01,
        amountWoVat: 125.01,
        totalAmount: 150.01,
        totalVatAmount: 25,
      });
      expect(sent.basketItems[0]).not.toHaveProperty('availableAmount');
      expect(refund).toMatchObject({ id: 'r-1', status: 'created', amount: 521.89 });
    });

    it('sends a partial refund with its own merchantOrderId and the sums of the given lines', async () => {
      upstream.respond((request) => ({ status: 200, body: refundResponse(request.body) }));

      await makeSut().createRefund({
        parentId: 'p-1',
        merchantOrderId: 'p-1:refund:2',
        description: 'Возврат чая',
        basketItems: [drink],
      });

      expect(upstream.seen).toHaveLength(1);
      expect(JSON.parse(upstream.seen[0].body)).toMatchObject({
        merchantOrderId: 'p-1:refund:2',
        amount: 300,
        vatAmount: 50,
      });
    });

    it('lists refunds of an order across pages', async () => {
      const refund = (id: string, parentId = 'p-1') => ({
        id,
        parentId,
        merchantOrderId: id,
        amount: 1,
        status: 'completed',
      });
      upstream.respond((request) =>
        request.query.get('page') === '1'
          ? {
              status: 200,
              body: list([refund('r-1'), refund('r-2')], { totalCount: 3, pageSize: 2, page: 1 }),
            }
          : {
              status: 200,
              body: list([refund('r-3'), refund('other', 'p-2')], { totalCount: 3, pageSize: 2, page: 2 }),
            },
      );

      const refunds = await makeSut({ pageSize: 2 }).listRefunds('p-1');

      expect(refunds.map((r) => r.id)).toEqual(['r-1', 'r-2', 'r-3']);
      expect(
        upstream.seen.map((request) => [request.query.get('parentId'), request.query.get('_page')]),
      ).toEqual([
        ['p-1', '1'],
        ['p-1', '2'],
      ]);
    });
  });
});
