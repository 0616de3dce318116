import { Bill } from '../../domain/bill';
import { PaymentLink } from '../../domain/payment-link';
import { Payment } from '../../domain/payment';
import { Settlement } from '../../domain/settlement';
import { UpstreamRejectedError } from '../../errors/upstream.errors';
import { AuditEvent } from '../../ports/store.port';

export function billEvent(
  bill: Bill,
  type: string,
  at: Date,
  data: Record<string, unknown> = {},
): AuditEvent {
  return { at, siteId: bill.siteId, type, billId: bill.id, data };
}

export function linkEvent(
  link: PaymentLink,
  type: string,
  at: Date,
  data: Record<string, unknown> = {},
): AuditEvent {
  return {
    at,
    siteId: link.siteId,
    type,
    billId: link.billId,
    linkId: link.id,
    data: { merchantOrderId: link.merchantOrderId, status: link.status, ...data },
  };
}

export function paymentEvent(
  payment: Payment,
  type: string,
  at: Date,
  data: Record<string, unknown> = {},
): AuditEvent {
  return {
    at,
    siteId: payment.siteId,
    type,
    billId: payment.billId,
    linkId: payment.linkId,
    paymentId: payment.id,
    data: { amount: payment.amount.toJSON(), providerOrderId: payment.providerOrderId, ...data },
  };
}

export function settlementEvent(
  settlement: Settlement,
  type: string,
  at: Date,
  data: Record<string, unknown> = {},
): AuditEvent {
  return {
    at,
    siteId: settlement.siteId,
    type,
    billId: settlement.billId,
    paymentId: settlement.paymentId,
    settlementId: settlement.id,
    data: { status: settlement.status, attempts: settlement.attempts, ...data },
  };
}

export interface DescribedError {
  code: string;
  message: string;
  /** The fields a vendor named when it refused a request (Invoicebox 422). */
  fields?: Array<{ name: string; code: string; message?: string }>;
}

export function describeError(error: unknown): DescribedError {
  if (error instanceof UpstreamRejectedError && error.fields.length > 0) {
    return { code: error.code, message: error.message, fields: error.fields };
  }
  if (
    error &&
    typeof error === 'object' &&
    'code' in error &&
    typeof error.code === 'string' &&
    error instanceof Error
  ) {
    return { code: error.code, message: error.message };
  }
  if (error instanceof Error) return { code: 'INTERNAL', message: error.message };
  return { code: 'INTERNAL', message: String(error) };
}
