import {
  AuditEvent,
  Bill,
  BillRepository,
  BillStatus,
  ConcurrentModificationError,
  DuplicateRecordError,
  EventLog,
  InboxEntry,
  LIVE_LINK_STATUSES,
  NotificationInbox,
  OpenBillVersion,
  Page,
  Payment,
  PaymentLink,
  PaymentLinkRepository,
  PaymentLinkStatus,
  PaymentRepository,
  Settlement,
  SettlementRepository,
  SettlementStatus,
  Store,
  StoreScope,
  StoredAuditEvent,
} from '@bridge/core';

interface Tables {
  bills: Map<string, Bill>;
  links: Map<string, PaymentLink>;
  linkPolledAt: Map<string, number>;
  payments: Map<string, Payment>;
  settlements: Map<string, Settlement>;
  events: StoredAuditEvent[];
  inbox: Map<string, InboxEntry>;
}

const copyBill = (b: Bill): Bill => ({ ...b, lines: [...b.lines], attributes: { ...b.attributes } });
const copyLink = (l: PaymentLink): PaymentLink => new PaymentLink({ ...l });
const copyPayment = (p: Payment): Payment => new Payment({ ...p });
const copySettlement = (s: Settlement): Settlement => new Settlement({ ...s });

function page<T>(items: T[], p: Page): T[] {
  return items.slice(p.offset ?? 0, (p.offset ?? 0) + p.limit);
}

class MemoryBills extends BillRepository {
  constructor(private readonly t: () => Tables) {
    super();
  }
  async findById(id: string): Promise<Bill | null> {
    const b = this.t().bills.get(id);
    return b ? copyBill(b) : null;
  }
  async findByExternalId(siteId: string, externalId: string): Promise<Bill | null> {
    for (const b of this.t().bills.values())
      if (b.siteId === siteId && b.externalId === externalId) return copyBill(b);
    return null;
  }
  async listOpenVersions(siteId: string): Promise<OpenBillVersion[]> {
    return [...this.t().bills.values()]
      .filter((b) => b.siteId === siteId && b.status === 'open')
      .map((b) => ({
        id: b.id,
        externalId: b.externalId,
        externalVersion: b.externalVersion,
        lastSeenAt: b.lastSeenAt,
      }));
  }
  async findOpenByTable(siteId: string, tableCode: string): Promise<Bill[]> {
    return [...this.t().bills.values()]
      .filter((b) => b.siteId === siteId && b.status === 'open' && b.tableCode === tableCode)
      .map(copyBill);
  }
  async list(filter: { siteId?: string; status?: BillStatus }, p: Page): Promise<Bill[]> {
    const rows = [...this.t().bills.values()].filter(
      (b) => (!filter.siteId || b.siteId === filter.siteId) && (!filter.status || b.status === filter.status),
    );
    return page(rows, p).map(copyBill);
  }
  async save(bill: Bill): Promise<void> {
    for (const other of this.t().bills.values()) {
      if (other.id !== bill.id && other.siteId === bill.siteId && other.externalId === bill.externalId) {
        throw new DuplicateRecordError('bills_site_external', 'Bill already exists');
      }
    }
    this.t().bills.set(bill.id, copyBill(bill));
  }
}

class MemoryLinks extends PaymentLinkRepository {
  constructor(private readonly t: () => Tables) {
    super();
  }
  private all(): PaymentLink[] {
    return [...this.t().links.values()];
  }
  async findById(id: string): Promise<PaymentLink | null> {
    const l = this.t().links.get(id);
    return l ? copyLink(l) : null;
  }
  async findLiveByBill(billId: string): Promise<PaymentLink | null> {
    const l = this.all().find((x) => x.billId === billId && LIVE_LINK_STATUSES.includes(x.status));
    return l ? copyLink(l) : null;
  }
  async findByProviderOrderId(providerOrderId: string): Promise<PaymentLink | null> {
    const l = this.all().find((x) => x.providerOrderId === providerOrderId);
    return l ? copyLink(l) : null;
  }
  async findByMerchantOrderId(merchantOrderId: string): Promise<PaymentLink | null> {
    const l = this.all().find((x) => x.merchantOrderId === merchantOrderId);
    return l ? copyLink(l) : null;
  }
  async listByBill(billId: string): Promise<PaymentLink[]> {
    return this.all()
      .filter((x) => x.billId === billId)
      .sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime())
      .map(copyLink);
  }
  async listByStatus(
    statuses: PaymentLinkStatus[],
    filter: { siteId?: string; updatedBefore?: Date },
    p: Page,
  ): Promise<PaymentLink[]> {
    const rows = this.all().filter(
      (x) =>
        statuses.includes(x.status) &&
        (!filter.siteId || x.siteId === filter.siteId) &&
        (!filter.updatedBefore || x.updatedAt.getTime() < filter.updatedBefore.getTime()),
    );
    return page(rows, p).map(copyLink);
  }
  async listActiveForPolling(siteId: string, limit: number): Promise<PaymentLink[]> {
    const polled = this.t().linkPolledAt;
    return this.all()
      .filter((x) => x.siteId === siteId && x.status === 'active')
      .sort((a, b) => (polled.get(a.id) ?? -1) - (polled.get(b.id) ?? -1))
      .slice(0, limit)
      .map(copyLink);
  }
  async markPolled(ids: string[], at: Date): Promise<void> {
    for (const id of ids) this.t().linkPolledAt.set(id, at.getTime());
  }
  async highestAttempt(billId: string, billVersion: string): Promise<number> {
    return this.all()
      .filter((x) => x.billId === billId && x.billVersion === billVersion)
      .reduce((max, x) => Math.max(max, x.attempt), 0);
  }
  async insert(link: PaymentLink): Promise<void> {
    if (this.all().some((x) => x.merchantOrderId === link.merchantOrderId)) {
      throw new DuplicateRecordError('payment_links_merchant_order_id', 'merchantOrderId taken');
    }
    if (link.isLive() && this.all().some((x) => x.billId === link.billId && x.isLive())) {
      throw new DuplicateRecordError('payment_links_live_per_bill', 'The bill already has a live link');
    }
    this.t().links.set(link.id, copyLink(link));
  }
  async update(link: PaymentLink): Promise<void> {
    if (link.isLive() && this.all().some((x) => x.id !== link.id && x.billId === link.billId && x.isLive())) {
      throw new DuplicateRecordError('payment_links_live_per_bill', 'The bill already has a live link');
    }
    this.t().links.set(link.id, copyLink(link));
  }
}

class MemoryPayments extends PaymentRepository {
  constructor(private readonly t: () => Tables) {
    super();
  }
  async findById(id: string): Promise<Payment | null> {
    const p = this.t().payments.get(id);
    return p ? copyPayment(p) : null;
  }
  async findByProviderOrder(providerOrderId: string, providerStatus: string): Promise<Payment | null> {
    const p = [...this.t().payments.values()].find(
      (x) => x.providerOrderId === providerOrderId && x.providerStatus === providerStatus,
    );
    return p ? copyPayment(p) : null;
  }
  async listByBill(billId: string): Promise<Payment[]> {
    return [...this.t().payments.values()].filter((x) => x.billId === billId).map(copyPayment);
  }
  async listWithOpenExcess(siteId: string | undefined, p: Page): Promise<Payment[]> {
    const rows = [...this.t().payments.values()].filter(
      (x) => x.excessStatus === 'open' && (!siteId || x.siteId === siteId),
    );
    return page(rows, p).map(copyPayment);
  }
  async insert(payment: Payment): Promise<void> {
    if (await this.findByProviderOrder(payment.providerOrderId, payment.providerStatus)) {
      throw new DuplicateRecordError('payments_provider_order_status', 'Payment already recorded');
    }
    this.t().payments.set(payment.id, copyPayment(payment));
  }
  async update(payment: Payment): Promise<void> {
    this.t().payments.set(payment.id, copyPayment(payment));
  }
}

class MemorySettlements extends SettlementRepository {
  constructor(private readonly t: () => Tables) {
    super();
  }
  private all(): Settlement[] {
    return [...this.t().settlements.values()];
  }
  async findById(id: string): Promise<Settlement | null> {
    const s = this.t().settlements.get(id);
    return s ? copySettlement(s) : null;
  }
  async findByPaymentId(paymentId: string): Promise<Settlement | null> {
    const s = this.all().find((x) => x.paymentId === paymentId);
    return s ? copySettlement(s) : null;
  }
  async listByBill(billId: string): Promise<Settlement[]> {
    return this.all()
      .filter((x) => x.billId === billId)
      .map(copySettlement);
  }
  async list(filter: { siteId?: string; statuses?: SettlementStatus[] }, p: Page): Promise<Settlement[]> {
    const rows = this.all().filter(
      (x) =>
        (!filter.siteId || x.siteId === filter.siteId) &&
        (!filter.statuses || filter.statuses.includes(x.status)),
    );
    return page(rows, p).map(copySettlement);
  }
  async appliedExternalRefs(billId: string): Promise<string[]> {
    return this.all()
      .filter((x) => x.billId === billId && x.status === 'applied' && x.externalRef)
      .map((x) => x.externalRef as string);
  }
  async claimDue(
    owner: string,
    leaseMs: number,
    now: Date,
    limit: number,
    filter: { excludeSiteIds?: readonly string[] } = {},
  ): Promise<Settlement[]> {
    const excluded = new Set(filter.excludeSiteIds ?? []);
    const due = this.all()
      .filter((x) => x.isDue(now) && !excluded.has(x.siteId))
      .sort((a, b) => a.nextAttemptAt.getTime() - b.nextAttemptAt.getTime())
      .slice(0, limit);
    for (const s of due) {
      s.claim(owner, leaseMs, now);
      s.version += 1;
      this.t().settlements.set(s.id, copySettlement(s));
    }
    return due.map(copySettlement);
  }
  async listExpiredLeases(now: Date, limit: number): Promise<Settlement[]> {
    return this.all()
      .filter(
        (x) => x.status === 'in_flight' && x.leaseExpiresAt && x.leaseExpiresAt.getTime() < now.getTime(),
      )
      .slice(0, limit)
      .map(copySettlement);
  }
  async countByStatus(): Promise<Record<SettlementStatus, number>> {
    const counts: Record<SettlementStatus, number> = {
      pending: 0,
      in_flight: 0,
      applied: 0,
      unknown_outcome: 0,
      needs_attention: 0,
      resolved: 0,
    };
    for (const s of this.all()) counts[s.status] += 1;
    return counts;
  }
  async insert(settlement: Settlement): Promise<void> {
    if (this.all().some((x) => x.paymentId === settlement.paymentId)) {
      throw new DuplicateRecordError('settlements_payment_id', 'Settlement already exists');
    }
    this.t().settlements.set(settlement.id, copySettlement(settlement));
  }
  async update(settlement: Settlement): Promise<void> {
    const stored = this.t().settlements.get(settlement.id);
    if (!stored || stored.version !== settlement.version) {
      throw new ConcurrentModificationError(`Settlement ${settlement.id} changed meanwhile`);
    }
    settlement.version += 1;
    this.t().settlements.set(settlement.id, copySettlement(settlement));
  }
}

class MemoryEvents extends EventLog {
  constructor(private readonly t: () => Tables) {
    super();
  }
  async append(...events: AuditEvent[]): Promise<void> {
    for (const e of events) this.t().events.push({ ...e, id: this.t().events.length + 1 });
  }
  async listByBill(billId: string): Promise<StoredAuditEvent[]> {
    return this.t().events.filter((e) => e.billId === billId);
  }
  async list(
    filter: { siteId?: string; types?: string[]; since?: Date },
    p: Page,
  ): Promise<StoredAuditEvent[]> {
    const rows = this.t().events.filter(
      (e) =>
        (!filter.siteId || e.siteId === filter.siteId) &&
        (!filter.types || filter.types.includes(e.type)) &&
        (!filter.since || e.at.getTime() >= filter.since.getTime()),
    );
    return page(rows, p);
  }
}

class MemoryInbox extends NotificationInbox {
  constructor(private readonly t: () => Tables) {
    super();
  }
  async add(entry: InboxEntry): Promise<boolean> {
    const key = `${entry.providerOrderId}|${entry.providerStatus}`;
    if (this.t().inbox.has(key)) return false;
    this.t().inbox.set(key, { ...entry });
    return true;
  }
}

/**
 * The Store port in memory, for unit tests and fakes. Transactions run one at a time and roll back
 * on error by restoring a copy of the tables.
 */
export class InMemoryStore extends Store {
  private tables: Tables = {
    bills: new Map(),
    links: new Map(),
    linkPolledAt: new Map(),
    payments: new Map(),
    settlements: new Map(),
    events: [],
    inbox: new Map(),
  };
  private queue: Promise<unknown> = Promise.resolve();
  private readonly scope: StoreScope;
  readonly bills: BillRepository;
  readonly links: PaymentLinkRepository;
  readonly payments: PaymentRepository;
  readonly settlements: SettlementRepository;
  readonly events: EventLog;
  readonly inbox: NotificationInbox;

  constructor() {
    super();
    const t = () => this.tables;
    this.bills = new MemoryBills(t);
    this.links = new MemoryLinks(t);
    this.payments = new MemoryPayments(t);
    this.settlements = new MemorySettlements(t);
    this.events = new MemoryEvents(t);
    this.inbox = new MemoryInbox(t);
    this.scope = {
      bills: this.bills,
      links: this.links,
      payments: this.payments,
      settlements: this.settlements,
      events: this.events,
      inbox: this.inbox,
    };
  }

  transaction<T>(work: (scope: StoreScope) => Promise<T>): Promise<T> {
    const run = this.queue.then(async () => {
      const backup = this.snapshot();
      try {
        return await work(this.scope);
      } catch (error) {
        this.tables = backup;
        throw error;
      }
    });
    this.queue = run.catch(() => undefined);
    return run;
  }

  async ping(): Promise<void> {}

  /** Everything stored, for assertions. */
  dump(): {
    bills: Bill[];
    links: PaymentLink[];
    payments: Payment[];
    settlements: Settlement[];
    events: StoredAuditEvent[];
    inbox: InboxEntry[];
  } {
    return {
      bills: [...this.tables.bills.values()].map(copyBill),
      links: [...this.tables.links.values()].map(copyLink),
      payments: [...this.tables.payments.values()].map(copyPayment),
      settlements: [...this.tables.settlements.values()].map(copySettlement),
      events: [...this.tables.events],
      inbox: [...this.tables.inbox.values()],
    };
  }

  private snapshot(): Tables {
    return {
      bills: new Map(this.tables.bills),
      links: new Map(this.tables.links),
      linkPolledAt: new Map(this.tables.linkPolledAt),
      payments: new Map(this.tables.payments),
      settlements: new Map(this.tables.settlements),
      events: [...this.tables.events],
      inbox: new Map(this.tables.inbox),
    };
  }
}
