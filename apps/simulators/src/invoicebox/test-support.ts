import { createHmac } from 'node:crypto';
import http, { IncomingHttpHeaders } from 'node:http';
import { AddressInfo } from 'node:net';
import { startInvoiceboxSandbox } from './server';
import {
  InvoiceboxSandbox,
  InvoiceboxSandboxOptions,
  Json,
  JsonObject,
  SandboxMerchantOptions,
} from './types';

export const MERCHANT_A: SandboxMerchantOptions = {
  merchantId: '01771534-196a-1105-839a-82422289d6d9',
  token: 'b37c4c689295904ed21eee5d9a48d42e',
  notificationKey: 'test',
};
export const MERCHANT_B: SandboxMerchantOptions = {
  merchantId: '0302756d-9d83-60c9-0356-c228562c7581',
  token: '1b3a08c2f7e94d0aa0e3c5f9d2b7a611',
  notificationKey: '098f6bcd4621d373cade4e832627b4f6',
};
export const USER_AGENT = 'PosBridge/1.0 (Invoicebox 3.0)';

export function localHmac(body: Buffer | string, key: string): string {
  return createHmac('sha1', key).update(body).digest('hex');
}

export interface HttpReply {
  status: number;
  headers: IncomingHttpHeaders;
  text: string;
  json: Json;
}

export interface RequestOptions {
  token?: string | null;
  body?: unknown;
  rawBody?: string;
  userAgent?: string | null;
  timeoutMs?: number;
  contentType?: string;
}

/** node:http rather than fetch, so no header is added behind the test's back (fetch sends a User-Agent). */
export function request(
  baseUrl: string,
  method: string,
  path: string,
  options: RequestOptions = {},
): Promise<HttpReply> {
  const body =
    options.rawBody !== undefined
      ? options.rawBody
      : options.body === undefined
        ? undefined
        : JSON.stringify(options.body);
  const headers: Record<string, string> = { Accept: 'application/json' };
  if (options.userAgent !== null) headers['User-Agent'] = options.userAgent ?? USER_AGENT;
  if (options.token !== undefined && options.token !== null)
    headers['Authorization'] = `Bearer ${options.token}`;
  if (body !== undefined) {
    headers['Content-Type'] = options.contentType ?? 'application/json';
    headers['Content-Length'] = String(Buffer.byteLength(body));
  }
  return new Promise((resolve, reject) => {
    const req = http.request(`${baseUrl}${path}`, { method, headers, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        let json: Json;
        try {
          json = JSON.parse(text) as Json;
        } catch {
          json = null;
        }
        resolve({ status: res.statusCode ?? 0, headers: res.headers, text, json });
      });
      res.on('error', reject);
    });
    if (options.timeoutMs !== undefined) {
      req.setTimeout(options.timeoutMs, () => req.destroy(new Error('client timeout')));
    }
    req.on('error', reject);
    req.end(body);
  });
}

export function api(sandbox: InvoiceboxSandbox, token: string | null = MERCHANT_A.token) {
  const call = (method: string, path: string, options: RequestOptions = {}) =>
    request(sandbox.url, method, path, { token, ...options });
  return {
    call,
    create: (body: unknown, options: RequestOptions = {}) =>
      call('POST', '/v3/billing/api/order/order', { body, ...options }),
    get: (id: string) => call('GET', `/v3/billing/api/order/order/${id}`),
    find: (query: string) => call('GET', `/v3/filter/api/order/order?${query}`),
    cancel: (id: string, options: RequestOptions = {}) =>
      call('DELETE', `/v3/billing/api/order/order/${id}`, options),
    update: (id: string, body: unknown) => call('PUT', `/v3/billing/api/order/order/${id}`, { body }),
    refund: (body: unknown) => call('POST', '/v3/billing/api/order/refund-order', { body }),
    refundBasket: (id: string) => call('GET', `/v3/billing/api/order/order/${id}/refund-basket-item`),
    refunds: (query: string) => call('GET', `/v3/filter/api/order/refund-order?${query}`),
  };
}

export function data(reply: HttpReply): JsonObject {
  const body = reply.json as JsonObject;
  return body['data'] as JsonObject;
}

export function errorOf(reply: HttpReply): { code: string; fields: string[] } {
  const error = (reply.json as JsonObject)['error'] as JsonObject;
  const fields = (error['fields'] as JsonObject[]).map((f) => String(f['name']));
  return { code: String(error['code']), fields };
}

let orderSeq = 0;

/** The reference's golden lines (§8.1, §8.2) plus a VAT-free one: 581.88 in total, 71.98 VAT. */
export function orderBody(overrides: JsonObject = {}, now = Date.now()): JsonObject {
  orderSeq += 1;
  return {
    merchantId: MERCHANT_A.merchantId,
    merchantOrderId: `cafe-1:T${orderSeq}:v1`,
    description: 'Счёт стола 12',
    amount: 581.88,
    vatAmount: 71.98,
    currencyId: 'RUB',
    languageId: 'ru',
    expirationDate: new Date(now + 3 * 3600_000).toISOString().replace(/\.\d{3}Z$/, '+00:00'),
    basketItems: [
      line('room-3n', 'Бронирование номера', 3, 123.96, 103.3, 371.88, 61.98, 'RUS_VAT20'),
      line('ticket', 'Проездной билет', 1, 110, 100, 110, 10, 'RUS_VAT10'),
      line('water', 'Вода «Святой источник» 0,5 л', 2, 50, 50, 100, 0, 'VATNONE'),
    ],
    customer: { type: 'private', name: 'Пётр', phone: '79001112233', email: 'peter@domain.com' },
    ...overrides,
  };
}

export function line(
  sku: string,
  name: string,
  quantity: number,
  amount: number,
  amountWoVat: number,
  totalAmount: number,
  totalVatAmount: number,
  vatCode: string,
): JsonObject {
  return {
    sku,
    name,
    measure: 'шт',
    measureCode: '796',
    quantity,
    amount,
    amountWoVat,
    totalAmount,
    totalVatAmount,
    vatCode,
    type: 'service',
    paymentType: 'full_payment',
  };
}

export interface ReceivedWebhook {
  headers: IncomingHttpHeaders;
  raw: Buffer;
  at: number;
}

export interface ReceiverReply {
  status?: number;
  body?: string;
  delayMs?: number;
}

export interface WebhookReceiver {
  url: string;
  received: ReceivedWebhook[];
  /** Decides the reply to the n-th (0-based) request; defaults to 200 {"status":"success"}. */
  reply: (index: number, hook: ReceivedWebhook) => ReceiverReply;
  close(): Promise<void>;
}

export async function startReceiver(): Promise<WebhookReceiver> {
  const receiver: WebhookReceiver = {
    url: '',
    received: [],
    reply: () => ({}),
    close: async () => undefined,
  };
  const timers = new Set<NodeJS.Timeout>();
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const hook: ReceivedWebhook = { headers: req.headers, raw: Buffer.concat(chunks), at: Date.now() };
      const index = receiver.received.push(hook) - 1;
      const answer = receiver.reply(index, hook);
      const send = () => {
        if (res.destroyed) return;
        res.writeHead(answer.status ?? 200, { 'Content-Type': 'application/json' });
        res.end(answer.body ?? '{"status":"success"}');
      };
      if (answer.delayMs) {
        const timer = setTimeout(() => {
          timers.delete(timer);
          send();
        }, answer.delayMs);
        timers.add(timer);
      } else send();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  receiver.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/webhooks/invoicebox/cafe-1`;
  receiver.close = async () => {
    for (const timer of timers) clearTimeout(timer);
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  };
  return receiver;
}

export async function waitFor(check: () => boolean, timeoutMs = 5000, what = 'condition'): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

export async function startTestSandbox(
  options: Partial<InvoiceboxSandboxOptions> = {},
): Promise<InvoiceboxSandbox> {
  return startInvoiceboxSandbox({
    port: 0,
    merchants: [MERCHANT_A, MERCHANT_B],
    ...options,
  });
}
