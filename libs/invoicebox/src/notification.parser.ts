import { Money, isSupportedCurrency } from '@bridge/core';
import { NotificationMalformedError } from './invoicebox.errors';
import { RawBody } from './invoicebox.signature';
import { OrderNotification, parseOrderNotification } from './wire/notification.wire';
import { WireShapeError } from './wire/wire-reader';

/** §6.1: Invoicebox's monitoring notification; it must be answered but must change nothing. */
export const TEST_NOTIFICATION_ID = 'ffffffff-ffff-ffff-ffff-ffffffffffff';

export interface InvoiceboxNotification {
  id: string;
  status: string;
  merchantId: string;
  merchantOrderId: string;
  amount: Money;
  currency: string;
  paidAt?: Date;
  isTest: boolean;
  wire: OrderNotification;
}

export function parseNotification(rawBody: RawBody): InvoiceboxNotification {
  const text = typeof rawBody === 'string' ? rawBody : Buffer.from(rawBody).toString('utf8');
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new NotificationMalformedError('Notification body is not JSON', { cause: error });
  }
  return parseNotificationPayload(json);
}

export function parseNotificationPayload(payload: unknown): InvoiceboxNotification {
  let wire: OrderNotification;
  try {
    wire = parseOrderNotification(payload, '$');
  } catch (error) {
    if (error instanceof WireShapeError) {
      throw new NotificationMalformedError(`Notification is malformed: ${error.message}`, {
        metadata: { path: error.path },
      });
    }
    throw error;
  }
  const isTest = wire.id === TEST_NOTIFICATION_ID;
  if (!isSupportedCurrency(wire.currencyId)) {
    throw new NotificationMalformedError(`Notification currency "${wire.currencyId}" is not supported`, {
      metadata: { id: wire.id, currencyId: wire.currencyId },
    });
  }
  if (!isTest && wire.merchantOrderId === '') {
    throw new NotificationMalformedError('Notification has no merchantOrderId', {
      metadata: { id: wire.id },
    });
  }
  const notification: InvoiceboxNotification = {
    id: wire.id,
    status: wire.status,
    merchantId: wire.merchantId,
    merchantOrderId: wire.merchantOrderId,
    amount: amountOf(wire),
    currency: wire.currencyId,
    isTest,
    wire,
  };
  if (wire.paidAt !== undefined) {
    const paidAt = new Date(wire.paidAt);
    if (Number.isNaN(paidAt.getTime())) {
      throw new NotificationMalformedError('Notification paidAt is not a date', {
        metadata: { id: wire.id },
      });
    }
    notification.paidAt = paidAt;
  }
  return notification;
}

function amountOf(wire: OrderNotification): Money {
  try {
    return Money.fromMajor(wire.amount, wire.currencyId);
  } catch (error) {
    throw new NotificationMalformedError('Notification amount is out of range', {
      cause: error,
      metadata: { id: wire.id },
    });
  }
}

export type NotificationErrorCode =
  | 'out_of_service'
  | 'order_wrong_amount'
  | 'order_already_paid'
  | 'order_not_found'
  | 'shipping_unavailable'
  | 'signature_error';

export type InvoiceboxNotificationOutcome =
  { status: 'success' } | { status: 'error'; code: NotificationErrorCode; message?: string };

export type InvoiceboxNotificationReply = InvoiceboxNotificationOutcome;

const MESSAGE_MAX = 500;

export function formatNotificationReply(outcome: InvoiceboxNotificationOutcome): InvoiceboxNotificationReply {
  if (outcome.status === 'success') return { status: 'success' };
  const message = outcome.message?.trim();
  return message
    ? { status: 'error', code: outcome.code, message: Array.from(message).slice(0, MESSAGE_MAX).join('') }
    : { status: 'error', code: outcome.code };
}
