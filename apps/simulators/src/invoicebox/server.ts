import { randomUUID } from 'node:crypto';
import http, { IncomingMessage, ServerResponse } from 'node:http';
import { AddressInfo } from 'node:net';
import { OffsetClock, systemClock } from './clock';
import { SandboxView, handleControlRequest } from './control-http';
import { FaultInjector } from './faults';
import { NotificationPayload, Notifier, TEST_NOTIFICATION_ID } from './notifier';
import { STATUS_MESSAGES, renderMessagePage, renderPaymentPage } from './page';
import { MerchantRecord, OrderRecord, SandboxState, merchantRecord } from './state';
import { Timers } from './timers';
import {
  ChannelSettings,
  FaultAction,
  FaultRuleInput,
  InvoiceboxSandbox,
  InvoiceboxSandboxControl,
  InvoiceboxSandboxOptions,
  Json,
  NotificationChannel,
  ROUTE_KINDS,
  RequestCounts,
  RequestRecord,
  RouteKind,
  SandboxLogger,
  SandboxSettings,
  SandboxSettingsPatch,
} from './types';
import { ApiError, atom, phpJsonEncode } from './wire';
import { WsGateway } from './ws-gateway';

/*
 * Our reading of "10 more times over the next 24 h" (reference §6.1): growing gaps that add up to ~24 h.
 */
const REAL_RETRY_DELAYS_MS: readonly number[] = [1, 5, 15, 30, 60, 120, 180, 240, 360, 420].map(
  (m) => m * 60_000,
);

export const DEFAULT_SETTINGS: SandboxSettings = {
  notifyOnStatuses: ['completed', 'canceled'],
  refundCompletionDelayMs: 0,
  webhook: { timeoutMs: 20_000, retryDelaysMs: REAL_RETRY_DELAYS_MS, retryOnErrorCodes: ['out_of_service'] },
  websocket: { ackTimeoutMs: 10_000, maxRedeliveries: 10, badTokenBehaviour: 'close' },
};

const MAX_BODY_BYTES = 1024 * 1024;
const MAX_REQUEST_LOG = 10_000;
const silentLogger: SandboxLogger = { info: () => undefined, warn: () => undefined, error: () => undefined };

function definedOnly<T extends object>(value: T | undefined): Partial<T> {
  return Object.fromEntries(Object.entries(value ?? {}).filter(([, v]) => v !== undefined)) as Partial<T>;
}

export function mergeSettings(base: SandboxSettings, patch: SandboxSettingsPatch = {}): SandboxSettings {
  const merged: SandboxSettings = {
    notifyOnStatuses: [...(patch.notifyOnStatuses ?? base.notifyOnStatuses)],
    refundCompletionDelayMs: patch.refundCompletionDelayMs ?? base.refundCompletionDelayMs,
    webhook: { ...base.webhook, ...definedOnly(patch.webhook) },
    websocket: { ...base.websocket, ...definedOnly(patch.websocket) },
  };
  const nonNegative = [
    merged.refundCompletionDelayMs,
    merged.webhook.timeoutMs,
    merged.websocket.ackTimeoutMs,
    merged.websocket.maxRedeliveries,
    ...merged.webhook.retryDelaysMs,
  ];
  if (nonNegative.some((n) => !(Number.isFinite(n) && n >= 0)))
    throw new RangeError('Delays, timeouts and counts must be finite numbers >= 0');
  return merged;
}

interface RouteContext {
  merchant: MerchantRecord;
  params: string[];
  query: URLSearchParams;
  body: Json;
}

interface ApiRoute {
  method: string;
  pattern: RegExp;
  key: string;
  kind: RouteKind;
  hasBody: boolean;
  run: (ctx: RouteContext) => unknown;
}

interface ApiReply {
  status: number;
  body: unknown;
  headers?: Record<string, string>;
}

function envelope(data: unknown): { data: unknown; extendedData: [] } {
  return { data, extendedData: [] };
}

function collection(items: unknown[], page: { totalCount: number; pageSize: number; page: number }): unknown {
  return {
    data: items,
    metaData: { totalCount: page.totalCount, pageSize: page.pageSize, page: page.page },
    extendedData: [],
  };
}

function readBody(request: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    request.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) reject(new ApiError(413, 'payload_too_large', 'Payload Too Large'));
      else chunks.push(chunk);
    });
    request.on('end', () => resolve(Buffer.concat(chunks)));
    request.on('error', reject);
  });
}

function bearerToken(request: IncomingMessage): string | null {
  const header = request.headers.authorization;
  if (header === undefined) return null;
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
  return match?.[1] ?? '';
}

class SandboxServer {
  readonly clock: OffsetClock;
  private readonly logger: SandboxLogger;
  private readonly http: http.Server;
  private readonly timers = new Timers();
  private readonly merchants = new Map<string, MerchantRecord>();
  private readonly initialSettings: SandboxSettings;
  private currentSettings: SandboxSettings;
  readonly state: SandboxState;
  readonly ws: WsGateway;
  readonly notifier: Notifier;
  private readonly faults: FaultInjector;
  private readonly routeCounts = new Map<string, number>();
  private kindCounts = Object.fromEntries(ROUTE_KINDS.map((k) => [k, 0])) as Record<RouteKind, number>;
  private totalCount = 0;
  readonly requestLog: RequestRecord[] = [];
  private readonly rateWindows = new Map<string, { start: number; count: number }>();
  private readonly routes: ApiRoute[];
  private sweepTimer: NodeJS.Timeout | null = null;
  private closed = false;
  baseUrl = '';
  port = 0;

  constructor(private readonly options: InvoiceboxSandboxOptions) {
    this.clock = new OffsetClock(options.clock ?? systemClock);
    this.logger = options.logger ?? silentLogger;
    this.initialSettings = mergeSettings(DEFAULT_SETTINGS, options.settings);
    this.currentSettings = mergeSettings(this.initialSettings);
    this.loadMerchants();
    this.faults = new FaultInjector(options.random ?? Math.random);
    this.ws = new WsGateway({
      clock: this.clock,
      settings: () => this.currentSettings.websocket,
      merchantByToken: (token) => this.merchantByToken(token),
      recordAttempt: (attempt) => this.notifier.attempts.push(attempt),
      countConnect: (merchantId) => {
        this.count('WS /v3/gate/rpc', null);
        this.logRequest({
          method: 'GET',
          path: '/v3/gate/rpc',
          route: 'WS /v3/gate/rpc',
          kind: null,
          merchantId,
        });
      },
    });
    this.notifier = new Notifier({
      clock: this.clock,
      webhook: () => this.currentSettings.webhook,
      ws: this.ws,
      logger: this.logger,
    });
    this.state = new SandboxState({
      clock: this.clock,
      paymentBaseUrl: () => (this.options.publicBaseUrl ?? this.baseUrl).replace(/\/+$/, ''),
      settings: () => this.currentSettings,
      onStatusChange: (order) => this.onStatusChange(order),
      schedule: (ms, task) => this.timers.after(ms, task),
    });
    this.routes = this.buildRoutes();
    this.http = http.createServer((request, response) => {
      void this.onRequest(request, response);
    });
    this.http.on('upgrade', (request: IncomingMessage, socket, head: Buffer) =>
      this.ws.handleUpgrade(request, socket, head),
    );
    this.http.on('clientError', (_error, socket) => socket.destroy());
  }

  private loadMerchants(): void {
    this.merchants.clear();
    for (const options of this.options.merchants) {
      if (this.merchants.has(options.merchantId)) throw new Error(`Duplicate merchant ${options.merchantId}`);
      this.merchants.set(options.merchantId, merchantRecord(options));
    }
  }

  async listen(): Promise<void> {
    const host = this.options.host ?? '127.0.0.1';
    await new Promise<void>((resolve, reject) => {
      this.http.once('error', reject);
      this.http.listen(this.options.port ?? 0, host, () => {
        this.http.off('error', reject);
        resolve();
      });
    });
    this.port = (this.http.address() as AddressInfo).port;
    const shownHost =
      host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host.includes(':') ? `[${host}]` : host;
    this.baseUrl = `http://${shownHost}:${this.port}`;
    this.sweepTimer = setInterval(
      () => this.state.sweepExpired(),
      this.options.expirySweepIntervalMs ?? 1000,
    );
    this.sweepTimer.unref();
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    if (this.sweepTimer) clearInterval(this.sweepTimer);
    this.timers.clear();
    this.notifier.close();
    await this.ws.close();
    this.http.closeAllConnections();
    await new Promise<void>((resolve) => this.http.close(() => resolve()));
  }

  merchant(merchantId: string): MerchantRecord {
    const merchant = this.merchants.get(merchantId);
    if (!merchant) throw new ApiError(404, 'not_found', `Unknown merchant ${merchantId}`);
    return merchant;
  }

  private merchantByToken(token: string): MerchantRecord | undefined {
    return [...this.merchants.values()].find((m) => m.token === token);
  }

  private onStatusChange(order: OrderRecord): void {
    if (!this.currentSettings.notifyOnStatuses.includes(order.status)) return;
    const merchant = this.merchant(order.merchantId);
    const own = order.extras['notificationUrl'];
    const url = typeof own === 'string' ? own : merchant.notificationUrl;
    this.notifier.publish(merchant, this.state.orderToWire(order), url, false);
  }

  sendTestNotification(merchantId: string): ReturnType<Notifier['publish']> {
    const merchant = this.merchant(merchantId);
    const now = this.clock.nowMs();
    const base = (this.options.publicBaseUrl ?? this.baseUrl).replace(/\/+$/, '');
    const payload: NotificationPayload = {
      id: TEST_NOTIFICATION_ID,
      description: 'Тестовое уведомление',
      currencyId: 'RUB',
      amount: 1,
      vatAmount: 0,
      basketItems: [],
      orderContainerId: TEST_NOTIFICATION_ID,
      merchantId,
      status: 'completed',
      subtype: 'order',
      createdAt: atom(now),
      merchantOrderId: '',
      merchantOrderIdVisible: '',
      expirationDate: atom(now + 86_400_000),
      fileIds: [],
      paymentUrl: `${base}/order/${TEST_NOTIFICATION_ID}`,
      customer: {},
      languageId: 'ru',
      processable: true,
    };
    return this.notifier.publish(merchant, payload, merchant.notificationUrl, true);
  }

  private count(route: string, kind: RouteKind | null): void {
    this.routeCounts.set(route, (this.routeCounts.get(route) ?? 0) + 1);
    if (kind) this.kindCounts[kind] += 1;
    this.totalCount += 1;
  }

  private logRequest(entry: Omit<RequestRecord, 'requestId' | 'at' | 'status' | 'fault'>): RequestRecord {
    const record: RequestRecord = {
      requestId: randomUUID(),
      at: atom(this.clock.nowMs()),
      status: null,
      fault: null,
      ...entry,
    };
    this.requestLog.push(record);
    if (this.requestLog.length > MAX_REQUEST_LOG)
      this.requestLog.splice(0, this.requestLog.length - MAX_REQUEST_LOG);
    return record;
  }

  requestCounts(): RequestCounts {
    return {
      byRoute: Object.fromEntries(this.routeCounts),
      byKind: { ...this.kindCounts },
      total: this.totalCount,
    };
  }

  resetRequestCounts(): void {
    this.routeCounts.clear();
    this.kindCounts = Object.fromEntries(ROUTE_KINDS.map((k) => [k, 0])) as Record<RouteKind, number>;
    this.totalCount = 0;
    this.requestLog.length = 0;
  }

  reset(): void {
    this.timers.clear();
    this.state.clear();
    this.notifier.reset();
    this.ws.reset();
    this.faults.clear();
    this.resetRequestCounts();
    this.rateWindows.clear();
    this.currentSettings = mergeSettings(this.initialSettings);
    this.clock.resetOffset();
    this.loadMerchants();
  }

  private async onRequest(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const requestId = randomUUID();
    response.setHeader('X-Request-Id', requestId);
    try {
      const url = new URL(request.url ?? '/', 'http://sandbox');
      this.state.sweepExpired();
      if (url.pathname.startsWith('/__control/')) {
        const body = await readBody(request);
        const reply = await handleControlRequest(
          this.controlApi,
          this.view,
          request.method ?? 'GET',
          url,
          body,
        );
        this.sendJson(response, reply.status, reply.body, false);
      } else if (url.pathname.startsWith('/order/')) {
        await readBody(request);
        this.servePaymentPage(request, response, url, requestId);
      } else if (/^\/[vl]3\//.test(url.pathname)) {
        await this.serveApi(request, response, url, requestId);
      } else {
        this.sendJson(response, 404, new ApiError(404, 'not_found', 'Not Found').body(), true);
      }
    } catch (error) {
      if (error instanceof ApiError) {
        this.sendJson(response, error.status, error.body(), true, error.headers);
        return;
      }
      this.logger.error('Sandbox request failed', { error: String(error) });
      if (!response.headersSent)
        this.sendJson(
          response,
          500,
          new ApiError(500, 'internal_server_error', 'Internal Server Error').body(),
          true,
        );
    }
  }

  private sendJson(
    response: ServerResponse,
    status: number,
    body: unknown,
    php: boolean,
    headers: Record<string, string> = {},
  ): void {
    if (response.headersSent || response.destroyed) return;
    const text = php ? phpJsonEncode(body) : JSON.stringify(body);
    response.writeHead(status, {
      ...headers,
      'Content-Type': 'application/json; charset=utf-8',
      'Content-Length': String(Buffer.byteLength(text)),
    });
    response.end(text);
  }

  private sendHtml(response: ServerResponse, status: number, html: string): void {
    response.writeHead(status, {
      'Content-Type': 'text/html; charset=utf-8',
      'Content-Length': String(Buffer.byteLength(html)),
    });
    response.end(html);
  }

  private servePaymentPage(
    request: IncomingMessage,
    response: ServerResponse,
    url: URL,
    requestId: string,
  ): void {
    const match = /^\/order\/([^/]+)(\/pay)?\/?$/.exec(url.pathname);
    const method = request.method ?? 'GET';
    const route = match?.[2] ? 'POST /order/{orderContainerId}/pay' : 'GET /order/{orderContainerId}';
    const log = this.logRequest({ method, path: url.pathname, route, kind: null, merchantId: null });
    log.requestId = requestId;
    this.count(route, null);
    const orders = match ? this.state.containerOrders(decodeURIComponent(match[1] ?? '')) : [];
    const send = (status: number, html: string): void => {
      log.status = status;
      this.sendHtml(response, status, html);
    };
    if (!match || orders.length === 0)
      return send(404, renderMessagePage('Заказ не найден', 'Заказ не найден.', false));
    const first = orders[0];
    log.merchantId = first?.merchantId ?? null;
    if (!match[2]) {
      if (method !== 'GET' && method !== 'HEAD')
        return send(405, renderMessagePage('Ошибка', 'Метод не поддерживается.', false));
      return send(200, renderPaymentPage(match[1] ?? '', orders));
    }
    if (method !== 'POST') return send(405, renderMessagePage('Ошибка', 'Метод не поддерживается.', false));
    const payable = orders.filter((o) => o.status === 'created');
    if (payable.length === 0) {
      const status = first?.status ?? 'canceled';
      return send(409, renderMessagePage('Оплата невозможна', STATUS_MESSAGES[status], false));
    }
    for (const order of payable) this.state.pay(order);
    const success = payable[0]?.extras['successUrl'];
    send(
      200,
      renderMessagePage(
        'Оплата прошла успешно',
        'Спасибо! Заказ оплачен.',
        true,
        typeof success === 'string' ? success : undefined,
      ),
    );
  }

  private async serveApi(
    request: IncomingMessage,
    response: ServerResponse,
    url: URL,
    requestId: string,
  ): Promise<void> {
    const method = request.method ?? 'GET';
    const path = url.pathname.replace(/^\/l3\//, '/v3/').replace(/\/+$/, '');
    const raw = await readBody(request);
    const candidates = this.routes.filter((r) => r.pattern.test(path));
    const route = candidates.find((r) => r.method === method);
    const log = this.logRequest({
      method,
      path: url.pathname,
      route: route?.key ?? `${method} (unmatched)`,
      kind: route?.kind ?? null,
      merchantId: null,
    });
    log.requestId = requestId;
    this.count(log.route, route?.kind ?? null);
    const respond = (reply: ApiReply): void => {
      log.status = reply.status;
      this.sendJson(response, reply.status, reply.body, true, reply.headers);
    };
    if (!route) {
      const status = candidates.length > 0 ? 405 : 404;
      const error =
        status === 405
          ? new ApiError(405, 'method_not_allowed', 'Method Not Allowed')
          : new ApiError(404, 'not_found', 'Not Found');
      return respond({ status, body: error.body() });
    }

    const fault = this.faults.take(route.kind);
    log.fault = fault?.kind ?? null;
    if (fault) {
      const early = await this.applyEarlyFault(fault, response);
      if (early === 'done') return;
      if (early) return respond(early);
    }
    const reply = this.handleApi(request, route, path, url, raw, log);
    if (fault?.kind === 'commitThenStall') await this.timers.sleep(fault.ms);
    if (fault?.kind === 'commitThenDrop') {
      if (fault.afterMs) await this.timers.sleep(fault.afterMs);
      log.status = null;
      response.socket?.destroy();
      return;
    }
    if (this.closed) return;
    respond(reply);
  }

  private async applyEarlyFault(
    fault: FaultAction,
    response: ServerResponse,
  ): Promise<ApiReply | 'done' | null> {
    switch (fault.kind) {
      case 'error': {
        const message = fault.message ?? (http.STATUS_CODES[fault.status] || 'Error');
        const code =
          fault.code ?? (http.STATUS_CODES[fault.status] ?? 'error').toLowerCase().replace(/\W+/g, '_');
        const headers: Record<string, string> =
          fault.retryAfterSeconds !== undefined ? { 'Retry-After': String(fault.retryAfterSeconds) } : {};
        return { status: fault.status, body: new ApiError(fault.status, code, message).body(), headers };
      }
      case 'stall':
        await this.timers.sleep(fault.ms);
        return this.closed ? 'done' : null;
      case 'drop':
        if (fault.afterMs) await this.timers.sleep(fault.afterMs);
        response.socket?.destroy();
        return 'done';
      default:
        return null;
    }
  }

  private handleApi(
    request: IncomingMessage,
    route: ApiRoute,
    path: string,
    url: URL,
    raw: Buffer,
    log: RequestRecord,
  ): ApiReply {
    try {
      const userAgent = request.headers['user-agent'];
      if (userAgent === undefined || userAgent.trim() === '')
        throw new ApiError(400, 'bad_request', 'User-Agent header is required', [
          { name: 'User-Agent', code: 'wrong_value', message: 'This value should not be blank.' },
        ]);
      const token = bearerToken(request);
      const merchant = token === null ? undefined : this.merchantByToken(token);
      if (route.kind === 'auth' && token === null)
        return { status: 200, body: envelope({ userId: null, profile: null, accessToken: null }) };
      if (!merchant) throw new ApiError(401, 'unauthorized', 'Unauthorized');
      log.merchantId = merchant.merchantId;
      this.checkRateLimit(token ?? '');
      let body: Json = null;
      if (route.hasBody) {
        try {
          body = JSON.parse(raw.toString('utf8')) as Json;
        } catch {
          throw new ApiError(400, 'bad_request', 'Request body is not valid JSON');
        }
      }
      const params = route.pattern.exec(path)?.slice(1) ?? [];
      return { status: 200, body: route.run({ merchant, params, query: url.searchParams, body }) };
    } catch (error) {
      if (error instanceof ApiError)
        return { status: error.status, body: error.body(), headers: error.headers };
      this.logger.error('Sandbox handler failed', { error: String(error) });
      return {
        status: 500,
        body: new ApiError(500, 'internal_server_error', 'Internal Server Error').body(),
      };
    }
  }

  private checkRateLimit(key: string): void {
    const limit = this.options.rateLimit;
    if (!limit) return;
    const now = Date.now();
    const window = this.rateWindows.get(key);
    if (!window || now - window.start >= limit.windowMs) {
      this.rateWindows.set(key, { start: now, count: 1 });
      return;
    }
    window.count += 1;
    if (window.count > limit.requests) {
      const retryAfter = Math.max(1, Math.ceil((window.start + limit.windowMs - now) / 1000));
      throw new ApiError(429, 'too_many_requests', 'Too Many Requests', [], {
        'Retry-After': String(retryAfter),
      });
    }
  }

  private buildRoutes(): ApiRoute[] {
    const id = '([0-9A-Za-z-]+)';
    const route = (method: string, path: string, kind: RouteKind, run: ApiRoute['run']): ApiRoute => ({
      method,
      key: `${method} ${path}`,
      pattern: new RegExp(`^${path.replace(/\{id\}/g, id)}$`),
      kind,
      hasBody: method === 'POST' || method === 'PUT',
      run,
    });
    const state = this.state;
    return [
      route('GET', '/v3/security/api/auth/auth', 'auth', ({ merchant }) =>
        envelope({ userId: merchant.userId, profile: null, accessToken: null }),
      ),
      route('POST', '/v3/billing/api/order/order', 'create', ({ merchant, body }) =>
        envelope(state.orderToWire(state.createOrder(merchant, body))),
      ),
      route('GET', '/v3/billing/api/order/order/{id}', 'read', ({ merchant, params }) =>
        envelope(state.orderToWire(state.ownedOrder(merchant, params[0] ?? ''))),
      ),
      route('PUT', '/v3/billing/api/order/order/{id}', 'update', ({ merchant, params, body }) =>
        envelope(state.orderToWire(state.updateOrder(merchant, params[0] ?? '', body))),
      ),
      route('DELETE', '/v3/billing/api/order/order/{id}', 'cancel', ({ merchant, params }) =>
        envelope(state.orderToWire(state.cancelOrder(merchant, params[0] ?? ''))),
      ),
      route('GET', '/v3/billing/api/order/order/{id}/refund-basket-item', 'read', ({ merchant, params }) =>
        envelope(state.refundBasket(merchant, params[0] ?? '')),
      ),
      route('GET', '/v3/filter/api/order/order', 'read', ({ merchant, query }) => {
        const page = state.listOrders(merchant, query);
        return collection(
          page.items.map((o) => state.orderToWire(o)),
          page,
        );
      }),
      route('POST', '/v3/billing/api/order/refund-order', 'refund', ({ merchant, body }) =>
        envelope(state.refundToWire(state.createRefund(merchant, body))),
      ),
      route('GET', '/v3/filter/api/order/refund-order', 'read', ({ merchant, query }) => {
        const page = state.listRefunds(merchant, query);
        return collection(
          page.items.map((r) => state.refundToWire(r)),
          page,
        );
      }),
    ];
  }

  readonly controlApi: InvoiceboxSandboxControl = {
    reset: () => this.reset(),
    advanceClock: (ms) => {
      if (!Number.isFinite(ms)) throw new RangeError('ms must be a finite number');
      this.clock.advance(ms);
      this.state.sweepExpired();
    },
    now: () => this.clock.now(),
    sweepExpired: () => this.state.sweepExpired(),
    payOrder: (orderId, options = {}) => {
      this.state.sweepExpired();
      const order = this.state.findOrder(orderId);
      if (!order) throw new ApiError(404, 'not_found', `Unknown order ${orderId}`);
      return this.state.orderToWire(this.state.pay(order, options));
    },
    addFault: (rule) => this.faults.add(rule),
    removeFault: (id) => this.faults.remove(id),
    clearFaults: () => this.faults.clear(),
    faults: () => this.faults.snapshot(),
    failNext: (kinds, count, status = 500) => this.addCounted(kinds, count, { kind: 'error', status }),
    rateLimitNext: (kinds, count, retryAfterSeconds = 1) =>
      this.addCounted(kinds, count, { kind: 'error', status: 429, retryAfterSeconds }),
    stallNext: (kinds, count, ms) => this.addCounted(kinds, count, { kind: 'stall', ms }),
    dropNext: (kinds, count) => this.addCounted(kinds, count, { kind: 'drop' }),
    commitThenStallNext: (kinds, count, ms) => this.addCounted(kinds, count, { kind: 'commitThenStall', ms }),
    commitThenDropNext: (kinds, count) => this.addCounted(kinds, count, { kind: 'commitThenDrop' }),
    dropNotifications: (count, channel) => this.notifier.addKnob('drop', count, channel ?? null),
    duplicateNotifications: (count, options = {}) =>
      this.notifier.addKnob('duplicate', count, options.channel ?? null, options.concurrent ?? false),
    holdNotifications: (channel?: NotificationChannel) => this.notifier.hold(channel ?? null),
    releaseHeldNotifications: (order = 'fifo') => this.notifier.releaseHeld(order),
    sendTestNotification: (merchantId) => this.sendTestNotification(merchantId),
    setChannels: (merchantId, channels: Partial<ChannelSettings>) => {
      const merchant = this.merchant(merchantId);
      merchant.channels = { ...merchant.channels, ...definedOnly(channels) };
      return { ...merchant.channels };
    },
    setNotificationUrl: (merchantId, url) => {
      this.merchant(merchantId).notificationUrl = url;
    },
    settings: () => mergeSettings(this.currentSettings),
    updateSettings: (patch) => {
      this.currentSettings = mergeSettings(this.currentSettings, patch);
      return mergeSettings(this.currentSettings);
    },
    requestCounts: () => this.requestCounts(),
    resetRequestCounts: () => this.resetRequestCounts(),
    wsGetStatus: (merchantId, logQuantity = 40, timeoutMs = 5000) => {
      this.merchant(merchantId);
      return this.ws.getStatus(merchantId, logQuantity, timeoutMs);
    },
    idle: () => this.notifier.idle(),
  };

  readonly view: SandboxView = {
    orders: () => this.state.allOrders().map((o) => this.state.orderToWire(o)),
    order: (id) => {
      const order = this.state.findOrder(id);
      return order ? this.state.orderToWire(order) : undefined;
    },
    refunds: () => this.state.allRefunds().map((r) => this.state.refundToWire(r)),
    deliveries: () => this.notifier.deliveries.map((d) => ({ ...d })),
    attempts: () => this.notifier.attempts.map((a) => ({ ...a })),
    wsFrames: () => this.ws.frames.map((f) => ({ ...f })),
    wsConnectionCount: (merchantId) => this.ws.connectionCount(merchantId),
    requests: () => this.requestLog.map((r) => ({ ...r })),
  };

  private addCounted(kinds: FaultRuleInput['kinds'], count: number, action: FaultAction): string {
    return this.faults.add({ kinds, count, action });
  }
}

export async function startInvoiceboxSandbox(options: InvoiceboxSandboxOptions): Promise<InvoiceboxSandbox> {
  const server = new SandboxServer(options);
  await server.listen();
  return {
    url: server.baseUrl,
    wsUrl: `${server.baseUrl.replace(/^http/, 'ws')}/v3/gate/rpc`,
    port: server.port,
    control: server.controlApi,
    close: () => server.close(),
    ...server.view,
  };
}
