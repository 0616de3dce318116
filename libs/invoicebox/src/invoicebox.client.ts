import axios, { AxiosInstance, AxiosResponse, isAxiosError } from 'axios';
import {
  Money,
  UpstreamAuthError,
  UpstreamError,
  UpstreamErrorOptions,
  UpstreamOutcomeUnknownError,
  UpstreamProtocolError,
  UpstreamRateLimitedError,
  UpstreamRejectedError,
  UpstreamTlsError,
  UpstreamUnavailableError,
} from '@bridge/core';
import {
  basketLineVat,
  basketUnitWithoutVat,
  validateBasketArithmetic,
  vatRateOf,
} from './basket.arithmetic';
import { InvoiceboxBasketError } from './invoicebox.errors';
import { InvoiceboxLogger, silentInvoiceboxLogger } from './invoicebox.logger';
import { DEFAULT_READ_RETRY, ReadRetryPolicy, parseRetryAfter, retryDelay } from './invoicebox.retry';
import { parseAuthCheckResponse } from './wire/auth.wire';
import { BasketItem, RefundableBasketItem, parseRefundableBasketItem } from './wire/basket-item.wire';
import {
  CollectionMetaData,
  parseErrorEnvelope,
  parseList,
  parseSuccessEnvelope,
} from './wire/envelope.wire';
import { CreateOrderRequest, OrderResponse, parseOrderResponse } from './wire/order.wire';
import { RefundOrderRequest, RefundOrderResponse, parseRefundOrderResponse } from './wire/refund.wire';
import { WireShapeError } from './wire/wire-reader';

export const INVOICEBOX_API_URL = 'https://api.invoicebox.ru';

const UPSTREAM = 'invoicebox';

export interface InvoiceboxClientOptions {
  token: string;
  appVersion: string;
  baseUrl?: string;
  /** `l3` replaces `v3` for Invoicebox.Business merchants, as the official MCP client does (§1). */
  apiPrefix?: 'v3' | 'l3';
  readTimeoutMs?: number;
  writeTimeoutMs?: number;
  retry?: Partial<ReadRetryPolicy>;
  pageSize?: number;
  maxPages?: number;
  supportedVatCodes?: readonly string[];
  logger?: InvoiceboxLogger;
  sleep?: (ms: number) => Promise<void>;
  random?: () => number;
  now?: () => number;
}

export interface CreateRefundInput {
  parentId: string;
  merchantOrderId: string;
  description: string;
  basketItems?: BasketItem[];
  currency?: string;
  status?: 'created' | 'draft';
}

export interface IdempotentCreateResult {
  order: OrderResponse;
  found: boolean;
}

type Method = 'GET' | 'POST' | 'DELETE';
type Query = Record<string, string | number>;

interface Call<T> {
  operation: string;
  method: Method;
  path: string;
  query?: Query;
  body?: unknown;
  parse: (value: unknown, path: string) => T;
}

interface Answer<T> {
  data: T;
  metaData?: CollectionMetaData;
}

const sleepFor = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** A day of a busy merchant: 200 pages of 50. */
const LISTING_MAX_PAGES = 200;

/** Filter values in ATOM with an offset, as the API writes its own dates (§2.5 example). */
function atomTime(date: Date): string {
  return date.toISOString().replace(/\.\d{3}Z$/, '+00:00');
}

const NOT_SENT_CODES = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH']);
const TIMEOUT_CODES = new Set(['ECONNABORTED', 'ETIMEDOUT']);

export class InvoiceboxClient {
  private readonly http: AxiosInstance;
  private readonly prefix: string;
  private readonly readTimeoutMs: number;
  private readonly writeTimeoutMs: number;
  private readonly retry: ReadRetryPolicy;
  private readonly pageSize: number;
  private readonly maxPages: number;
  private readonly supportedVatCodes?: readonly string[];
  private readonly logger: InvoiceboxLogger;
  private readonly sleep: (ms: number) => Promise<void>;
  private readonly random: () => number;
  private readonly now: () => number;

  constructor(options: InvoiceboxClientOptions) {
    this.prefix = `/${options.apiPrefix ?? 'v3'}`;
    this.readTimeoutMs = options.readTimeoutMs ?? 12_000;
    this.writeTimeoutMs = options.writeTimeoutMs ?? 30_000;
    this.retry = { ...DEFAULT_READ_RETRY, ...options.retry };
    this.pageSize = options.pageSize ?? 50;
    this.maxPages = options.maxPages ?? 20;
    this.supportedVatCodes = options.supportedVatCodes;
    this.logger = options.logger ?? silentInvoiceboxLogger;
    this.sleep = options.sleep ?? sleepFor;
    this.random = options.random ?? Math.random;
    this.now = options.now ?? Date.now;
    this.http = axios.create({
      baseURL: (options.baseUrl ?? INVOICEBOX_API_URL).replace(/\/+$/, ''),
      headers: {
        Authorization: `Bearer ${options.token}`,
        Accept: 'application/json',
        'User-Agent': `PosBridge/${options.appVersion} (Invoicebox 3.0)`,
      },
      responseType: 'text',
      transformResponse: [(data: unknown) => data],
      validateStatus: () => true,
      maxRedirects: 0,
      maxContentLength: 8 * 1024 * 1024,
    });
  }

  async createOrder(request: CreateOrderRequest): Promise<OrderResponse> {
    this.assertArithmetic(request, request.currencyId);
    const order = await this.call({
      operation: 'createOrder',
      method: 'POST',
      path: '/billing/api/order/order',
      body: request,
      parse: parseOrderResponse,
    });
    if (!order.data.paymentUrl) throw this.protocolError('createOrder', 'Created order has no paymentUrl');
    return order.data;
  }

  async createOrderIdempotent(request: CreateOrderRequest): Promise<IdempotentCreateResult> {
    try {
      return { order: await this.createOrder(request), found: false };
    } catch (error) {
      const duplicate =
        error instanceof UpstreamRejectedError && error.vendorCode === 'merchant_order_id_duplicate';
      const unclear = error instanceof UpstreamOutcomeUnknownError || error instanceof UpstreamProtocolError;
      if (!duplicate && !unclear) throw error;
      let existing: OrderResponse | null;
      try {
        existing = await this.findOrderByMerchantOrderId(request.merchantOrderId);
      } catch (lookupError) {
        this.logger.warn(
          {
            operation: 'createOrder',
            merchantOrderId: request.merchantOrderId,
            lookupError: describeError(lookupError),
          },
          'invoicebox lookup after an unclear create failed',
        );
        throw error;
      }
      if (existing === null) throw error;
      this.assertSameOrder(existing, request);
      this.logger.info(
        { operation: 'createOrder', merchantOrderId: request.merchantOrderId, orderId: existing.id },
        'invoicebox order found by merchantOrderId instead of created',
      );
      return { order: existing, found: true };
    }
  }

  /** The filter endpoint is the documented way to read one order (§4.1). */
  async getOrder(id: string): Promise<OrderResponse | null> {
    const orders = await this.readPage('getOrder', '/filter/api/order/order', { id }, parseOrderResponse);
    return orders.find((order) => order.id === id) ?? null;
  }

  async findOrderByMerchantOrderId(merchantOrderId: string): Promise<OrderResponse | null> {
    const orders = await this.readPage(
      'findOrderByMerchantOrderId',
      '/filter/api/order/order',
      { merchantOrderId },
      parseOrderResponse,
    );
    return orders.find((order) => order.merchantOrderId === merchantOrderId) ?? null;
  }

  async cancelOrder(id: string): Promise<OrderResponse> {
    const answer = await this.call({
      operation: 'cancelOrder',
      method: 'DELETE',
      path: `/billing/api/order/order/${encodeURIComponent(id)}`,
      parse: parseOrderResponse,
    });
    return answer.data;
  }

  async getRefundableBasket(orderId: string): Promise<RefundableBasketItem[]> {
    const answer = await this.call({
      operation: 'getRefundableBasket',
      method: 'GET',
      path: `/billing/api/order/order/${encodeURIComponent(orderId)}/refund-basket-item`,
      parse: parseList(parseRefundableBasketItem),
    });
    return answer.data;
  }

  async createRefund(input: CreateRefundInput): Promise<RefundOrderResponse> {
    const currency = input.currency ?? 'RUB';
    const basketItems =
      input.basketItems ?? this.remainingLines(await this.getRefundableBasket(input.parentId), currency);
    if (basketItems.length === 0) {
      throw new InvoiceboxBasketError('Nothing left to refund on this order', {
        metadata: { parentId: input.parentId },
      });
    }
    const sum = (pick: (item: BasketItem) => number): Money =>
      Money.sum(
        basketItems.map((item) => Money.fromMajor(pick(item), currency)),
        currency,
      );
    const request: RefundOrderRequest = {
      parentId: input.parentId,
      merchantOrderId: input.merchantOrderId,
      description: input.description,
      amount: sum((item) => item.totalAmount).toMajorNumber(),
      vatAmount: sum((item) => item.totalVatAmount).toMajorNumber(),
      basketItems,
      ...(input.status ? { status: input.status } : {}),
    };
    this.assertArithmetic(request, currency);
    const answer = await this.call({
      operation: 'createRefund',
      method: 'POST',
      path: '/billing/api/order/refund-order',
      body: request,
      parse: parseRefundOrderResponse,
    });
    return answer.data;
  }

  async listRefunds(parentId: string): Promise<RefundOrderResponse[]> {
    const refunds: RefundOrderResponse[] = [];
    for (let page = 1; page <= this.maxPages; page += 1) {
      const answer = await this.call({
        operation: 'listRefunds',
        method: 'GET',
        path: '/filter/api/order/refund-order',
        query: { parentId, ...this.paging(page) },
        parse: parseList(parseRefundOrderResponse),
      });
      refunds.push(...answer.data.filter((refund) => refund.parentId === parentId));
      const total = answer.metaData?.totalCount;
      if (answer.data.length < this.pageSize || (total !== undefined && page * this.pageSize >= total)) break;
    }
    return refunds;
  }

  /** Orders whose `field` falls in [from, to), every page (§4.1 date filters, §2.5 operators). */
  async listOrdersBetween(field: 'createdAt' | 'paidAt', from: Date, to: Date): Promise<OrderResponse[]> {
    return this.readAllPages(
      'listOrders',
      '/filter/api/order/order',
      { [`${field}[_ge]`]: atomTime(from), [`${field}[_lt]`]: atomTime(to) },
      parseOrderResponse,
    );
  }

  async listRefundsBetween(from: Date, to: Date): Promise<RefundOrderResponse[]> {
    return this.readAllPages(
      'listRefunds',
      '/filter/api/order/refund-order',
      { 'createdAt[_ge]': atomTime(from), 'createdAt[_lt]': atomTime(to) },
      parseRefundOrderResponse,
    );
  }

  /** `GET /v3/security/api/auth/auth`: a token the server does not know still gets 200, with `userId: null`. */
  async checkAuth(): Promise<{ userId: string }> {
    const answer = await this.call({
      operation: 'checkAuth',
      method: 'GET',
      path: '/security/api/auth/auth',
      parse: parseAuthCheckResponse,
    });
    if (answer.data.userId === null) {
      throw new UpstreamAuthError(
        'Invoicebox did not recognise the API token',
        this.errorOptions('checkAuth', {}),
      );
    }
    return { userId: answer.data.userId };
  }

  /** Both spellings go out: the docs say page/pageSize, the MCP client sends _page/_pageSize (§2.5, §12.4). */
  private paging(page: number): Query {
    return { page, pageSize: this.pageSize, _page: page, _pageSize: this.pageSize };
  }

  /**
   * Pages until `totalCount` is reached or a page brings nothing new: a server that ignores one paging
   * spelling (§12.4) then answers the same page again instead of looping forever.
   */
  private async readAllPages<T extends { id: string }>(
    operation: string,
    path: string,
    filters: Query,
    item: (value: unknown, path: string) => T,
  ): Promise<T[]> {
    const found = new Map<string, T>();
    for (let page = 1; page <= LISTING_MAX_PAGES; page += 1) {
      const answer = await this.call({
        operation,
        method: 'GET',
        path,
        query: { ...filters, ...this.paging(page) },
        parse: parseList(item),
      });
      const before = found.size;
      for (const entry of answer.data) found.set(entry.id, entry);
      const total = answer.metaData?.totalCount;
      if (answer.data.length === 0 || found.size === before) break;
      if (total !== undefined && found.size >= total) break;
    }
    return [...found.values()];
  }

  private async readPage<T>(
    operation: string,
    path: string,
    filters: Query,
    item: (value: unknown, path: string) => T,
  ): Promise<T[]> {
    const answer = await this.call({
      operation,
      method: 'GET',
      path,
      query: { ...filters, ...this.paging(1) },
      parse: parseList(item),
    });
    return answer.data;
  }

  /** A partly refunded line goes back as one unit of its remainder, which need not divide by the quantity. */
  private remainingLines(items: readonly RefundableBasketItem[], currency: string): BasketItem[] {
    const lines: BasketItem[] = [];
    for (const item of items) {
      const { availableAmount, availableVatAmount: _availableVat, ...line } = item;
      const remaining = Money.fromMajor(availableAmount ?? item.totalAmount, currency);
      if (!remaining.isPositive()) continue;
      if (remaining.equals(Money.fromMajor(item.totalAmount, currency))) {
        lines.push(line);
        continue;
      }
      const rate = vatRateOf(item.vatCode, this.supportedVatCodes);
      if (rate === undefined) {
        throw new InvoiceboxBasketError(`Refundable line has unsupported VAT code "${item.vatCode}"`, {
          metadata: { sku: item.sku, vatCode: item.vatCode },
        });
      }
      lines.push({
        ...line,
        quantity: 1,
        amount: remaining.toMajorNumber(),
        amountWoVat: Money.of(basketUnitWithoutVat(remaining.minor, rate), currency).toMajorNumber(),
        totalAmount: remaining.toMajorNumber(),
        totalVatAmount: Money.of(basketLineVat(remaining.minor, rate), currency).toMajorNumber(),
      });
    }
    return lines;
  }

  private assertArithmetic(order: CreateOrderRequest | RefundOrderRequest, currencyId: string): void {
    const violations = validateBasketArithmetic(
      { ...order, currencyId },
      this.supportedVatCodes ? { supportedVatCodes: this.supportedVatCodes } : {},
    );
    if (violations.length > 0) {
      throw new InvoiceboxBasketError('Basket fails the arithmetic Invoicebox checks; not sent', {
        metadata: { merchantOrderId: order.merchantOrderId, violations },
      });
    }
  }

  /** A merchantOrderId reused for different money must never hand the guest the old link. */
  private assertSameOrder(existing: OrderResponse, request: CreateOrderRequest): void {
    const sameMoney =
      existing.currencyId === request.currencyId &&
      Money.fromMajor(existing.amount, existing.currencyId).equals(
        Money.fromMajor(request.amount, request.currencyId),
      );
    if (!sameMoney) {
      throw new UpstreamRejectedError('An order with this merchantOrderId exists for a different amount', {
        ...this.errorOptions('createOrder', {
          orderId: existing.id,
          merchantOrderId: request.merchantOrderId,
        }),
        vendorCode: 'merchant_order_id_duplicate',
      });
    }
  }

  private async call<T>(call: Call<T>): Promise<Answer<T>> {
    const write = call.method !== 'GET';
    const attempts = write ? 1 : Math.max(1, this.retry.attempts);
    for (let attempt = 1; ; attempt += 1) {
      try {
        return await this.send(call, write, attempt);
      } catch (error) {
        if (attempt >= attempts || !(error instanceof UpstreamUnavailableError)) throw error;
        const delay = retryDelay(attempt, error.retryAfterMs, this.retry, this.random);
        if (delay === undefined) throw error;
        this.logger.warn(
          { operation: call.operation, attempt, delayMs: delay, error: error.code },
          'invoicebox read failed; retrying',
        );
        await this.sleep(delay);
      }
    }
  }

  private async send<T>(call: Call<T>, write: boolean, attempt: number): Promise<Answer<T>> {
    const started = this.now();
    let response: AxiosResponse<unknown>;
    try {
      response = await this.http.request<unknown>({
        method: call.method,
        url: `${this.prefix}${call.path}`,
        params: call.query,
        timeout: write ? this.writeTimeoutMs : this.readTimeoutMs,
        ...(call.body === undefined
          ? {}
          : { data: JSON.stringify(call.body), headers: { 'Content-Type': 'application/json' } }),
      });
    } catch (error) {
      const mapped = this.transportError(call.operation, error, write);
      this.logger.warn(
        {
          operation: call.operation,
          method: call.method,
          path: call.path,
          attempt,
          error: describeError(error),
        },
        'invoicebox request got no response',
      );
      throw mapped;
    }
    const requestId = headerOf(response, 'x-request-id');
    const context = {
      operation: call.operation,
      method: call.method,
      path: call.path,
      status: response.status,
      requestId,
      durationMs: this.now() - started,
      attempt,
    };
    if (response.status >= 200 && response.status < 300) {
      this.logger.debug(context, 'invoicebox response');
      return this.parseSuccess(call, response, requestId);
    }
    this.logger.warn(context, 'invoicebox error response');
    throw this.statusError(call.operation, response, write, requestId);
  }

  private parseSuccess<T>(call: Call<T>, response: AxiosResponse<unknown>, requestId?: string): Answer<T> {
    try {
      const envelope = parseSuccessEnvelope(parseJson(response.data), call.parse);
      return envelope.metaData
        ? { data: envelope.data, metaData: envelope.metaData }
        : { data: envelope.data };
    } catch (error) {
      const detail = error instanceof WireShapeError ? error.message : 'body is not JSON';
      throw this.protocolError(call.operation, `Unexpected Invoicebox response: ${detail}`, requestId);
    }
  }

  private statusError(
    operation: string,
    response: AxiosResponse<unknown>,
    write: boolean,
    requestId?: string,
  ): Error {
    const status = response.status;
    const envelope = parseErrorEnvelope(safeJson(response.data));
    const vendorCode = envelope?.error.code || undefined;
    const message = envelope?.error.message || `HTTP ${status}`;
    const options = this.errorOptions(operation, { status, requestId, vendorCode });
    const retryAfterMs = parseRetryAfter(headerOf(response, 'retry-after'), this.now());
    const text = `Invoicebox ${operation}: ${message}`;
    if (status === 401 || status === 403) return new UpstreamAuthError(text, options);
    if (status === 429) return new UpstreamRateLimitedError(text, { ...options, retryAfterMs });
    if (status === 408) return new UpstreamUnavailableError(text, options);
    // A write answered 5xx (other than 503) may have been applied before the failure: read back first.
    if (status >= 500 && write && status !== 503) return new UpstreamOutcomeUnknownError(text, options);
    if (status >= 500) return new UpstreamUnavailableError(text, { ...options, retryAfterMs });
    if (status >= 400) {
      return new UpstreamRejectedError(text, {
        ...options,
        vendorCode,
        fields: (envelope?.error.fields ?? []).map((field) => ({
          name: field.name,
          code: field.code,
          message: field.message,
        })),
      });
    }
    return this.protocolError(operation, `Unexpected HTTP status ${status}`, requestId);
  }

  /** Never keeps the axios error as `cause`: its config carries the Authorization header. */
  private transportError(operation: string, error: unknown, write: boolean): UpstreamError {
    const code = errorCode(error);
    const options = this.errorOptions(operation, { errorCode: code });
    const detail = `Invoicebox ${operation}: ${describeError(error)}`;
    if (
      code !== undefined &&
      (code.startsWith('ERR_TLS') || code.includes('CERT') || code.startsWith('ERR_SSL'))
    ) {
      return new UpstreamTlsError(detail, options);
    }
    if (code !== undefined && NOT_SENT_CODES.has(code)) return new UpstreamUnavailableError(detail, options);
    if (write) return new UpstreamOutcomeUnknownError(detail, options);
    return new UpstreamUnavailableError(detail, options);
  }

  private protocolError(operation: string, message: string, requestId?: string): UpstreamProtocolError {
    return new UpstreamProtocolError(message, this.errorOptions(operation, { requestId }));
  }

  private errorOptions(operation: string, metadata: Record<string, unknown>): UpstreamErrorOptions {
    const clean = Object.fromEntries(Object.entries(metadata).filter(([, value]) => value !== undefined));
    return { upstream: UPSTREAM, operation, metadata: clean };
  }
}

function headerOf(response: AxiosResponse<unknown>, name: string): string | undefined {
  const value: unknown = response.headers[name];
  return typeof value === 'string' && value !== '' ? value : undefined;
}

function parseJson(data: unknown): unknown {
  if (typeof data !== 'string') throw new WireShapeError('$', 'a JSON text');
  try {
    return JSON.parse(data);
  } catch {
    throw new WireShapeError('$', 'a JSON text');
  }
}

function safeJson(data: unknown): unknown {
  try {
    return parseJson(data);
  } catch {
    return undefined;
  }
}

function errorCode(error: unknown): string | undefined {
  if (isAxiosError(error)) {
    if (error.code !== undefined && TIMEOUT_CODES.has(error.code)) return 'ETIMEDOUT';
    return error.code ?? errorCode(error.cause);
  }
  if (error instanceof Error && 'code' in error && typeof error.code === 'string') return error.code;
  return undefined;
}

function describeError(error: unknown): string {
  const code = errorCode(error);
  const message = error instanceof Error ? error.message : String(error);
  return code === undefined ? message : `${code}: ${message}`;
}
