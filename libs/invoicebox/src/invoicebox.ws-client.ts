import WebSocket from 'ws';
import { NotificationMalformedError } from './invoicebox.errors';
import { InvoiceboxLogger, silentInvoiceboxLogger } from './invoicebox.logger';
import {
  InvoiceboxNotification,
  InvoiceboxNotificationOutcome,
  formatNotificationReply,
  parseNotificationPayload,
} from './notification.parser';
import {
  GatewayStatus,
  JSON_RPC_INVALID_PARAMS,
  JSON_RPC_INVALID_REQUEST,
  JSON_RPC_METHOD_NOT_FOUND,
  JSON_RPC_PARSE_ERROR,
  JsonRpcFailure,
  JsonRpcId,
  JsonRpcSuccess,
} from './wire/json-rpc.wire';
import { isWireObject } from './wire/wire-reader';

export const INVOICEBOX_WS_URL = 'wss://ws-gate.invoicebox.ru';

export type GatewayConnectionState = 'idle' | 'connecting' | 'open' | 'waiting' | 'stopped';

export interface InvoiceboxWsClientOptions {
  token: string;
  appVersion: string;
  onOrderStatusChange: (notification: InvoiceboxNotification) => Promise<InvoiceboxNotificationOutcome>;
  wsUrl?: string;
  logger?: InvoiceboxLogger;
  minReconnectDelayMs?: number;
  maxReconnectDelayMs?: number;
  stableAfterMs?: number;
  pingIntervalMs?: number;
  pongTimeoutMs?: number;
  handshakeTimeoutMs?: number;
  random?: () => number;
  onStateChange?: (state: GatewayConnectionState) => void;
}

export interface GatewayHealth {
  state: GatewayConnectionState;
  connected: boolean;
  connectedSince?: Date;
  lastMessageAt?: Date;
  reconnectAttempt: number;
  lastError?: string;
}

type RpcReply = JsonRpcSuccess<unknown> | JsonRpcFailure;

// The reply to onOrderStatusChange is undocumented (§6.3): see docs/decisions/invoicebox-websocket.md.
export function orderStatusChangeReply(id: JsonRpcId, outcome: InvoiceboxNotificationOutcome): RpcReply {
  return { jsonrpc: '2.0', id, result: formatNotificationReply(outcome) };
}

function rpcError(id: JsonRpcId, code: number, message: string): JsonRpcFailure {
  return { jsonrpc: '2.0', id, error: { code, message } };
}

function rawText(data: WebSocket.RawData): string {
  if (Array.isArray(data)) return Buffer.concat(data).toString('utf8');
  return (data instanceof ArrayBuffer ? Buffer.from(data) : data).toString('utf8');
}

function rpcId(value: unknown): JsonRpcId | undefined {
  return typeof value === 'string' || typeof value === 'number' || value === null ? value : undefined;
}

export class InvoiceboxWsClient {
  private readonly endpoint: string;
  private readonly url: string;
  private readonly logger: InvoiceboxLogger;
  private readonly random: () => number;
  private socket?: WebSocket;
  private currentState: GatewayConnectionState = 'idle';
  private attempt = 0;
  private connectedSince?: Date;
  private lastMessageAt?: Date;
  private lastError?: string;
  private reconnectTimer?: NodeJS.Timeout;
  private stableTimer?: NodeJS.Timeout;
  private pingTimer?: NodeJS.Timeout;
  private pongTimer?: NodeJS.Timeout;

  constructor(private readonly options: InvoiceboxWsClientOptions) {
    this.endpoint = `${(options.wsUrl ?? INVOICEBOX_WS_URL).replace(/\/+$/, '')}/v3/gate/rpc`;
    this.url = `${this.endpoint}?token=${encodeURIComponent(options.token)}`;
    this.logger = options.logger ?? silentInvoiceboxLogger;
    this.random = options.random ?? Math.random;
  }

  get state(): GatewayConnectionState {
    return this.currentState;
  }

  health(): GatewayHealth {
    return {
      state: this.currentState,
      connected: this.currentState === 'open',
      reconnectAttempt: this.attempt,
      ...(this.connectedSince ? { connectedSince: this.connectedSince } : {}),
      ...(this.lastMessageAt ? { lastMessageAt: this.lastMessageAt } : {}),
      ...(this.lastError ? { lastError: this.lastError } : {}),
    };
  }

  start(): void {
    if (this.currentState !== 'idle' && this.currentState !== 'stopped') return;
    this.connect();
  }

  async stop(): Promise<void> {
    this.setState('stopped');
    clearTimeout(this.reconnectTimer);
    const socket = this.socket;
    this.socket = undefined;
    this.clearConnectionTimers();
    if (socket === undefined || socket.readyState === WebSocket.CLOSED) return;
    await new Promise<void>((resolve) => {
      const force = setTimeout(() => socket.terminate(), 1_000);
      socket.once('close', () => {
        clearTimeout(force);
        resolve();
      });
      if (socket.readyState === WebSocket.CONNECTING) socket.terminate();
      else socket.close(1000, 'bridge stopping');
    });
  }

  private connect(): void {
    this.attempt += 1;
    this.setState('connecting');
    // The URL carries the token: only `endpoint` is ever logged.
    const socket = new WebSocket(this.url, {
      handshakeTimeout: this.options.handshakeTimeoutMs ?? 15_000,
      headers: { 'User-Agent': `PosBridge/${this.options.appVersion} (Invoicebox 3.0)` },
    });
    this.socket = socket;
    socket.on('open', () => this.onOpen(socket));
    socket.on('message', (data) => {
      this.onMessage(socket, data).catch((error: unknown) => {
        this.logger.warn(
          { error: error instanceof Error ? error.message : String(error) },
          'invoicebox gateway message failed',
        );
      });
    });
    socket.on('pong', () => clearTimeout(this.pongTimer));
    socket.on('error', (error) => {
      this.lastError = error.message;
      this.logger.warn({ endpoint: this.endpoint, error: error.message }, 'invoicebox gateway socket error');
    });
    socket.on('close', (code) => this.onClose(socket, code));
  }

  private onOpen(socket: WebSocket): void {
    if (this.socket !== socket) return;
    this.connectedSince = new Date();
    this.setState('open');
    this.logger.info({ endpoint: this.endpoint, attempt: this.attempt }, 'invoicebox gateway connected');
    this.stableTimer = setTimeout(() => {
      this.attempt = 0;
    }, this.options.stableAfterMs ?? 30_000);
    const interval = this.options.pingIntervalMs ?? 30_000;
    this.pingTimer = setInterval(() => {
      if (socket.readyState !== WebSocket.OPEN) return;
      clearTimeout(this.pongTimer);
      this.pongTimer = setTimeout(() => {
        this.lastError = 'no pong from the gateway';
        this.logger.warn(
          { endpoint: this.endpoint },
          'invoicebox gateway did not answer a ping; reconnecting',
        );
        socket.terminate();
      }, this.options.pongTimeoutMs ?? 10_000);
      socket.ping();
    }, interval);
  }

  private onClose(socket: WebSocket, code: number): void {
    if (this.socket !== socket) return;
    this.socket = undefined;
    this.connectedSince = undefined;
    this.clearConnectionTimers();
    if (this.currentState === 'stopped') return;
    const delay = this.reconnectDelay();
    this.logger.warn(
      { endpoint: this.endpoint, code, delayMs: delay },
      'invoicebox gateway closed; reconnecting',
    );
    this.setState('waiting');
    this.reconnectTimer = setTimeout(() => this.connect(), delay);
  }

  private reconnectDelay(): number {
    const min = this.options.minReconnectDelayMs ?? 1_000;
    const max = this.options.maxReconnectDelayMs ?? 60_000;
    const step = Math.min(max, min * 2 ** Math.max(0, this.attempt - 1));
    return Math.round(step / 2 + (this.random() * step) / 2);
  }

  private clearConnectionTimers(): void {
    clearTimeout(this.stableTimer);
    clearInterval(this.pingTimer);
    clearTimeout(this.pongTimer);
  }

  private setState(state: GatewayConnectionState): void {
    if (this.currentState === state) return;
    this.currentState = state;
    this.options.onStateChange?.(state);
  }

  private async onMessage(socket: WebSocket, data: WebSocket.RawData): Promise<void> {
    this.lastMessageAt = new Date();
    let message: unknown;
    try {
      message = JSON.parse(rawText(data));
    } catch {
      this.send(socket, rpcError(null, JSON_RPC_PARSE_ERROR, 'Parse error'));
      return;
    }
    if (!isWireObject(message) || message['jsonrpc'] !== '2.0' || typeof message['method'] !== 'string') {
      const isResponse = isWireObject(message) && ('result' in message || 'error' in message);
      if (!isResponse) this.send(socket, rpcError(null, JSON_RPC_INVALID_REQUEST, 'Invalid Request'));
      return;
    }
    const id = rpcId(message['id']);
    const reply = await this.dispatch(id ?? null, message['method'], message['params']);
    if (id !== undefined) this.send(socket, reply);
  }

  private async dispatch(id: JsonRpcId, method: string, params: unknown): Promise<RpcReply> {
    if (method === 'getStatus') return { jsonrpc: '2.0', id, result: this.status() };
    if (method !== 'onOrderStatusChange') return rpcError(id, JSON_RPC_METHOD_NOT_FOUND, 'Method not found');
    let notification: InvoiceboxNotification;
    try {
      notification = parseNotificationPayload(Array.isArray(params) ? params[0] : undefined);
    } catch (error) {
      if (!(error instanceof NotificationMalformedError)) throw error;
      this.logger.warn(
        { rpcId: id, error: error.message },
        'invoicebox gateway sent a malformed notification',
      );
      return rpcError(id, JSON_RPC_INVALID_PARAMS, error.message);
    }
    try {
      return orderStatusChangeReply(id, await this.options.onOrderStatusChange(notification));
    } catch (error) {
      this.logger.warn(
        {
          rpcId: id,
          orderId: notification.id,
          error: error instanceof Error ? error.message : String(error),
        },
        'invoicebox notification handler failed; answering out_of_service',
      );
      return orderStatusChangeReply(id, { status: 'error', code: 'out_of_service' });
    }
  }

  private status(): GatewayStatus {
    return { version: this.options.appVersion, type: 'device', settings: {}, log: [] };
  }

  private send(socket: WebSocket, payload: RpcReply): void {
    if (socket.readyState !== WebSocket.OPEN) {
      this.logger.warn(
        { endpoint: this.endpoint, rpcId: payload.id },
        'invoicebox gateway closed before the reply',
      );
      return;
    }
    socket.send(JSON.stringify(payload));
  }
}
