import { SimFaultKind, SimFaultPlan, SimFaultRule } from './rkeeper-sim.faults';
import { SimNotifierStats } from './rkeeper-sim.notifier';
import {
  OpenOrderInput,
  RkeeperSimState,
  SIM_ERRORS,
  SimDishInput,
  SimItemRef,
  SimOrder,
  SimPaymentLine,
  computeTotals,
  discountAmount,
  dishAmount,
  dishBase,
  hasBill,
  modiAmount,
  orderDiscountAmounts,
} from './rkeeper-sim.state';

export interface SimPaymentSnapshot {
  lineGuid: string;
  currencyId: number;
  currencyName: string;
  amount: number;
  deleted: boolean;
  reasonId?: number;
}

export interface SimDiscountSnapshot {
  lineGuid: string;
  id: number;
  code: number;
  name: string;
  amount: number;
}

export interface SimDishSnapshot {
  lineGuid: string;
  id: number;
  code: number;
  name: string;
  price: number;
  quantityMilli: number;
  amount: number;
  modifiers: {
    lineGuid: string;
    id: number;
    code: number;
    name: string;
    price: number;
    count: number;
    amount: number;
  }[];
  discounts: SimDiscountSnapshot[];
}

export interface SimOrderSnapshot {
  guid: string;
  visit: number;
  orderIdent: number;
  orderName: string;
  version: number;
  table: { id: number; code: number; name: string };
  waiterCode: number;
  locked: boolean;
  lockedByStationCode?: number;
  bill: boolean;
  paid: boolean;
  finished: boolean;
  orderSum: number;
  discountSum: number;
  prepaySum: number;
  paidSum: number;
  unpaidSum: number;
  totalPiecesMilli: number;
  dishes: SimDishSnapshot[];
  discounts: SimDiscountSnapshot[];
  prepays: SimPaymentSnapshot[];
  pays: SimPaymentSnapshot[];
  externalProps: Record<string, string>;
}

export interface SimFaultInput {
  count?: number;
  cmd?: string;
}

function paymentSnapshot(line: SimPaymentLine): SimPaymentSnapshot {
  return {
    lineGuid: line.lineGuid,
    currencyId: line.currency.id,
    currencyName: line.currency.name,
    amount: line.amount,
    deleted: line.deleted,
    reasonId: line.reason?.id,
  };
}

export function snapshotOrder(order: SimOrder): SimOrderSnapshot {
  const totals = computeTotals(order);
  const orderDiscounts = orderDiscountAmounts(order);
  const sessions = order.sessions;
  return {
    guid: order.guid,
    visit: order.visit,
    orderIdent: order.orderIdent,
    orderName: order.orderName,
    version: order.version,
    table: { id: order.table.id, code: order.table.code, name: order.table.name },
    waiterCode: order.waiter.code,
    locked: order.lockedBy !== undefined,
    lockedByStationCode: order.lockedBy?.code,
    bill: hasBill(order),
    paid: order.paid,
    finished: order.finished,
    orderSum: totals.orderSum,
    discountSum: totals.discountSum,
    prepaySum: totals.prepaySum,
    paidSum: totals.paidSum,
    unpaidSum: totals.unpaidSum,
    totalPiecesMilli: totals.totalPiecesMilli,
    dishes: sessions.flatMap((s) =>
      s.dishes.map((d) => {
        const base = dishBase(d);
        return {
          lineGuid: d.lineGuid,
          id: d.item.id,
          code: d.item.code,
          name: d.item.name,
          price: d.price,
          quantityMilli: d.quantityMilli,
          amount: dishAmount(d),
          modifiers: d.modifiers.map((m) => ({
            lineGuid: m.lineGuid,
            id: m.item.id,
            code: m.item.code,
            name: m.item.name,
            price: m.price,
            count: m.count,
            amount: modiAmount(m, d),
          })),
          discounts: d.discounts.map((x) => ({
            lineGuid: x.lineGuid,
            id: x.type.id,
            code: x.type.code,
            name: x.type.name,
            amount: discountAmount(x, base),
          })),
        };
      }),
    ),
    discounts: sessions.flatMap((s) =>
      s.discounts.map((x) => ({
        lineGuid: x.lineGuid,
        id: x.type.id,
        code: x.type.code,
        name: x.type.name,
        amount: orderDiscounts.get(x.lineGuid) ?? 0,
      })),
    ),
    prepays: sessions.flatMap((s) => [
      ...s.prepays.map(paymentSnapshot),
      ...s.printChecks.flatMap((p) => p.lines.filter((l) => l.kind === 'prepay').map(paymentSnapshot)),
    ]),
    pays: sessions.flatMap((s) =>
      s.printChecks.flatMap((p) => p.lines.filter((l) => l.kind === 'pay').map(paymentSnapshot)),
    ),
    externalProps: { ...order.externalProps },
  };
}

/** Deterministic PRNG (mulberry32) so generated loads are the same run after run. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * What a test (or a person at the POS) can do to the simulated restaurant. Actions at the POS bypass the XML lock:
 * the station that holds an order is the one editing it.
 */
export class RkeeperSimControl {
  private readonly random: () => number;

  constructor(
    private readonly state: RkeeperSimState,
    private readonly faults: SimFaultPlan,
    private readonly counts: Map<string, number>,
    private readonly notifierStats: () => SimNotifierStats | undefined,
    randomSeed: number,
  ) {
    this.random = seededRandom(randomSeed);
  }

  openOrder(input: OpenOrderInput = {}): SimOrderSnapshot {
    return snapshotOrder(this.state.openOrder(input));
  }

  addDish(guid: string, dish: SimDishInput, stationCode?: number): SimOrderSnapshot {
    const order = this.openOrderByGuid(guid);
    this.state.addSession(order, this.stationOf(stationCode), [dish], [], []);
    return snapshotOrder(order);
  }

  removeDish(guid: string, lineGuid: string): SimOrderSnapshot {
    const order = this.openOrderByGuid(guid);
    this.state.removeDish(order, lineGuid);
    return snapshotOrder(order);
  }

  addDiscount(guid: string, discount: SimItemRef & { amount?: number }): SimOrderSnapshot {
    const order = this.openOrderByGuid(guid);
    this.state.addSession(order, undefined, [], [discount], []);
    return snapshotOrder(order);
  }

  printPrecheck(guid: string, stationCode?: number): SimOrderSnapshot {
    const order = this.openOrderByGuid(guid);
    this.state.printBill(order, this.stationOf(stationCode));
    return snapshotOrder(order);
  }

  lock(guid: string, stationCode?: number): SimOrderSnapshot {
    const order = this.openOrderByGuid(guid);
    const { stations } = this.state.seed;
    this.state.lock(order, this.stationOf(stationCode) ?? stations[1] ?? stations[0]);
    return snapshotOrder(order);
  }

  unlock(guid: string): SimOrderSnapshot {
    const order = this.state.find({ guid });
    this.state.unlock(order);
    return snapshotOrder(order);
  }

  closeByCash(guid: string): SimOrderSnapshot {
    const order = this.state.find({ guid });
    this.state.closeByCash(order);
    return snapshotOrder(order);
  }

  order(guid: string): SimOrderSnapshot {
    return snapshotOrder(this.state.find({ guid }));
  }

  orders(filter: { open?: boolean } = {}): SimOrderSnapshot[] {
    const all = [...this.state.orders.values()];
    return (filter.open ? all.filter((o) => !o.finished) : all).map(snapshotOrder);
  }

  /** Bulk load for benchmarks: no notifications, 1–4 dishes each from the menu. */
  generateOrders(count: number): string[] {
    const { menu, tables } = this.state.seed;
    const guids: string[] = [];
    for (let i = 0; i < count; i++) {
      const dishCount = 1 + Math.floor(this.random() * 4);
      const dishes = Array.from({ length: dishCount }, () => ({
        id: menu[Math.floor(this.random() * menu.length)].id,
        quantityMilli: 1000 * (1 + Math.floor(this.random() * 2)),
      }));
      guids.push(this.state.openOrder({ tableId: tables[i % tables.length].id, dishes }, false).guid);
    }
    return guids;
  }

  changeOrders(options: { fraction?: number; count?: number } = {}): string[] {
    const open = [...this.state.orders.values()].filter((o) => !o.finished && !o.lockedBy);
    const wanted = options.count ?? Math.ceil(open.length * (options.fraction ?? 0.01));
    const picked = new Set<SimOrder>();
    while (picked.size < Math.min(wanted, open.length))
      picked.add(open[Math.floor(this.random() * open.length)]);
    const { menu } = this.state.seed;
    for (const order of picked) {
      this.state.addSession(
        order,
        undefined,
        [{ id: menu[Math.floor(this.random() * menu.length)].id }],
        [],
        [],
      );
    }
    return [...picked].map((o) => o.guid);
  }

  failNext(input: SimFaultInput & { errorText: string; status?: string; rk7ErrorN?: string }): void {
    this.fault('fail', input);
  }

  unauthorizedNext(input: SimFaultInput = {}): void {
    this.fault('unauthorized', input);
  }

  stallNext(input: SimFaultInput & { ms: number; applyWrite?: boolean }): void {
    this.fault('stall', input);
  }

  dropNext(input: SimFaultInput & { applyWrite?: boolean } = {}): void {
    this.fault('drop', input);
  }

  malformedNext(input: SimFaultInput & { applyWrite?: boolean } = {}): void {
    this.fault('malformed', input);
  }

  pendingFaults(): SimFaultRule[] {
    return this.faults.pending();
  }

  clearFaults(): void {
    this.faults.clear();
  }

  requestCounts(): Record<string, number> {
    return Object.fromEntries(this.counts);
  }

  resetRequestCounts(): void {
    this.counts.clear();
  }

  notifications(): SimNotifierStats | undefined {
    return this.notifierStats();
  }

  private fault(kind: SimFaultKind, input: SimFaultInput & Partial<SimFaultRule>): void {
    this.faults.add({ ...input, kind, count: input.count ?? 1 });
  }

  private openOrderByGuid(guid: string): SimOrder {
    const order = this.state.find({ guid });
    if (order.finished) throw SIM_ERRORS.visitClosed(order.visit);
    return order;
  }

  private stationOf(code: number | undefined) {
    return code === undefined ? undefined : this.state.station({ code });
  }
}
