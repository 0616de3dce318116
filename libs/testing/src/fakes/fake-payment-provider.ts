import { createHmac, randomUUID, timingSafeEqual } from 'node:crypto';
import {
  ActivityRange,
  CreateLinkRequest,
  ListedRefund,
  CreatedLink,
  Money,
  NotificationHeaders,
  NotificationOutcome,
  NotificationRejectedError,
  NotificationReply,
  PaymentNotification,
  PaymentProvider,
  ProviderActivity,
  ProviderOrder,
  ProviderOrderStatus,
  ProviderRefund,
  RefundRequest,
  UpstreamOutcomeUnknownError,
  UpstreamRejectedError,
  UpstreamUnavailableError,
} from '@bridge/core';

export type FakeProviderFault =
  | { kind: 'unavailable' }
  /** The order is created but the answer is lost: the lookup must find it. */
  | { kind: 'timeout_after_create' }
  | { kind: 'reject'; vendorCode: string }
  /** Neither the answer nor the lookup got through: the outcome stays unknown. */
  | { kind: 'outcome_unknown'; created: boolean };

export interface SignedNotification {
  rawBody: Buffer;
  headers: Record<string, string>;
}

interface FakeOrder extends ProviderOrder {
  refunds: Array<ProviderRefund & { createdAt: Date }>;
  lineCount: number;
}

/**
 * An in-memory payment provider. Its notifications are signed (HMAC-SHA256 over the raw body), so the
 * bridge's verification path is exercised exactly as with a real provider.
 */
export class FakePaymentProvider extends PaymentProvider {
  readonly name = 'fake';
  private readonly orders = new Map<string, FakeOrder>();
  private readonly faults: FakeProviderFault[] = [];
  readonly calls = { create: 0, find: 0, get: 0, cancel: 0, refund: 0, list: 0 };
  /** The provider's own time (createdAt, paidAt): tests on a manual clock point it there. */
  clock: () => Date = () => new Date();

  constructor(
    readonly merchantId = 'fake-merchant',
    private readonly signingKey = 'fake-key',
  ) {
    super();
  }

  injectFault(fault: FakeProviderFault): void {
    this.faults.push(fault);
  }

  orderCount(): number {
    return this.orders.size;
  }

  findByUrl(paymentUrl: string): ProviderOrder | undefined {
    return [...this.orders.values()].find((o) => o.paymentUrl === paymentUrl);
  }

  async createLink(request: CreateLinkRequest): Promise<CreatedLink> {
    this.calls.create += 1;
    const fault = this.faults.shift();
    if (fault?.kind === 'unavailable')
      throw new UpstreamUnavailableError('Fake provider down', { upstream: 'fake', operation: 'create' });
    if (fault?.kind === 'reject') {
      throw new UpstreamRejectedError('Fake provider refused', {
        upstream: 'fake',
        operation: 'create',
        vendorCode: fault.vendorCode,
      });
    }
    const existing = [...this.orders.values()].find((o) => o.merchantOrderId === request.merchantOrderId);
    if (existing) return { order: this.copy(existing), recovered: true };
    if (!request.amount.isPositive() || request.lines.length === 0) {
      throw new UpstreamRejectedError('Empty order', {
        upstream: 'fake',
        operation: 'create',
        vendorCode: 'wrong_total_amount',
      });
    }
    const providerOrderId = randomUUID();
    const order: FakeOrder = {
      providerOrderId,
      merchantOrderId: request.merchantOrderId,
      merchantId: this.merchantId,
      status: 'created',
      rawStatus: 'created',
      amount: request.amount,
      paymentUrl: `https://pay.fake.test/order/${providerOrderId}`,
      expiresAt: request.expiresAt,
      createdAt: this.clock(),
      refunds: [],
      lineCount: request.lines.length,
    };
    this.orders.set(providerOrderId, order);
    if (fault?.kind === 'outcome_unknown') {
      if (!fault.created) this.orders.delete(providerOrderId);
      throw new UpstreamOutcomeUnknownError('Fake provider did not answer', {
        upstream: 'fake',
        operation: 'create',
      });
    }
    if (fault?.kind === 'timeout_after_create') {
      // The contract says createLink recovers by merchantOrderId after a lost answer.
      return { order: this.copy(order), recovered: true };
    }
    return { order: this.copy(order), recovered: false };
  }

  async findByMerchantOrderId(merchantOrderId: string): Promise<ProviderOrder | null> {
    this.calls.find += 1;
    const order = [...this.orders.values()].find((o) => o.merchantOrderId === merchantOrderId);
    return order ? this.copy(order) : null;
  }

  async getOrder(providerOrderId: string): Promise<ProviderOrder> {
    this.calls.get += 1;
    return this.copy(this.order(providerOrderId));
  }

  async cancelLink(providerOrderId: string): Promise<ProviderOrder> {
    this.calls.cancel += 1;
    const order = this.order(providerOrderId);
    if (order.status === 'created') this.setStatus(order, 'canceled');
    return this.copy(order);
  }

  async refund(request: RefundRequest): Promise<ProviderRefund> {
    this.calls.refund += 1;
    const order = this.order(request.providerOrderId);
    const existing = order.refunds.find((r) => r.refundId === request.refundId);
    if (existing) {
      throw new UpstreamRejectedError('Refund id already used', {
        upstream: 'fake',
        operation: 'refund',
        vendorCode: 'merchant_order_id_duplicate',
      });
    }
    const refund: ProviderRefund = {
      refundId: request.refundId,
      providerRefundId: randomUUID(),
      amount: request.amount,
      status: 'completed',
    };
    order.refunds.push({ ...refund, createdAt: this.clock() });
    return refund;
  }

  refundsOf(providerOrderId: string): ProviderRefund[] {
    return this.order(providerOrderId).refunds.map(({ createdAt: _at, ...refund }) => refund);
  }

  async listActivity(range: ActivityRange): Promise<ProviderActivity> {
    this.calls.list += 1;
    const within = (at: Date | undefined) =>
      at !== undefined && at.getTime() >= range.from.getTime() && at.getTime() < range.to.getTime();
    const orders = [...this.orders.values()].filter((o) => within(o.createdAt) || within(o.paidAt));
    const refunds: ListedRefund[] = [...this.orders.values()].flatMap((o) =>
      o.refunds.filter((r) => within(r.createdAt)).map((r) => ({ ...r, providerOrderId: o.providerOrderId })),
    );
    return { orders: orders.map((o) => this.copy(o)), refunds };
  }

  /** A refund made at the provider by someone else (the merchant's cabinet): the bridge never asked for it. */
  refundOutsideBridge(providerOrderId: string, amount: Money, refundId = `cabinet-${randomUUID()}`): void {
    this.order(providerOrderId).refunds.push({
      refundId,
      providerRefundId: randomUUID(),
      amount,
      status: 'completed',
      createdAt: this.clock(),
    });
  }

  verifyNotification(rawBody: Buffer, headers: NotificationHeaders): PaymentNotification {
    const header = headers['x-fake-signature'];
    const signature = Array.isArray(header) ? header[0] : header;
    if (!signature) throw new NotificationRejectedError('signature', 'No signature header');
    const expected = Buffer.from(this.sign(rawBody), 'hex');
    const given = Buffer.from(signature, 'hex');
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
      throw new NotificationRejectedError('signature', 'Bad signature');
    }
    let parsed: unknown;
    try {
      parsed = JSON.parse(rawBody.toString('utf8'));
    } catch {
      throw new NotificationRejectedError('malformed', 'Not JSON');
    }
    const body = parsed as Record<string, unknown>;
    if (
      typeof body.id !== 'string' ||
      typeof body.amountMinor !== 'number' ||
      typeof body.currency !== 'string'
    ) {
      throw new NotificationRejectedError('malformed', 'Missing fields');
    }
    const rawStatus = String(body.status);
    return {
      providerOrderId: body.id,
      merchantOrderId: String(body.merchantOrderId ?? ''),
      merchantId: String(body.merchantId),
      status: toStatus(rawStatus),
      rawStatus,
      amount: Money.of(body.amountMinor, body.currency),
      isTest: body.id === 'test',
    };
  }

  formatNotificationReply(outcome: NotificationOutcome): NotificationReply {
    if (outcome.kind === 'accepted' || outcome.kind === 'duplicate' || outcome.kind === 'test') {
      return { httpStatus: 200, body: { status: 'success' } };
    }
    const code = outcome.kind === 'failed' ? 'out_of_service' : outcome.reason;
    return { httpStatus: 200, body: { status: 'error', code, message: outcome.message } };
  }

  async checkCredentials(): Promise<void> {}

  /** The guest pays on the payment page: returns the signed notification the provider would send. */
  pay(providerOrderId: string, options: { payEvenIfCanceled?: boolean } = {}): SignedNotification {
    const order = this.order(providerOrderId);
    if (order.status !== 'created' && !(options.payEvenIfCanceled && order.status === 'canceled')) {
      throw new Error(`Order ${providerOrderId} cannot be paid: ${order.status}`);
    }
    this.setStatus(order, 'completed');
    order.paidAt = this.clock();
    return this.notificationFor(order);
  }

  notificationFor(order: ProviderOrder, overrides: Record<string, unknown> = {}): SignedNotification {
    const body = Buffer.from(
      JSON.stringify({
        id: order.providerOrderId,
        merchantOrderId: order.merchantOrderId,
        merchantId: order.merchantId,
        status: order.rawStatus,
        amountMinor: order.amount.minor,
        currency: order.amount.currency,
        ...overrides,
      }),
    );
    return { rawBody: body, headers: { 'x-fake-signature': this.sign(body) } };
  }

  sign(body: Buffer): string {
    return createHmac('sha256', this.signingKey).update(body).digest('hex');
  }

  private setStatus(order: FakeOrder, status: ProviderOrderStatus): void {
    order.status = status;
    order.rawStatus = status;
  }

  private order(providerOrderId: string): FakeOrder {
    const order = this.orders.get(providerOrderId);
    if (!order)
      throw new UpstreamRejectedError('Unknown order', {
        upstream: 'fake',
        operation: 'get',
        vendorCode: 'not_found',
      });
    return order;
  }

  private copy(order: FakeOrder): ProviderOrder {
    return {
      providerOrderId: order.providerOrderId,
      merchantOrderId: order.merchantOrderId,
      merchantId: order.merchantId,
      status: order.status,
      rawStatus: order.rawStatus,
      amount: order.amount,
      paymentUrl: order.paymentUrl,
      expiresAt: order.expiresAt,
      paidAt: order.paidAt,
      createdAt: order.createdAt,
    };
  }
}

function toStatus(raw: string): ProviderOrderStatus {
  return raw === 'completed' || raw === 'created' || raw === 'canceled' || raw === 'expired' ? raw : 'other';
}
