import {
  CreateLinkRequest,
  ListedRefund,
  Money,
  NotificationOutcome,
  NotificationRejection,
  PaymentNotification,
  ProviderOrder,
  ProviderOrderStatus,
  ProviderRefund,
} from '@bridge/core';
import { BasketBuilder, BuiltBasket } from './basket.builder';
import {
  InvoiceboxNotification,
  InvoiceboxNotificationOutcome,
  NotificationErrorCode,
} from './notification.parser';
import { Customer } from './wire/customer.wire';
import { CreateOrderRequest, OrderResponse } from './wire/order.wire';
import { RefundOrderResponse } from './wire/refund.wire';

const DESCRIPTION_MAX = 1000;
const VISIBLE_ID_MAX = 256;
const EMAIL_MAX = 100;

/** §5: only these four are documented; `cancelled` is the spelling of the status-update endpoint (§4.6). */
const ORDER_STATUSES: Readonly<Record<string, ProviderOrderStatus>> = {
  created: 'created',
  completed: 'completed',
  canceled: 'canceled',
  cancelled: 'canceled',
  expired: 'expired',
};

const REFUND_STATUSES: Readonly<Record<string, ProviderRefund['status']>> = {
  draft: 'pending',
  created: 'pending',
  completed: 'completed',
  canceled: 'canceled',
  cancelled: 'canceled',
};

/** See docs/decisions/invoicebox-notification-replies.md. */
const REJECTION_CODES: Readonly<Record<NotificationRejection, NotificationErrorCode>> = {
  signature: 'signature_error',
  malformed: 'out_of_service',
  unknown_order: 'order_not_found',
  merchant_mismatch: 'order_not_found',
  amount_mismatch: 'order_wrong_amount',
  currency_mismatch: 'order_wrong_amount',
};

export interface OrderRequestContext {
  merchantId: string;
  builder: BasketBuilder;
  notificationUrl?: string;
}

export interface BuiltOrderRequest {
  request: CreateOrderRequest;
  basket: BuiltBasket;
}

/** ATOM with an offset and whole seconds, as the PHP side writes `Y-m-d\TH:i:sP` (§2.2). */
export function atomDate(date: Date): string {
  return new Date(Math.floor(date.getTime() / 1000) * 1000).toISOString().replace(/\.\d{3}Z$/, '+00:00');
}

function capCodePoints(text: string, max: number): string {
  const points = Array.from(text.trim());
  return points.length <= max ? points.join('') : points.slice(0, max).join('');
}

export function toProviderOrderStatus(status: string): ProviderOrderStatus {
  return Object.prototype.hasOwnProperty.call(ORDER_STATUSES, status) ? ORDER_STATUSES[status] : 'other';
}

export function toCreateOrderRequest(
  link: CreateLinkRequest,
  context: OrderRequestContext,
): BuiltOrderRequest {
  const basket = context.builder.build({
    lines: link.lines,
    amountToCharge: link.amount,
    fiscal: link.fiscal,
  });
  const email = link.customerEmail?.trim();
  // The API requires the object itself (§3.3); `type` is left out so the payment page offers every method.
  const customer: Customer = email && email.length <= EMAIL_MAX ? { email } : {};
  const request: CreateOrderRequest = {
    merchantId: context.merchantId,
    merchantOrderId: link.merchantOrderId,
    merchantOrderIdVisible: capCodePoints(link.visibleOrderId, VISIBLE_ID_MAX) || link.merchantOrderId,
    description: capCodePoints(link.description, DESCRIPTION_MAX) || link.merchantOrderId,
    amount: basket.amount,
    vatAmount: basket.vatAmount,
    currencyId: link.amount.currency,
    languageId: link.language,
    expirationDate: atomDate(link.expiresAt),
    basketItems: basket.basketItems,
    customer,
    ...(context.notificationUrl ? { notificationUrl: context.notificationUrl } : {}),
  };
  return { request, basket };
}

function optionalDate(text: string | undefined): Date | undefined {
  if (text === undefined || text === '') return undefined;
  const date = new Date(text);
  return Number.isNaN(date.getTime()) ? undefined : date;
}

export function toProviderOrder(order: OrderResponse, fallbackMerchantId: string): ProviderOrder {
  const mapped: ProviderOrder = {
    providerOrderId: order.id,
    merchantOrderId: order.merchantOrderId,
    merchantId: order.merchantId ?? fallbackMerchantId,
    status: toProviderOrderStatus(order.status),
    rawStatus: order.status,
    amount: Money.fromMajor(order.amount, order.currencyId),
  };
  const expiresAt = optionalDate(order.expirationDate);
  const paidAt = optionalDate(order.paidAt);
  const createdAt = optionalDate(order.createdAt);
  if (order.paymentUrl) mapped.paymentUrl = order.paymentUrl;
  if (expiresAt) mapped.expiresAt = expiresAt;
  if (paidAt) mapped.paidAt = paidAt;
  if (createdAt) mapped.createdAt = createdAt;
  return mapped;
}

export function toPaymentNotification(notification: InvoiceboxNotification): PaymentNotification {
  const mapped: PaymentNotification = {
    providerOrderId: notification.id,
    merchantOrderId: notification.merchantOrderId,
    merchantId: notification.merchantId,
    status: toProviderOrderStatus(notification.status),
    rawStatus: notification.status,
    amount: notification.amount,
    isTest: notification.isTest,
  };
  if (notification.paidAt) mapped.paidAt = notification.paidAt;
  return mapped;
}

export function toProviderRefund(refund: RefundOrderResponse, currency: string): ProviderRefund {
  return {
    refundId: refund.merchantOrderId,
    providerRefundId: refund.id,
    amount: Money.fromMajor(refund.amount, refund.currencyId ?? currency),
    status: REFUND_STATUSES[refund.status] ?? 'pending',
  };
}

export function toListedRefund(refund: RefundOrderResponse, currency: string): ListedRefund {
  const createdAt = optionalDate(refund.createdAt);
  return {
    ...toProviderRefund(refund, currency),
    providerOrderId: refund.parentId,
    ...(createdAt ? { createdAt } : {}),
  };
}

/** One mapping for the webhook body and the WebSocket reply, so the two channels cannot drift apart. */
export function notificationReplyFor(outcome: NotificationOutcome): InvoiceboxNotificationOutcome {
  switch (outcome.kind) {
    case 'accepted':
    case 'duplicate':
    case 'test':
      return { status: 'success' };
    case 'failed':
      return { status: 'error', code: 'out_of_service', message: outcome.message };
    case 'rejected':
      return { status: 'error', code: REJECTION_CODES[outcome.reason], message: outcome.message };
  }
}
