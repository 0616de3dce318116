import { Bill, BillStatus } from '../domain/bill';
import { NotificationChannel, Payment } from '../domain/payment';
import { PaymentLink, PaymentLinkStatus } from '../domain/payment-link';
import { Settlement, SettlementStatus } from '../domain/settlement';

export interface Page {
  limit: number;
  offset?: number;
}

export interface OpenBillVersion {
  id: string;
  externalId: string;
  externalVersion: string;
  lastSeenAt: Date;
}

export abstract class BillRepository {
  abstract findById(id: string): Promise<Bill | null>;
  abstract findByExternalId(siteId: string, externalId: string): Promise<Bill | null>;
  /** One light row per open bill of a site: what the sync compares the POS list against. */
  abstract listOpenVersions(siteId: string): Promise<OpenBillVersion[]>;
  abstract findOpenByTable(siteId: string, tableCode: string): Promise<Bill[]>;
  abstract list(filter: { siteId?: string; status?: BillStatus }, page: Page): Promise<Bill[]>;
  /** Insert or update by id; (siteId, externalId) is unique. */
  abstract save(bill: Bill): Promise<void>;
}

export abstract class PaymentLinkRepository {
  abstract findById(id: string): Promise<PaymentLink | null>;
  abstract findLiveByBill(billId: string): Promise<PaymentLink | null>;
  abstract findByProviderOrderId(providerOrderId: string): Promise<PaymentLink | null>;
  abstract findByMerchantOrderId(merchantOrderId: string): Promise<PaymentLink | null>;
  abstract listByBill(billId: string): Promise<PaymentLink[]>;
  abstract listByStatus(
    statuses: PaymentLinkStatus[],
    filter: { siteId?: string; updatedBefore?: Date },
    page: Page,
  ): Promise<PaymentLink[]>;
  /** Oldest-polled first: the poller spends its request budget fairly. */
  abstract listActiveForPolling(siteId: string, limit: number): Promise<PaymentLink[]>;
  abstract markPolled(ids: string[], at: Date): Promise<void>;
  abstract highestAttempt(billId: string, billVersion: string): Promise<number>;
  /** Throws DuplicateRecordError when the bill already has a live link or the merchantOrderId is taken. */
  abstract insert(link: PaymentLink): Promise<void>;
  abstract update(link: PaymentLink): Promise<void>;
}

export abstract class PaymentRepository {
  abstract findById(id: string): Promise<Payment | null>;
  abstract findByProviderOrder(providerOrderId: string, providerStatus: string): Promise<Payment | null>;
  abstract listByBill(billId: string): Promise<Payment[]>;
  abstract listWithOpenExcess(siteId: string | undefined, page: Page): Promise<Payment[]>;
  /** Throws DuplicateRecordError for a second payment of the same (providerOrderId, status). */
  abstract insert(payment: Payment): Promise<void>;
  abstract update(payment: Payment): Promise<void>;
}

export abstract class SettlementRepository {
  abstract findById(id: string): Promise<Settlement | null>;
  abstract findByPaymentId(paymentId: string): Promise<Settlement | null>;
  abstract listByBill(billId: string): Promise<Settlement[]>;
  abstract list(
    filter: { siteId?: string; statuses?: SettlementStatus[] },
    page: Page,
  ): Promise<Settlement[]>;
  /** External references already matched to applied settlements of a bill (read-back must skip them). */
  abstract appliedExternalRefs(billId: string): Promise<string[]>;
  /**
   * Atomically moves up to `limit` due settlements (pending, or unknown_outcome) to in_flight under a
   * lease for `owner`. Two callers never claim the same settlement. `excludeSiteIds`: sites this caller
   * must leave to another process (one that holds the site's exclusive POS/PMS link).
   */
  abstract claimDue(
    owner: string,
    leaseMs: number,
    now: Date,
    limit: number,
    filter?: { excludeSiteIds?: readonly string[] },
  ): Promise<Settlement[]>;
  abstract listExpiredLeases(now: Date, limit: number): Promise<Settlement[]>;
  abstract countByStatus(): Promise<Record<SettlementStatus, number>>;
  /** Throws DuplicateRecordError for a second settlement of the same payment. */
  abstract insert(settlement: Settlement): Promise<void>;
  /** Optimistic: throws ConcurrentModificationError when someone else changed it since it was read. */
  abstract update(settlement: Settlement): Promise<void>;
}

export interface AuditEvent {
  at: Date;
  siteId: string;
  type: string;
  billId?: string;
  linkId?: string;
  paymentId?: string;
  settlementId?: string;
  /** Never secrets: it is shown to operators. */
  data: Record<string, unknown>;
}

export interface StoredAuditEvent extends AuditEvent {
  id: number;
}

export abstract class EventLog {
  abstract append(...events: AuditEvent[]): Promise<void>;
  abstract listByBill(billId: string): Promise<StoredAuditEvent[]>;
  abstract list(
    filter: { siteId?: string; types?: string[]; since?: Date },
    page: Page,
  ): Promise<StoredAuditEvent[]>;
}

export interface InboxEntry {
  siteId: string;
  channel: NotificationChannel;
  providerOrderId: string;
  providerStatus: string;
  receivedAt: Date;
  /** The raw notification as received (signed bodies are kept byte for byte, as text). */
  body: string;
}

export abstract class NotificationInbox {
  /** False when the same (providerOrderId, providerStatus) was already received. */
  abstract add(entry: InboxEntry): Promise<boolean>;
}

/** Repositories that share one database transaction. */
export interface StoreScope {
  bills: BillRepository;
  links: PaymentLinkRepository;
  payments: PaymentRepository;
  settlements: SettlementRepository;
  events: EventLog;
  inbox: NotificationInbox;
}

export abstract class Store implements StoreScope {
  abstract readonly bills: BillRepository;
  abstract readonly links: PaymentLinkRepository;
  abstract readonly payments: PaymentRepository;
  abstract readonly settlements: SettlementRepository;
  abstract readonly events: EventLog;
  abstract readonly inbox: NotificationInbox;
  /** Runs `work` in one transaction: all of it is durable, or none of it. */
  abstract transaction<T>(work: (scope: StoreScope) => Promise<T>): Promise<T>;
  abstract ping(): Promise<void>;
}
