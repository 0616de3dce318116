import {
  ActivityRange,
  CreateLinkRequest,
  CreatedLink,
  NotificationHeaders,
  NotificationOutcome,
  NotificationRejectedError,
  NotificationReply,
  PaymentNotification,
  PaymentProvider,
  ProviderActivity,
  ProviderOrder,
  ProviderRefund,
  RefundRequest,
  UpstreamOutcomeUnknownError,
  UpstreamRejectedError,
} from '@bridge/core';
import { BasketBuilder } from './basket.builder';
import { InvoiceboxClient } from './invoicebox.client';
import { NotificationMalformedError } from './invoicebox.errors';
import {
  notificationReplyFor,
  toCreateOrderRequest,
  toListedRefund,
  toPaymentNotification,
  toProviderOrder,
  toProviderRefund,
} from './invoicebox.mapper';
import { findSignatureHeader, verifySignature } from './invoicebox.signature';
import { InvoiceboxNotification, formatNotificationReply, parseNotification } from './notification.parser';
import { buildRefundBasket } from './refund.basket';

export interface InvoiceboxPaymentProviderOptions {
  client: InvoiceboxClient;
  merchantId: string;
  /** The merchant's "API key" that signs notifications (§2.1); never the bearer token. */
  notificationKey: string;
  /** `<publicUrl>/webhooks/invoicebox/<siteId>`; absent when the site takes notifications another way. */
  notificationUrl?: string;
  supportedVatCodes?: readonly string[];
}

const UPSTREAM = 'invoicebox';
/** Invoicebox merchants settle in roubles; a refund row without currencyId whose parent is outside the range. */
const DEFAULT_CURRENCY = 'RUB';
const REFUND_DESCRIPTION_MAX = 1000;

/** One Invoicebox merchant account behind the core payment-provider port. */
export class InvoiceboxPaymentProvider extends PaymentProvider {
  readonly name = 'invoicebox';
  private readonly client: InvoiceboxClient;
  private readonly merchantId: string;
  private readonly notificationKey: string;
  private readonly notificationUrl?: string;
  private readonly supportedVatCodes?: readonly string[];
  private readonly builder: BasketBuilder;

  constructor(options: InvoiceboxPaymentProviderOptions) {
    super();
    this.client = options.client;
    this.merchantId = options.merchantId;
    this.notificationKey = options.notificationKey;
    this.notificationUrl = options.notificationUrl;
    this.supportedVatCodes = options.supportedVatCodes;
    this.builder = new BasketBuilder(
      options.supportedVatCodes ? { supportedVatCodes: options.supportedVatCodes } : {},
    );
  }

  async createLink(request: CreateLinkRequest): Promise<CreatedLink> {
    const { request: order } = toCreateOrderRequest(request, {
      merchantId: this.merchantId,
      builder: this.builder,
      notificationUrl: this.notificationUrl,
    });
    try {
      const created = await this.client.createOrderIdempotent(order);
      return { order: toProviderOrder(created.order, this.merchantId), recovered: created.found };
    } catch (error) {
      throw namingFields(error);
    }
  }

  async findByMerchantOrderId(merchantOrderId: string): Promise<ProviderOrder | null> {
    const order = await this.client.findOrderByMerchantOrderId(merchantOrderId);
    return order ? toProviderOrder(order, this.merchantId) : null;
  }

  async getOrder(providerOrderId: string): Promise<ProviderOrder> {
    const order = await this.client.getOrder(providerOrderId);
    if (!order) {
      throw new UpstreamRejectedError(`Invoicebox has no order ${providerOrderId}`, {
        upstream: UPSTREAM,
        operation: 'getOrder',
        vendorCode: 'order_not_found',
        metadata: { providerOrderId },
      });
    }
    return toProviderOrder(order, this.merchantId);
  }

  /** A paid, expired or already canceled order answers DELETE with 422 `wrong_order_status`: read it back. */
  async cancelLink(providerOrderId: string): Promise<ProviderOrder> {
    try {
      return toProviderOrder(await this.client.cancelOrder(providerOrderId), this.merchantId);
    } catch (error) {
      const wrongStatus = error instanceof UpstreamRejectedError && error.vendorCode === 'wrong_order_status';
      if (!wrongStatus && !(error instanceof UpstreamOutcomeUnknownError)) throw error;
      const order = await this.getOrder(providerOrderId);
      if (order.status === 'created') throw error;
      return order;
    }
  }

  /** The refund's merchantOrderId is the caller's refundId: Invoicebox refuses it twice, so a retry finds the first. */
  async refund(request: RefundRequest): Promise<ProviderRefund> {
    const currency = request.amount.currency;
    const earlier = await this.findRefund(request);
    if (earlier) return earlier;
    const refundable = await this.client.getRefundableBasket(request.providerOrderId);
    const basketItems = buildRefundBasket(refundable, request.amount, this.supportedVatCodes);
    try {
      const created = await this.client.createRefund({
        parentId: request.providerOrderId,
        merchantOrderId: request.refundId,
        description: Array.from(request.reason.trim() || 'Возврат')
          .slice(0, REFUND_DESCRIPTION_MAX)
          .join(''),
        basketItems,
        currency,
      });
      return toProviderRefund(created, currency);
    } catch (error) {
      const duplicate =
        error instanceof UpstreamRejectedError && error.vendorCode === 'merchant_order_id_duplicate';
      if (!duplicate && !(error instanceof UpstreamOutcomeUnknownError)) throw namingFields(error);
      const found = await this.findRefund(request);
      if (!found) throw error;
      return found;
    }
  }

  private async findRefund(request: RefundRequest): Promise<ProviderRefund | null> {
    const existing = (await this.client.listRefunds(request.providerOrderId)).find(
      (refund) => refund.merchantOrderId === request.refundId,
    );
    if (!existing) return null;
    const refund = toProviderRefund(existing, request.amount.currency);
    if (!refund.amount.equals(request.amount)) {
      throw new UpstreamRejectedError('This refund id was already used for a different amount', {
        upstream: UPSTREAM,
        operation: 'createRefund',
        vendorCode: 'merchant_order_id_duplicate',
        metadata: { providerOrderId: request.providerOrderId, refundId: request.refundId },
      });
    }
    return refund;
  }

  /** Orders created and orders paid in the range are two filters; a refund's currency is its parent's. */
  async listActivity(range: ActivityRange): Promise<ProviderActivity> {
    const created = await this.client.listOrdersBetween('createdAt', range.from, range.to);
    const paid = await this.client.listOrdersBetween('paidAt', range.from, range.to);
    const orders = new Map<string, ProviderOrder>();
    for (const order of [...created, ...paid]) orders.set(order.id, toProviderOrder(order, this.merchantId));
    const refunds = await this.client.listRefundsBetween(range.from, range.to);
    const currencyOf = (parentId: string) => orders.get(parentId)?.amount.currency ?? DEFAULT_CURRENCY;
    return {
      orders: [...orders.values()],
      refunds: refunds.map((refund) => toListedRefund(refund, currencyOf(refund.parentId))),
    };
  }

  verifyNotification(rawBody: Buffer, headers: NotificationHeaders): PaymentNotification {
    const signature = findSignatureHeader(headers);
    if (signature === undefined) {
      throw new NotificationRejectedError('signature', 'Exactly one X-Signature header is required');
    }
    if (!verifySignature(rawBody, signature, this.notificationKey)) {
      throw new NotificationRejectedError('signature', 'X-Signature does not match the body');
    }
    let notification: InvoiceboxNotification;
    try {
      notification = parseNotification(rawBody);
    } catch (error) {
      if (error instanceof NotificationMalformedError) {
        throw new NotificationRejectedError('malformed', error.message);
      }
      throw error;
    }
    return toPaymentNotification(notification);
  }

  formatNotificationReply(outcome: NotificationOutcome): NotificationReply {
    return { httpStatus: 200, body: formatNotificationReply(notificationReplyFor(outcome)) };
  }

  async checkCredentials(): Promise<void> {
    await this.client.checkAuth();
  }
}

/** A 422 names the offending fields; they go into the message too, which is what the operator's log and link show. */
function namingFields(error: unknown): unknown {
  if (!(error instanceof UpstreamRejectedError) || error.fields.length === 0) return error;
  const names = [...new Set(error.fields.map((field) => field.name))].join(', ');
  return new UpstreamRejectedError(`${error.message} (fields: ${names})`, {
    upstream: error.upstream,
    operation: error.operation,
    vendorCode: error.vendorCode,
    fields: error.fields,
    metadata: error.metadata,
    cause: error,
  });
}
