import { randomBytes, randomUUID } from 'node:crypto';
import { IncomingMessage } from 'node:http';
import { Duplex } from 'node:stream';
import { RawData, WebSocket, WebSocketServer } from 'ws';
import { OffsetClock } from './clock';
import { MerchantRecord } from './state';
import { Timers } from './timers';
import {
  DeliveryAttempt,
  DeliveryRecord,
  Json,
  WebSocketSettings,
  WsFrameRecord,
  WsStatusReply,
} from './types';
import { atom, isJsonObject, phpJsonEncode } from './wire';

interface Connection {
  id: string;
  merchantId: string;
  socket: WebSocket;
}

interface PendingPush {
  delivery: DeliveryRecord;
  sends: number;
  sentAt: number;
  timer: NodeJS.Timeout | null;
}

interface StatusWaiter {
  connectionId: string;
  finish: (reply: WsStatusReply) => void;
}

export interface WsGatewayHooks {
  clock: OffsetClock;
  settings: () => WebSocketSettings;
  merchantByToken: (token: string) => MerchantRecord | undefined;
  recordAttempt: (attempt: DeliveryAttempt) => void;
  countConnect: (merchantId: string | null) => void;
}

export const GATE_PATHS: readonly string[] = ['/v3/gate/rpc', '/l3/gate/rpc'];

export function rpcId(): string {
  return randomBytes(10).toString('hex');
}

export class WsGateway {
  private readonly server = new WebSocketServer({ noServer: true });
  private readonly connections = new Map<string, Connection>();
  private readonly pending = new Map<string, PendingPush>();
  private readonly waiters = new Map<string, StatusWaiter>();
  private readonly timers = new Timers();
  readonly frames: WsFrameRecord[] = [];

  constructor(private readonly hooks: WsGatewayHooks) {}

  handleUpgrade(request: IncomingMessage, socket: Duplex, head: Buffer): void {
    const url = new URL(request.url ?? '/', 'http://sandbox');
    if (!GATE_PATHS.includes(url.pathname)) {
      socket.end('HTTP/1.1 404 Not Found\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
      return;
    }
    const merchant = this.hooks.merchantByToken(url.searchParams.get('token') ?? '');
    this.hooks.countConnect(merchant?.merchantId ?? null);
    if (!merchant && this.hooks.settings().badTokenBehaviour === 'reject') {
      socket.end('HTTP/1.1 401 Unauthorized\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
      return;
    }
    this.server.handleUpgrade(request, socket, head, (ws) => {
      if (merchant) this.attach(ws, merchant);
      else ws.close(4401, 'Unauthorized');
    });
  }

  connectionCount(merchantId?: string): number {
    return [...this.connections.values()].filter(
      (c) => merchantId === undefined || c.merchantId === merchantId,
    ).length;
  }

  private attach(socket: WebSocket, merchant: MerchantRecord): void {
    const connection: Connection = { id: randomUUID(), merchantId: merchant.merchantId, socket };
    this.connections.set(connection.id, connection);
    socket.on('message', (data: RawData) => this.onMessage(connection, rawText(data)));
    socket.on('close', () => this.connections.delete(connection.id));
    socket.on('error', () => this.connections.delete(connection.id));
    for (const push of this.pending.values()) {
      if (push.delivery.merchantId !== merchant.merchantId) continue;
      if (push.timer === null) this.send(push);
      else this.write(connection, push.delivery.body);
    }
  }

  push(delivery: DeliveryRecord): void {
    const push: PendingPush = { delivery, sends: 0, sentAt: 0, timer: null };
    if (delivery.rpcId === null) throw new Error('WebSocket delivery without an rpc id');
    this.pending.set(delivery.rpcId, push);
    this.send(push);
  }

  private targets(merchantId: string): Connection[] {
    return [...this.connections.values()].filter(
      (c) => c.merchantId === merchantId && c.socket.readyState === WebSocket.OPEN,
    );
  }

  private send(push: PendingPush): void {
    this.timers.cancel(push.timer);
    push.timer = null;
    const targets = this.targets(push.delivery.merchantId);
    if (targets.length === 0) {
      push.delivery.state = 'pending';
      return;
    }
    push.sends += 1;
    push.sentAt = this.hooks.clock.nowMs();
    push.delivery.attempts = push.sends;
    push.delivery.state = 'in_flight';
    for (const connection of targets) this.write(connection, push.delivery.body);
    this.scheduleRedelivery(push, true);
  }

  private scheduleRedelivery(push: PendingPush, timedOut: boolean): void {
    this.timers.cancel(push.timer);
    push.timer = this.timers.after(this.hooks.settings().ackTimeoutMs, () => {
      push.timer = null;
      if (timedOut) this.recordAttempt(push, 'failure', null, 'ack_timeout');
      if (push.sends > this.hooks.settings().maxRedeliveries) {
        push.delivery.state = 'failed';
        if (push.delivery.rpcId !== null) this.pending.delete(push.delivery.rpcId);
        return;
      }
      this.send(push);
    });
  }

  private write(connection: Connection, data: string): void {
    connection.socket.send(data);
    this.frames.push({
      direction: 'out',
      merchantId: connection.merchantId,
      connectionId: connection.id,
      at: atom(this.hooks.clock.nowMs()),
      data,
    });
  }

  private recordAttempt(
    push: PendingPush,
    outcome: DeliveryAttempt['outcome'],
    reply: string | null,
    reason: string | null,
  ): void {
    this.hooks.recordAttempt({
      deliveryId: push.delivery.id,
      channel: 'websocket',
      orderId: push.delivery.orderId,
      attempt: push.sends,
      url: null,
      startedAt: atom(push.sentAt),
      finishedAt: atom(this.hooks.clock.nowMs()),
      outcome,
      httpStatus: null,
      responseBody: reply,
      reason,
    });
  }

  private onMessage(connection: Connection, text: string): void {
    this.frames.push({
      direction: 'in',
      merchantId: connection.merchantId,
      connectionId: connection.id,
      at: atom(this.hooks.clock.nowMs()),
      data: text,
    });
    let message: Json;
    try {
      message = JSON.parse(text) as Json;
    } catch {
      this.write(
        connection,
        phpJsonEncode({ jsonrpc: '2.0', id: null, error: { code: -32700, message: 'Parse error' } }),
      );
      return;
    }
    if (!isJsonObject(message)) return;
    const id =
      typeof message['id'] === 'string' || typeof message['id'] === 'number' ? String(message['id']) : null;
    if (typeof message['method'] === 'string') {
      this.write(
        connection,
        phpJsonEncode({ jsonrpc: '2.0', id, error: { code: -32601, message: 'Method not found' } }),
      );
      return;
    }
    if (id === null) return;
    const waiter = this.waiters.get(id);
    if (waiter && waiter.connectionId === connection.id) {
      const error = isJsonObject(message['error']) ? JSON.stringify(message['error']) : null;
      waiter.finish({ connectionId: connection.id, result: message['result'] ?? null, error });
      return;
    }
    const push = this.pending.get(id);
    if (!push || push.delivery.merchantId !== connection.merchantId) return;
    const result = message['result'];
    if (isJsonObject(result) && result['status'] === 'success') {
      this.timers.cancel(push.timer);
      this.pending.delete(id);
      push.delivery.state = 'delivered';
      push.delivery.deliveredAt = atom(this.hooks.clock.nowMs());
      this.recordAttempt(push, 'success', text, null);
    } else {
      const code =
        isJsonObject(result) && typeof result['code'] === 'string' ? result['code'] : 'error_reply';
      this.recordAttempt(push, 'failure', text, `error_code:${code}`);
      this.scheduleRedelivery(push, false);
    }
  }

  getStatus(merchantId: string, logQuantity: number, timeoutMs: number): Promise<WsStatusReply[]> {
    return Promise.all(
      this.targets(merchantId).map(
        (connection) =>
          new Promise<WsStatusReply>((resolve) => {
            const id = rpcId();
            const timer = this.timers.after(timeoutMs, () =>
              finish({ connectionId: connection.id, result: null, error: 'timeout' }),
            );
            const finish = (reply: WsStatusReply): void => {
              this.timers.cancel(timer);
              this.waiters.delete(id);
              resolve(reply);
            };
            this.waiters.set(id, { connectionId: connection.id, finish });
            this.write(
              connection,
              phpJsonEncode({ jsonrpc: '2.0', id, method: 'getStatus', params: { logQuantity } }),
            );
          }),
      ),
    );
  }

  reset(): void {
    for (const push of this.pending.values()) this.timers.cancel(push.timer);
    this.pending.clear();
    for (const waiter of [...this.waiters.values()])
      waiter.finish({ connectionId: waiter.connectionId, result: null, error: 'reset' });
    this.frames.length = 0;
  }

  async close(): Promise<void> {
    this.reset();
    this.timers.clear();
    for (const connection of this.connections.values()) connection.socket.terminate();
    this.connections.clear();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}

function rawText(data: RawData): string {
  if (Array.isArray(data)) return Buffer.concat(data).toString('utf8');
  if (data instanceof ArrayBuffer) return Buffer.from(data).toString('utf8');
  return data.toString('utf8');
}
