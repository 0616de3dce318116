import { BillLine } from '../domain/bill';
import { Money } from '../domain/money';
import { FiscalProfile } from './site-directory.port';

export type ProviderOrderStatus = 'created' | 'completed' | 'canceled' | 'expired' | 'other';

export interface ProviderOrder {
  providerOrderId: string;
  merchantOrderId: string;
  merchantId: string;
  status: ProviderOrderStatus;
  /** The provider's own word for the status, kept for the dedup key and the audit log. */
  rawStatus: string;
  amount: Money;
  paymentUrl?: string;
  expiresAt?: Date;
  paidAt?: Date;
  createdAt?: Date;
}

export interface CreateLinkRequest {
  merchantOrderId: string;
  /** Shown on the payment page: the table or room, not a uuid. */
  visibleOrderId: string;
  description: string;
  amount: Money;
  /** The bill lines; the provider scales them to `amount` when part of the bill was paid already. */
  lines: BillLine[];
  fiscal: FiscalProfile;
  expiresAt: Date;
  language: 'ru' | 'en';
  customerEmail?: string;
}

export interface CreatedLink {
  order: ProviderOrder;
  /** True when the order already existed (found by merchantOrderId after a lost answer). */
  recovered: boolean;
}

export interface RefundRequest {
  providerOrderId: string;
  /** Unique per refund: the provider refuses a second refund with the same id. */
  refundId: string;
  amount: Money;
  reason: string;
}

export interface ProviderRefund {
  refundId: string;
  providerRefundId: string;
  amount: Money;
  status: 'pending' | 'completed' | 'canceled';
}

/** `from` inclusive, `to` exclusive. */
export interface ActivityRange {
  from: Date;
  to: Date;
}

export interface ListedRefund extends ProviderRefund {
  providerOrderId: string;
  createdAt?: Date;
}

export interface ProviderActivity {
  /** Orders created or paid within the range, each once. */
  orders: ProviderOrder[];
  /** Refunds created within the range. */
  refunds: ListedRefund[];
}

/** A notification whose authenticity was checked by the provider adapter. */
export interface PaymentNotification {
  providerOrderId: string;
  merchantOrderId: string;
  merchantId: string;
  status: ProviderOrderStatus;
  rawStatus: string;
  amount: Money;
  paidAt?: Date;
  /** The provider's monitoring ping: answer it, change nothing. */
  isTest: boolean;
}

export type NotificationRejection =
  'signature' | 'malformed' | 'unknown_order' | 'merchant_mismatch' | 'amount_mismatch' | 'currency_mismatch';

export type NotificationOutcome =
  | { kind: 'accepted' }
  | { kind: 'duplicate' }
  | { kind: 'test' }
  | { kind: 'rejected'; reason: NotificationRejection; message: string }
  | { kind: 'failed'; message: string };

export interface NotificationReply {
  httpStatus: number;
  body: unknown;
}

export type NotificationHeaders = Record<string, string | string[] | undefined>;

/** One merchant account at the payment provider. */
export abstract class PaymentProvider {
  abstract readonly name: string;

  /**
   * Idempotent by merchantOrderId: after a lost answer the implementation looks the order up before
   * failing. Throws UpstreamOutcomeUnknownError only when even the lookup cannot tell.
   */
  abstract createLink(request: CreateLinkRequest): Promise<CreatedLink>;

  abstract findByMerchantOrderId(merchantOrderId: string): Promise<ProviderOrder | null>;

  abstract getOrder(providerOrderId: string): Promise<ProviderOrder>;

  /** Returns the order after the attempt: `canceled`, or `completed` when the guest paid first. */
  abstract cancelLink(providerOrderId: string): Promise<ProviderOrder>;

  abstract refund(request: RefundRequest): Promise<ProviderRefund>;

  /** What the merchant account did in a time range, every page of it: the daily reconciliation's source. */
  abstract listActivity(range: ActivityRange): Promise<ProviderActivity>;

  /** Throws NotificationRejectedError when the body is not authentic or not understood. */
  abstract verifyNotification(rawBody: Buffer, headers: NotificationHeaders): PaymentNotification;

  abstract formatNotificationReply(outcome: NotificationOutcome): NotificationReply;

  abstract checkCredentials(): Promise<void>;
}

export abstract class PaymentProviderRegistry {
  abstract forSite(siteId: string): PaymentProvider;
}
