import { WebSocket } from 'ws';
import {
  MERCHANT_A,
  MERCHANT_B,
  WebhookReceiver,
  api,
  data,
  orderBody,
  sleep,
  startReceiver,
  startTestSandbox,
  waitFor,
} from './test-support';
import { InvoiceboxSandbox, JsonObject } from './types';

interface Client {
  socket: WebSocket;
  messages: JsonObject[];
  closed: Promise<{ code: number; reason: string }>;
}

function connect(url: string): Promise<Client> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(url);
    const messages: JsonObject[] = [];
    socket.on('message', (raw: Buffer) => messages.push(JSON.parse(raw.toString('utf8')) as JsonObject));
    const closed = new Promise<{ code: number; reason: string }>((done) =>
      socket.on('close', (code: number, reason: Buffer) => done({ code, reason: reason.toString('utf8') })),
    );
    socket.once('open', () => resolve({ socket, messages, closed }));
    socket.once('error', reject);
  });
}

function ack(client: Client, id: unknown): void {
  client.socket.send(JSON.stringify({ jsonrpc: '2.0', id, result: { status: 'success' } }));
}

describe('Invoicebox sandbox: WebSocket gateway', () => {
  let sandbox: InvoiceboxSandbox;
  let receiver: WebhookReceiver;
  const clients: Client[] = [];

  beforeAll(async () => {
    receiver = await startReceiver();
    sandbox = await startTestSandbox({
      merchants: [
        { ...MERCHANT_A, notificationUrl: receiver.url, channels: { webhook: false } },
        { ...MERCHANT_B, notificationUrl: receiver.url },
      ],
      settings: { notifyOnStatuses: ['completed'], websocket: { ackTimeoutMs: 150, maxRedeliveries: 2 } },
    });
  });

  afterAll(async () => {
    await sandbox.close();
    await receiver.close();
  });

  beforeEach(() => {
    sandbox.control.reset();
    receiver.received.length = 0;
  });

  afterEach(async () => {
    for (const client of clients.splice(0)) {
      client.socket.close();
      await client.closed;
    }
  });

  async function open(token = MERCHANT_A.token): Promise<Client> {
    const before = sandbox.wsConnectionCount();
    const client = await connect(`${sandbox.wsUrl}?token=${token}`);
    clients.push(client);
    await waitFor(() => sandbox.wsConnectionCount() > before, 2000, 'the server side of the socket');
    return client;
  }

  async function paidOrder(): Promise<string> {
    const id = String(data(await api(sandbox).create(orderBody()))['id']);
    sandbox.control.payOrder(id);
    return id;
  }

  it('closes a connection with a bad token with 4401, or rejects the upgrade when told to', async () => {
    const client = await connect(`${sandbox.wsUrl}?token=wrong`);
    expect(await client.closed).toEqual({ code: 4401, reason: 'Unauthorized' });

    sandbox.control.updateSettings({ websocket: { badTokenBehaviour: 'reject' } });
    await expect(connect(`${sandbox.wsUrl}?token=wrong`)).rejects.toThrow(/401/);
    expect(sandbox.control.requestCounts().byRoute['WS /v3/gate/rpc']).toBe(2);
  });

  it('pushes onOrderStatusChange as JSON-RPC and takes the ack (websocket alone, no webhook)', async () => {
    const client = await open();
    const id = await paidOrder();
    await waitFor(() => client.messages.length === 1, 2000, 'the push');
    const push = client.messages[0] ?? {};
    expect(push).toMatchObject({ jsonrpc: '2.0', method: 'onOrderStatusChange' });
    expect(push['id']).toMatch(/^[0-9a-f]{20}$/);
    expect((push['params'] as JsonObject[])[0]).toMatchObject({
      id,
      status: 'completed',
      merchantId: MERCHANT_A.merchantId,
    });
    ack(client, push['id']);
    await waitFor(() => sandbox.deliveries()[0]?.state === 'delivered', 2000, 'the ack');
    expect(sandbox.attempts()).toEqual([
      expect.objectContaining({ channel: 'websocket', outcome: 'success' }),
    ]);
    await sleep(250);
    expect(client.messages).toHaveLength(1);
    expect(receiver.received).toHaveLength(0);
    expect(sandbox.deliveries()).toHaveLength(1);
  });

  it('pushes to every connection of the merchant and none of another merchant', async () => {
    const first = await open();
    const second = await open();
    const foreign = await open(MERCHANT_B.token);
    await paidOrder();
    await waitFor(() => first.messages.length === 1 && second.messages.length === 1, 2000, 'both pushes');
    expect(foreign.messages).toHaveLength(0);
    ack(second, second.messages[0]?.['id']);
    await waitFor(() => sandbox.deliveries()[0]?.state === 'delivered', 2000, 'the ack');
  });

  it('redelivers an unacknowledged push after the ack timeout with the same id, then gives up', async () => {
    const client = await open();
    await paidOrder();
    await waitFor(() => client.messages.length === 2, 2000, 'a redelivery');
    expect(client.messages[1]?.['id']).toBe(client.messages[0]?.['id']);
    await waitFor(() => sandbox.deliveries()[0]?.state === 'failed', 3000, 'giving up');
    expect(client.messages).toHaveLength(3);
    expect(sandbox.attempts().map((a) => a.reason)).toEqual(['ack_timeout', 'ack_timeout', 'ack_timeout']);
  });

  it('treats an error result as no ack and redelivers', async () => {
    const client = await open();
    await paidOrder();
    await waitFor(() => client.messages.length === 1, 2000, 'the push');
    const id = client.messages[0]?.['id'];
    client.socket.send(
      JSON.stringify({ jsonrpc: '2.0', id, result: { status: 'error', code: 'out_of_service' } }),
    );
    await waitFor(() => client.messages.length === 2, 2000, 'a redelivery');
    ack(client, id);
    await waitFor(() => sandbox.deliveries()[0]?.state === 'delivered', 2000, 'the ack');
    expect(sandbox.attempts().map((a) => a.outcome)).toEqual(['failure', 'success']);
  });

  it('keeps pushes for a merchant with no connection and redelivers unacknowledged ones on reconnect', async () => {
    const id = await paidOrder();
    await sleep(200);
    expect(sandbox.deliveries()[0]).toMatchObject({ state: 'pending', attempts: 0 });

    const first = await open();
    await waitFor(() => first.messages.length === 1, 2000, 'the queued push');
    expect((first.messages[0]?.['params'] as JsonObject[])[0]).toMatchObject({ id });
    first.socket.close();
    await first.closed;
    await waitFor(() => sandbox.wsConnectionCount() === 0, 2000, 'the disconnect');

    const second = await open();
    await waitFor(() => second.messages.length === 1, 2000, 'the redelivery on reconnect');
    expect(second.messages[0]?.['id']).toBe(first.messages[0]?.['id']);
    ack(second, second.messages[0]?.['id']);
    await waitFor(() => sandbox.deliveries()[0]?.state === 'delivered', 2000, 'the ack');
  });

  it('sends getStatus and returns what each connection answers', async () => {
    const client = await open();
    client.socket.on('message', (raw: Buffer) => {
      const message = JSON.parse(raw.toString('utf8')) as JsonObject;
      if (message['method'] === 'getStatus')
        client.socket.send(
          JSON.stringify({
            jsonrpc: '2.0',
            id: message['id'],
            result: { version: '1.0', type: 'device', settings: {}, log: [] },
          }),
        );
    });
    const replies = await sandbox.control.wsGetStatus(MERCHANT_A.merchantId, 40, 2000);
    expect(replies).toEqual([
      expect.objectContaining({
        result: { version: '1.0', type: 'device', settings: {}, log: [] },
        error: null,
      }),
    ]);
    expect(client.messages[0]).toMatchObject({ method: 'getStatus', params: { logQuantity: 40 } });
  });

  it('uses both channels when both are on', async () => {
    const client = await open(MERCHANT_B.token);
    const id = String(
      data(await api(sandbox, MERCHANT_B.token).create(orderBody({ merchantId: MERCHANT_B.merchantId })))[
        'id'
      ],
    );
    sandbox.control.payOrder(id);
    await waitFor(
      () => client.messages.length === 1 && receiver.received.length === 1,
      2000,
      'both channels',
    );
    ack(client, client.messages[0]?.['id']);
    sandbox.control.setChannels(MERCHANT_B.merchantId, { websocket: false });
    sandbox.control.sendTestNotification(MERCHANT_B.merchantId);
    await waitFor(() => receiver.received.length === 2, 2000, 'the test webhook');
    await sleep(50);
    expect(client.messages).toHaveLength(1);
  });
});
