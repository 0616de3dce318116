import { randomUUID } from 'node:crypto';
import {
  AppliedPosPayment,
  ApplyPaymentCommand,
  BillChangeHint,
  BillLine,
  BillRef,
  BillSnapshot,
  BillSummary,
  FindAppliedPaymentQuery,
  Money,
  PosAdapter,
  PosHealth,
  PosPaymentLookup,
  PosRejectedError,
  Quantity,
  UpstreamOutcomeUnknownError,
  UpstreamUnavailableError,
} from '@bridge/core';

export interface FakeLineSpec {
  name: string;
  priceMinor: number;
  quantityMilli?: number;
  sku?: string;
  vatCode?: string;
}

interface FakeOrder {
  externalId: string;
  tableCode: string;
  lines: BillLine[];
  payments: Array<AppliedPosPayment & { paymentId: string }>;
  version: number;
  status: 'open' | 'closed';
  locked: boolean;
}

export type FakePosFault =
  | { kind: 'unavailable' }
  /** The write reaches the POS, but the answer is lost. */
  | { kind: 'timeout_after_apply' }
  | { kind: 'timeout_before_apply' }
  | { kind: 'reject'; reason: PosRejectedError['reason'] };

/**
 * An in-memory POS with the rules that matter to the bridge: closing needs the exact amount due,
 * prepayments leave the order open, a locked or closed order refuses writes, the version grows on
 * every change. Its ledger shows how many times each payment was applied.
 */
export class FakePos extends PosAdapter {
  readonly vendor = 'fake';
  private readonly orders = new Map<string, FakeOrder>();
  private readonly faults: FakePosFault[] = [];
  private readonly listeners = new Set<(hint: BillChangeHint) => void>();
  readonly calls = { list: 0, get: 0, apply: 0, find: 0 };
  healthy = true;

  constructor(readonly currency = 'RUB') {
    super();
  }

  openOrder(tableCode: string, lines: FakeLineSpec[], externalId: string = randomUUID()): string {
    this.orders.set(externalId, {
      externalId,
      tableCode,
      lines: lines.map((l) => this.line(l)),
      payments: [],
      version: 1,
      status: 'open',
      locked: false,
    });
    this.emit({ externalId, reason: 'opened' });
    return externalId;
  }

  addLine(externalId: string, spec: FakeLineSpec): void {
    const order = this.order(externalId);
    order.lines.push(this.line(spec));
    this.touch(order);
  }

  closeAtPos(externalId: string): void {
    const order = this.order(externalId);
    order.status = 'closed';
    this.touch(order);
  }

  setLocked(externalId: string, locked: boolean): void {
    this.order(externalId).locked = locked;
  }

  /** Someone at the POS deletes the payment line of a bridge payment (the bill owes it again). */
  removePayment(externalId: string, paymentId: string): void {
    const order = this.order(externalId);
    order.payments = order.payments.filter((p) => p.paymentId !== paymentId);
    order.status = 'open';
    this.touch(order);
  }

  injectFault(fault: FakePosFault): void {
    this.faults.push(fault);
  }

  appliedPayments(externalId: string): ReadonlyArray<AppliedPosPayment & { paymentId: string }> {
    return this.order(externalId).payments;
  }

  /** How many times the POS took a payment of this bridge payment id: must never exceed 1. */
  timesApplied(paymentId: string): number {
    let count = 0;
    for (const order of this.orders.values())
      count += order.payments.filter((p) => p.paymentId === paymentId).length;
    return count;
  }

  amountDue(externalId: string): Money {
    const order = this.order(externalId);
    return this.total(order).subtract(this.paid(order));
  }

  isClosed(externalId: string): boolean {
    return this.order(externalId).status === 'closed';
  }

  async listOpenBills(): Promise<BillSummary[]> {
    this.calls.list += 1;
    this.failIfUnavailable('list');
    return [...this.orders.values()]
      .filter((o) => o.status === 'open')
      .map((o) => ({ externalId: o.externalId, externalVersion: String(o.version) }));
  }

  async getBill(ref: BillRef): Promise<BillSnapshot | null> {
    this.calls.get += 1;
    this.failIfUnavailable('get');
    const order = this.orders.get(ref.externalId);
    if (!order) return null;
    const total = this.total(order);
    const paid = this.paid(order);
    return {
      externalId: order.externalId,
      kind: 'table_check',
      label: `Стол ${order.tableCode}`,
      tableCode: order.tableCode,
      currency: this.currency,
      lines: [...order.lines],
      total,
      paid,
      amountDue: order.status === 'open' ? total.subtract(paid) : Money.zero(this.currency),
      externalVersion: String(order.version),
      status: order.status,
      attributes: { table: order.tableCode },
    };
  }

  async applyPayment(command: ApplyPaymentCommand): Promise<AppliedPosPayment> {
    this.calls.apply += 1;
    const fault = this.faults.shift();
    if (fault?.kind === 'unavailable') throw this.unavailable('apply');
    if (fault?.kind === 'timeout_before_apply') throw this.timeout();
    if (fault?.kind === 'reject') {
      throw new PosRejectedError(fault.reason, `Fake POS refused: ${fault.reason}`, {
        upstream: 'fake',
        operation: 'apply',
      });
    }
    const order = this.orders.get(command.bill.externalId);
    if (!order)
      throw new PosRejectedError('not_found', 'No such order', { upstream: 'fake', operation: 'apply' });
    if (order.status !== 'open')
      throw new PosRejectedError('bill_closed', 'Order is closed', { upstream: 'fake', operation: 'apply' });
    if (order.locked)
      throw new PosRejectedError('locked', 'Order is locked by a station', {
        upstream: 'fake',
        operation: 'apply',
      });
    const due = this.total(order).subtract(this.paid(order));
    if (command.mode === 'close' && !command.amount.equals(due)) {
      throw new PosRejectedError('amount_mismatch', 'Payment must equal the amount due', {
        upstream: 'fake',
        operation: 'apply',
      });
    }
    if (command.mode === 'prepayment' && !command.amount.lessThan(due)) {
      throw new PosRejectedError('amount_mismatch', 'A prepayment must leave something due', {
        upstream: 'fake',
        operation: 'apply',
      });
    }
    const applied = {
      externalRef: randomUUID(),
      amount: command.amount,
      mode: command.mode,
      paymentId: command.paymentId,
    };
    order.payments.push(applied);
    if (command.mode === 'close') order.status = 'closed';
    this.touch(order);
    if (fault?.kind === 'timeout_after_apply') throw this.timeout();
    return { externalRef: applied.externalRef, amount: applied.amount, mode: applied.mode };
  }

  async findAppliedPayment(query: FindAppliedPaymentQuery): Promise<PosPaymentLookup> {
    this.calls.find += 1;
    this.failIfUnavailable('find');
    const order = this.orders.get(query.bill.externalId);
    if (!order) return { status: 'undeterminable', reason: 'The order is gone' };
    const match = order.payments.find(
      (p) => p.paymentId === query.paymentId && !query.excludeExternalRefs.includes(p.externalRef),
    );
    return match
      ? {
          status: 'found',
          payment: { externalRef: match.externalRef, amount: match.amount, mode: match.mode },
        }
      : { status: 'not_found' };
  }

  async checkHealth(): Promise<PosHealth> {
    return this.healthy ? { ok: true, detail: 'fake POS' } : { ok: false, detail: 'fake POS is down' };
  }

  override onBillChanged(listener: (hint: BillChangeHint) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private line(spec: FakeLineSpec): BillLine {
    const quantity = Quantity.ofMilli(spec.quantityMilli ?? 1000);
    return {
      lineId: randomUUID(),
      sku: spec.sku ?? spec.name.toLowerCase().replace(/\s+/g, '-'),
      name: spec.name,
      quantity,
      total: Money.of(quantity.times(spec.priceMinor), this.currency),
      vatCode: spec.vatCode,
    };
  }

  private order(externalId: string): FakeOrder {
    const order = this.orders.get(externalId);
    if (!order) throw new Error(`Fake POS has no order ${externalId}`);
    return order;
  }

  private total(order: FakeOrder): Money {
    return Money.sum(
      order.lines.map((l) => l.total),
      this.currency,
    );
  }

  private paid(order: FakeOrder): Money {
    return Money.sum(
      order.payments.map((p) => p.amount),
      this.currency,
    );
  }

  private touch(order: FakeOrder): void {
    order.version += 1;
    this.emit({ externalId: order.externalId, reason: 'changed' });
  }

  private emit(hint: BillChangeHint): void {
    for (const listener of this.listeners) listener(hint);
  }

  private failIfUnavailable(operation: string): void {
    if (!this.healthy) throw this.unavailable(operation);
  }

  private unavailable(operation: string): UpstreamUnavailableError {
    return new UpstreamUnavailableError('Fake POS unreachable', { upstream: 'fake', operation });
  }

  private timeout(): UpstreamOutcomeUnknownError {
    return new UpstreamOutcomeUnknownError('Fake POS did not answer', {
      upstream: 'fake',
      operation: 'apply',
    });
  }
}
