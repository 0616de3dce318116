import { AddressInfo } from 'node:net';
import WebSocket, { WebSocketServer } from 'ws';
import { InvoiceboxNotification, InvoiceboxNotificationOutcome } from './notification.parser';
import {
  GatewayConnectionState,
  InvoiceboxWsClient,
  InvoiceboxWsClientOptions,
} from './invoicebox.ws-client';

/** §8.5, the documented WebSocket call. */
const orderStatusChange = (id: string, orderId = '01823fda-667f-6ddb-02a3-c4b7a7b5a3ac'): string =>
  JSON.stringify({
    jsonrpc: '2.0',
    id,
    method: 'onOrderStatusChange',
    params: [
      {
        id: orderId,
        description: 'Описание заказа',
        currencyId: 'RUB',
        amount: 1487.52,
        vatAmount: 247.92,
        basketItems: [],
        merchantId: '0302756d-9d83-60c9-0356-c228562c7581',
        status: 'completed',
        subtype: 'order',
        createdAt: '2023-07-27T13:30:53+00:00',
        merchantOrderId: '1658928653',
        expirationDate: '2023-07-29T00:00:00+00:00',
        metaData: { '@type': 'LodgingReservation', name: 'park inn' },
        fileIds: {},
      },
    ],
  });

async function waitFor<T>(probe: () => T | undefined, what: string, timeoutMs = 5_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

/** A local gateway on port 0: records connections and every message the bridge sends back. */
class LocalGateway {
  readonly connections: { socket: WebSocket; url: string }[] = [];
  readonly received: unknown[] = [];
  private readonly server: WebSocketServer;

  constructor(options: { autoPong?: boolean; dropFirst?: number } = {}) {
    this.server = new WebSocketServer({ host: '127.0.0.1', port: 0, autoPong: options.autoPong ?? true });
    this.server.on('connection', (socket, request) => {
      this.connections.push({ socket, url: request.url ?? '' });
      if (this.connections.length <= (options.dropFirst ?? 0)) socket.terminate();
      socket.on('message', (data) => this.received.push(JSON.parse(data.toString())));
    });
  }

  async ready(): Promise<string> {
    await new Promise<void>((resolve) => this.server.once('listening', resolve));
    return `ws://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  latest(): WebSocket {
    return this.connections[this.connections.length - 1].socket;
  }

  async replyTo(id: string | number): Promise<unknown> {
    return waitFor(
      () => this.received.find((message) => (message as { id?: unknown }).id === id),
      `the reply to ${id}`,
    );
  }

  async close(): Promise<void> {
    for (const { socket } of this.connections) socket.terminate();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}

describe('InvoiceboxWsClient against a local WebSocket server', () => {
  let gateway: LocalGateway;
  let sut: InvoiceboxWsClient;
  let handled: InvoiceboxNotification[];
  let states: GatewayConnectionState[];
  let outcome: InvoiceboxNotificationOutcome;

  const start = async (options: Partial<InvoiceboxWsClientOptions> = {}, server = new LocalGateway()) => {
    gateway = server;
    const wsUrl = await gateway.ready();
    sut = new InvoiceboxWsClient({
      token: 'tok/en+1',
      appVersion: '1.2.3',
      wsUrl,
      minReconnectDelayMs: 20,
      maxReconnectDelayMs: 200,
      onOrderStatusChange: async (notification) => {
        handled.push(notification);
        return outcome;
      },
      onStateChange: (state) => void states.push(state),
      ...options,
    });
    sut.start();
    await waitFor(() => (sut.state === 'open' ? true : undefined), 'the connection');
  };

  beforeEach(() => {
    handled = [];
    states = [];
    outcome = { status: 'success' };
  });
  afterEach(async () => {
    await sut.stop();
    await gateway.close();
  });

  it('connects to /v3/gate/rpc with the token, hands the notification over and replies with the same id', async () => {
    await start();

    expect(gateway.connections[0].url).toBe('/v3/gate/rpc?token=tok%2Fen%2B1');
    gateway.latest().send(orderStatusChange('01823fdac4b7a7b5a3ac'));

    expect(await gateway.replyTo('01823fdac4b7a7b5a3ac')).toEqual({
      jsonrpc: '2.0',
      id: '01823fdac4b7a7b5a3ac',
      result: { status: 'success' },
    });
    expect(handled).toHaveLength(1);
    expect(handled[0]).toMatchObject({
      id: '01823fda-667f-6ddb-02a3-c4b7a7b5a3ac',
      merchantOrderId: '1658928653',
    });
    expect(handled[0].amount.minor).toBe(148752);
    expect(sut.health()).toMatchObject({ state: 'open', connected: true });
  });

  it('answers with the documented error body when the handler refuses, and out_of_service when it throws', async () => {
    await start({
      onOrderStatusChange: async (notification) => {
        if (notification.id === 'boom') throw new Error('database is down');
        return { status: 'error', code: 'order_wrong_amount', message: 'Expected 1500.00' };
      },
    });

    gateway.latest().send(orderStatusChange('a'));
    gateway.latest().send(orderStatusChange('b', 'boom'));

    expect(await gateway.replyTo('a')).toMatchObject({
      result: { status: 'error', code: 'order_wrong_amount', message: 'Expected 1500.00' },
    });
    expect(await gateway.replyTo('b')).toMatchObject({ result: { status: 'error', code: 'out_of_service' } });
  });

  it('answers getStatus, malformed notifications and unknown methods per JSON-RPC', async () => {
    await start();

    gateway
      .latest()
      .send(JSON.stringify({ jsonrpc: '2.0', id: 7, method: 'getStatus', params: { logQuantity: 40 } }));
    gateway
      .latest()
      .send(JSON.stringify({ jsonrpc: '2.0', id: 8, method: 'onOrderStatusChange', params: [{ id: 1 }] }));
    gateway.latest().send(JSON.stringify({ jsonrpc: '2.0', id: 9, method: 'reboot' }));

    expect(await gateway.replyTo(7)).toEqual({
      jsonrpc: '2.0',
      id: 7,
      result: { version: '1.2.3', type: 'device', settings: {}, log: [] },
    });
    expect(await gateway.replyTo(8)).toMatchObject({ error: { code: -32602 } });
    expect(await gateway.replyTo(9)).toMatchObject({ error: { code: -32601 } });
    expect(handled).toHaveLength(0);
  });

  it('survives the server dropping the socket: reconnects and keeps handling notifications', async () => {
    await start();

    gateway.latest().terminate();
    await waitFor(
      () => (gateway.connections.length === 2 && sut.state === 'open' ? true : undefined),
      'a reconnect',
    );
    gateway.latest().send(orderStatusChange('after-reconnect'));

    expect(await gateway.replyTo('after-reconnect')).toMatchObject({ result: { status: 'success' } });
    expect(states).toEqual(['connecting', 'open', 'waiting', 'connecting', 'open']);
  });

  it('detects a dead socket by ping and reconnects', async () => {
    await start({ pingIntervalMs: 30, pongTimeoutMs: 30 }, new LocalGateway({ autoPong: false }));

    await waitFor(
      () => (gateway.connections.length >= 2 ? true : undefined),
      'a reconnect after a missing pong',
    );

    expect(sut.health().lastError).toBe('no pong from the gateway');
  });

  it('backs off exponentially up to the cap while the server keeps dropping, and resets once stable', async () => {
    const delays: unknown[] = [];
    await start(
      {
        random: () => 1,
        stableAfterMs: 40,
        logger: {
          debug: () => undefined,
          info: () => undefined,
          warn: (obj) => void (obj['delayMs'] === undefined || delays.push(obj['delayMs'])),
        },
      },
      new LocalGateway({ dropFirst: 5 }),
    );

    await waitFor(
      () => (gateway.connections.length === 6 && sut.state === 'open' ? true : undefined),
      'connection 6',
    );
    expect(delays).toEqual([20, 40, 80, 160, 200]);
    await waitFor(() => (sut.health().reconnectAttempt === 0 ? true : undefined), 'the backoff reset');
  });

  it('stops for good: no reconnect after stop()', async () => {
    await start();

    await sut.stop();
    await new Promise((resolve) => setTimeout(resolve, 100));

    expect(sut.state).toBe('stopped');
    expect(gateway.connections).toHaveLength(1);
  });
});
