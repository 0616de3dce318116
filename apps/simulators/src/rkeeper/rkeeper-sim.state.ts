import { Money, Quantity, divideRounded } from '@bridge/core';
import { Rk7Status, formatRkeeperGuid, sameRkeeperGuid } from '@bridge/rkeeper';
import { randomUUID } from 'node:crypto';
import {
  CASH_CURRENCY_ID,
  RkeeperSimulatorSeed,
  SimCurrency,
  SimDiscountType,
  SimEmployee,
  SimMenuItem,
  SimRefItem,
  SimStation,
  SimTable,
} from './rkeeper-sim.seed';

export class SimRejection extends Error {
  constructor(
    readonly errorText: string,
    readonly status: Rk7Status = 'Query Executing Error',
    readonly rk7ErrorN?: string,
  ) {
    super(errorText);
    this.name = 'SimRejection';
  }
}

/** The order does not exist (the control API answers 404 for it). */
export class SimNotFound extends SimRejection {}

function rub(kopecks: number): string {
  return Money.of(kopecks, 'RUB').toDecimalString();
}

/** Every text the simulator refuses with; the client classifies them by its configurable patterns. */
export const SIM_ERRORS = {
  orderNotFound: (ref: string) => new SimNotFound(`Заказ ${ref} не найден`),
  // Text and RK7ErrorN as captured from a live 7.6.4 server.
  visitClosed: (visit: number) => new SimRejection(`Визит ${visit} закрыт!`, 'Query Executing Error', '2128'),
  locked: (station: string) => new SimRejection(`Заказ заблокирован на станции «${station}»`),
  sumMismatch: (paid: number, due: number) =>
    new SimRejection(`Сумма оплаты ${rub(paid)} не совпадает с суммой к оплате ${rub(due)}`),
  prepayExceeds: (amount: number, due: number) =>
    new SimRejection(`Сумма предоплаты ${rub(amount)} превышает неоплаченную сумму заказа ${rub(due)}`),
  badAmount: (amount: string) =>
    new SimRejection(`Неверная сумма платежа: ${amount}`, 'Bad Query Parameters'),
  noReason: () => new SimRejection('Не указана причина внесения предоплаты', 'Bad Query Parameters'),
  unknownReason: (id: string) => new SimRejection(`Неизвестная причина внесения предоплаты: ${id}`),
  unknownCurrency: (id: string) => new SimRejection(`Неизвестная валюта: ${id}`),
  unknownDish: (ref: string) => new SimRejection(`Блюдо ${ref} отсутствует в меню`),
  unknownModifier: (ref: string) => new SimRejection(`Модификатор ${ref} отсутствует в справочнике`),
  unknownDiscount: (ref: string) => new SimRejection(`Скидка ${ref} отсутствует в справочнике`),
  unknownTable: (ref: string) => new SimRejection(`Стол ${ref} отсутствует в справочнике`),
  unknownEmployee: (ref: string) => new SimRejection(`Работник ${ref} отсутствует в справочнике`),
  unknownStation: (ref: string) => new SimRejection(`Станция ${ref} отсутствует в справочнике`),
  noStationOrCashier: () => new SimRejection('Не указаны станция и кассир', 'Bad Query Parameters'),
  noManager: () => new SimRejection('Не указан менеджер', 'Bad Query Parameters'),
  paymentLineNotFound: (guid: string) => new SimRejection(`Платёж ${guid} отсутствует в заказе`),
  emptyBill: () => new SimRejection('Нет блюд для печати пречека'),
  license: (detail: string) => new SimRejection(`Ошибка лицензирования XML-интерфейса: ${detail}`),
};

export interface SimModiLine {
  uni: number;
  lineGuid: string;
  item: SimRefItem;
  price: number;
  count: number;
}

export interface SimDiscountLine {
  uni: number;
  lineGuid: string;
  type: SimDiscountType;
  manualAmount?: number;
}

export interface SimDishLine {
  uni: number;
  lineGuid: string;
  item: SimMenuItem;
  price: number;
  quantityMilli: number;
  modifiers: SimModiLine[];
  discounts: SimDiscountLine[];
}

export interface SimPaymentLine {
  kind: 'pay' | 'prepay';
  uni: number;
  lineGuid: string;
  currency: SimCurrency;
  amount: number;
  deleted: boolean;
  reason?: SimRefItem;
}

export interface SimPrintCheck {
  uni: number;
  lineGuid: string;
  checkNum: number;
  amount: number;
  bill: boolean;
  deleted: boolean;
  printTime: Date;
  lines: SimPaymentLine[];
}

export interface SimSession {
  uni: number;
  lineGuid: string;
  station?: SimStation;
  dishes: SimDishLine[];
  discounts: SimDiscountLine[];
  prepays: SimPaymentLine[];
  printChecks: SimPrintCheck[];
}

export interface SimOrder {
  guid: string;
  visit: number;
  visitGuid: string;
  orderIdent: number;
  orderName: string;
  version: number;
  openTime: Date;
  finishTime?: Date;
  table: SimTable;
  waiter: SimEmployee;
  guests: number;
  sessions: SimSession[];
  externalProps: Record<string, string>;
  persistentComment?: string;
  lockedBy?: SimStation;
  paid: boolean;
  finished: boolean;
  nextUni: number;
}

export interface SimTotals {
  gross: number;
  discountSum: number;
  orderSum: number;
  prepaySum: number;
  paidSum: number;
  unpaidSum: number;
  totalPiecesMilli: number;
}

export interface SimItemRef {
  id?: number;
  code?: number;
  guid?: string;
}

export interface SimDishInput extends SimItemRef {
  quantityMilli?: number;
  price?: number;
  modifiers?: (SimItemRef & { count?: number; price?: number })[];
  discounts?: (SimItemRef & { amount?: number })[];
}

export interface SimPaymentInput {
  currency: SimItemRef;
  amount: number;
}

export function dishAmount(d: SimDishLine): number {
  return d.quantityMilli > 0 ? Quantity.ofMilli(d.quantityMilli).times(d.price) : 0;
}

export function modiAmount(m: SimModiLine, d: SimDishLine): number {
  return d.quantityMilli > 0 ? Quantity.ofMilli(d.quantityMilli).times(m.price * m.count) : 0;
}

/** Negative: discounts reduce the sum (see the assumptions file). */
export function discountAmount(line: SimDiscountLine, base: number): number {
  if (base <= 0) return 0;
  const { percent, amount } = line.type;
  const off =
    line.manualAmount !== undefined
      ? line.manualAmount
      : percent !== undefined
        ? Number(divideRounded(BigInt(base) * BigInt(percent), 100n))
        : (amount ?? 0);
  return -Math.min(off, base);
}

export function dishBase(d: SimDishLine): number {
  return dishAmount(d) + d.modifiers.reduce((sum, m) => sum + modiAmount(m, d), 0);
}

export function dishNet(d: SimDishLine): number {
  const base = dishBase(d);
  return base + d.discounts.reduce((sum, line) => sum + discountAmount(line, base), 0);
}

/** Order-level discounts apply, in order, to what is left after dish-level discounts. */
export function orderDiscountAmounts(order: SimOrder): Map<string, number> {
  let remaining = order.sessions.reduce((sum, s) => sum + s.dishes.reduce((a, d) => a + dishNet(d), 0), 0);
  const amounts = new Map<string, number>();
  for (const session of order.sessions) {
    for (const line of session.discounts) {
      const value = discountAmount(line, remaining);
      amounts.set(line.lineGuid, value);
      remaining += value;
    }
  }
  return amounts;
}

export function computeTotals(order: SimOrder): SimTotals {
  let gross = 0;
  let dishDiscounts = 0;
  let totalPiecesMilli = 0;
  let prepaySum = 0;
  let paidSum = 0;
  for (const session of order.sessions) {
    for (const d of session.dishes) {
      const base = dishBase(d);
      gross += base;
      dishDiscounts += d.discounts.reduce((sum, line) => sum + discountAmount(line, base), 0);
      totalPiecesMilli += Math.max(d.quantityMilli, 0);
    }
    for (const p of session.prepays) if (!p.deleted) prepaySum += p.amount;
    for (const check of session.printChecks) {
      for (const line of check.lines) {
        if (line.deleted || check.deleted) continue;
        if (line.kind === 'pay') paidSum += line.amount;
        else prepaySum += line.amount;
      }
    }
  }
  let orderDiscounts = 0;
  for (const value of orderDiscountAmounts(order).values()) orderDiscounts += value;
  const discountSum = dishDiscounts + orderDiscounts;
  const orderSum = gross + discountSum;
  return {
    gross,
    discountSum,
    orderSum,
    prepaySum,
    paidSum,
    unpaidSum: order.paid ? 0 : orderSum - prepaySum - paidSum,
    totalPiecesMilli,
  };
}

export function hasBill(order: SimOrder): boolean {
  return order.sessions.some((s) => s.printChecks.some((p) => p.bill && !p.deleted));
}

export function newGuid(): string {
  return formatRkeeperGuid(randomUUID());
}

function findRef<T extends SimRefItem>(items: readonly T[], ref: SimItemRef): T | undefined {
  if (ref.id !== undefined) return items.find((i) => i.id === ref.id);
  if (ref.code !== undefined) return items.find((i) => i.code === ref.code);
  if (ref.guid !== undefined) return items.find((i) => sameRkeeperGuid(i.guid, ref.guid ?? ''));
  return undefined;
}

function describe(ref: SimItemRef): string {
  return ref.id !== undefined
    ? `id=${ref.id}`
    : ref.code !== undefined
      ? `code=${ref.code}`
      : `guid=${ref.guid}`;
}

export interface OpenOrderInput {
  tableCode?: number;
  tableId?: number;
  waiterCode?: number;
  guests?: number;
  stationCode?: number;
  dishes?: SimDishInput[];
}

/**
 * The cash server's order book: the rules of §1.4–1.6 of the reference. Every write validates first and changes
 * nothing when it refuses; every change bumps `version` once and reports the order to `onChange`.
 */
export class RkeeperSimState {
  readonly orders = new Map<string, SimOrder>();
  /** Grows on any change; caches of whole answers key on it. */
  stamp = 0;
  onChange: (order: SimOrder) => void = () => undefined;
  private nextVisit = 543555;
  private nextCheckNum = 1;
  private readonly ordersPerTable = new Map<number, number>();

  constructor(
    readonly seed: RkeeperSimulatorSeed,
    private readonly clock: () => Date,
  ) {}

  table(ref: SimItemRef): SimTable {
    const table = findRef(this.seed.tables, ref);
    if (!table) throw SIM_ERRORS.unknownTable(describe(ref));
    return table;
  }

  currency(ref: SimItemRef): SimCurrency {
    const currency = findRef(this.seed.currencies, ref);
    if (!currency) throw SIM_ERRORS.unknownCurrency(describe(ref));
    return currency;
  }

  station(ref: SimItemRef): SimStation {
    const station = findRef(this.seed.stations, ref);
    if (!station) throw SIM_ERRORS.unknownStation(describe(ref));
    return station;
  }

  employee(ref: SimItemRef): SimEmployee {
    const employee = findRef(this.seed.employees, ref);
    if (!employee) throw SIM_ERRORS.unknownEmployee(describe(ref));
    return employee;
  }

  reason(ref: SimItemRef): SimRefItem {
    const reason = findRef(this.seed.reasons, ref);
    if (!reason) throw SIM_ERRORS.unknownReason(describe(ref));
    return reason;
  }

  openOrder(input: OpenOrderInput, notify = true): SimOrder {
    const table = this.table(
      input.tableId !== undefined ? { id: input.tableId } : { code: input.tableCode ?? 1 },
    );
    const waiters = this.seed.employees.filter((e) => e.role === 'waiter');
    const waiter =
      input.waiterCode !== undefined
        ? this.employee({ code: input.waiterCode })
        : (waiters[0] ?? this.seed.employees[0]);
    const perTable = (this.ordersPerTable.get(table.id) ?? 0) + 1;
    this.ordersPerTable.set(table.id, perTable);
    const order: SimOrder = {
      guid: newGuid(),
      visit: this.nextVisit++,
      visitGuid: newGuid(),
      // The docs' samples show the first order of a visit as orderIdent 256.
      orderIdent: 256,
      orderName: `${table.code}.${perTable}`,
      version: 0,
      openTime: this.clock(),
      table,
      waiter,
      guests: input.guests ?? 2,
      sessions: [],
      externalProps: {},
      paid: false,
      finished: false,
      nextUni: 1,
    };
    if (input.dishes && input.dishes.length > 0) {
      const station = input.stationCode === undefined ? undefined : this.station({ code: input.stationCode });
      order.sessions.push(this.buildSession(order, station, input.dishes, [], []));
    }
    this.orders.set(key(order.guid), order);
    this.touch(order, notify);
    return order;
  }

  find(ref: { guid?: string; visit?: number; orderIdent?: number }): SimOrder {
    if (ref.guid) {
      const order = this.orders.get(key(ref.guid));
      if (!order) throw SIM_ERRORS.orderNotFound(ref.guid);
      return order;
    }
    if (ref.visit !== undefined && ref.orderIdent !== undefined) {
      for (const order of this.orders.values()) {
        if (order.visit === ref.visit && order.orderIdent === ref.orderIdent) return order;
      }
      throw SIM_ERRORS.orderNotFound(`${ref.visit}/${ref.orderIdent}`);
    }
    throw SIM_ERRORS.orderNotFound('(не указан)');
  }

  /** Closed visits and locked orders refuse every write, except one naming the locking station as LockStation. */
  assertWritable(order: SimOrder, actingStation?: SimStation): void {
    if (order.finished) throw SIM_ERRORS.visitClosed(order.visit);
    if (order.lockedBy && order.lockedBy.id !== actingStation?.id)
      throw SIM_ERRORS.locked(order.lockedBy.name);
  }

  addSession(
    order: SimOrder,
    station: SimStation | undefined,
    dishes: SimDishInput[],
    discounts: (SimItemRef & { amount?: number })[],
    prepays: (SimPaymentInput & { reason?: SimItemRef })[],
  ): void {
    const session = this.buildSession(order, station, dishes, discounts, prepays);
    const trial: SimOrder = { ...order, sessions: [...order.sessions, session] };
    const added = session.prepays.reduce((sum, p) => sum + p.amount, 0);
    if (added > 0) {
      const before = computeTotals({ ...order, sessions: [...order.sessions, { ...session, prepays: [] }] });
      if (added > before.unpaidSum) throw SIM_ERRORS.prepayExceeds(added, before.unpaidSum);
    }
    if (session.dishes.length > 0) this.undoBill(trial);
    order.sessions = trial.sessions;
    order.nextUni = trial.nextUni;
    this.touch(order);
  }

  removeDish(order: SimOrder, lineGuid: string): void {
    for (const session of order.sessions) {
      const index = session.dishes.findIndex((d) => sameRkeeperGuid(d.lineGuid, lineGuid));
      if (index >= 0) {
        session.dishes.splice(index, 1);
        this.undoBill(order);
        this.touch(order);
        return;
      }
    }
    throw new SimRejection(`Блюдо ${lineGuid} отсутствует в заказе`);
  }

  pay(order: SimOrder, payments: SimPaymentInput[], station: SimStation): SimPrintCheck {
    const lines = payments.map((p) => {
      if (!Number.isSafeInteger(p.amount) || p.amount < 0) throw SIM_ERRORS.badAmount(String(p.amount));
      return { currency: this.currency(p.currency), amount: p.amount };
    });
    const due = computeTotals(order).unpaidSum;
    const total = lines.reduce((sum, l) => sum + l.amount, 0);
    if (total !== due) throw SIM_ERRORS.sumMismatch(total, due);
    const check: SimPrintCheck = {
      uni: order.nextUni++,
      lineGuid: newGuid(),
      checkNum: this.nextCheckNum++,
      amount: total,
      bill: false,
      deleted: false,
      printTime: this.clock(),
      lines: lines
        .filter((l) => l.amount > 0)
        .map((l) => ({ kind: 'pay', uni: order.nextUni++, lineGuid: newGuid(), deleted: false, ...l })),
    };
    this.lastSession(order, station).printChecks.push(check);
    order.paid = true;
    order.finished = true;
    order.finishTime = this.clock();
    order.lockedBy = undefined;
    this.touch(order);
    return check;
  }

  /** The cashier closes the order at the POS: cash for whatever is due, the lock is released. */
  closeByCash(order: SimOrder): SimPrintCheck {
    if (order.finished) throw SIM_ERRORS.visitClosed(order.visit);
    const due = computeTotals(order).unpaidSum;
    const station = order.lockedBy ?? this.seed.stations[0];
    return this.pay(order, due > 0 ? [{ currency: { id: CASH_CURRENCY_ID }, amount: due }] : [], station);
  }

  deletePayments(order: SimOrder, lineGuids: string[]): void {
    const lines = order.sessions.flatMap((s) => [...s.prepays, ...s.printChecks.flatMap((p) => p.lines)]);
    const found = lineGuids.map((guid) => {
      const line = lines.find((l) => !l.deleted && sameRkeeperGuid(l.lineGuid, guid));
      if (!line) throw SIM_ERRORS.paymentLineNotFound(guid);
      return line;
    });
    for (const line of found) line.deleted = true;
    this.touch(order);
  }

  setExternalProps(order: SimOrder, props: Record<string, string>, persistentComment?: string): void {
    Object.assign(order.externalProps, props);
    if (persistentComment !== undefined) order.persistentComment = persistentComment;
    this.touch(order);
  }

  printBill(order: SimOrder, station?: SimStation): SimPrintCheck {
    if (order.finished) throw SIM_ERRORS.visitClosed(order.visit);
    const totals = computeTotals(order);
    if (totals.gross === 0) throw SIM_ERRORS.emptyBill();
    this.undoBill(order);
    const check: SimPrintCheck = {
      uni: order.nextUni++,
      lineGuid: newGuid(),
      checkNum: this.nextCheckNum++,
      amount: totals.unpaidSum,
      bill: true,
      deleted: false,
      printTime: this.clock(),
      lines: [],
    };
    this.lastSession(order, station ?? this.seed.stations[0]).printChecks.push(check);
    this.touch(order);
    return check;
  }

  /** A waiter opening the order on a station: visible as `locked`, but the order itself is not saved. */
  lock(order: SimOrder, station: SimStation): void {
    order.lockedBy = station;
    this.stamp += 1;
  }

  unlock(order: SimOrder): void {
    order.lockedBy = undefined;
    this.stamp += 1;
  }

  touch(order: SimOrder, notify = true): void {
    order.version += 1;
    this.stamp += 1;
    if (notify) this.onChange(order);
  }

  private undoBill(order: SimOrder): void {
    for (const session of order.sessions)
      for (const check of session.printChecks) if (check.bill) check.deleted = true;
  }

  private lastSession(order: SimOrder, station: SimStation | undefined): SimSession {
    const last = order.sessions[order.sessions.length - 1];
    if (last) return last;
    const session = this.emptySession(order, station);
    order.sessions.push(session);
    return session;
  }

  private emptySession(order: SimOrder, station: SimStation | undefined): SimSession {
    return {
      uni: order.nextUni++,
      lineGuid: newGuid(),
      station,
      dishes: [],
      discounts: [],
      prepays: [],
      printChecks: [],
    };
  }

  private discountLine(order: SimOrder, ref: SimItemRef & { amount?: number }): SimDiscountLine {
    const type = findRef(this.seed.discounts, ref);
    if (!type) throw SIM_ERRORS.unknownDiscount(describe(ref));
    if (ref.amount !== undefined && (!Number.isSafeInteger(ref.amount) || ref.amount < 0)) {
      throw SIM_ERRORS.badAmount(String(ref.amount));
    }
    return { uni: order.nextUni++, lineGuid: newGuid(), type, manualAmount: ref.amount };
  }

  /** Resolves everything before anything is added, so a bad line refuses the whole request. */
  private buildSession(
    order: SimOrder,
    station: SimStation | undefined,
    dishes: SimDishInput[],
    discounts: (SimItemRef & { amount?: number })[],
    prepays: (SimPaymentInput & { reason?: SimItemRef })[],
  ): SimSession {
    const shadow = { ...order };
    const session = this.emptySession(shadow, station);
    for (const input of dishes) {
      const item = findRef(this.seed.menu, input);
      if (!item) throw SIM_ERRORS.unknownDish(describe(input));
      const quantityMilli = input.quantityMilli ?? 1000;
      if (!Number.isSafeInteger(quantityMilli) || quantityMilli === 0) {
        throw new SimRejection(`Неверное количество: ${quantityMilli}`, 'Bad Query Parameters');
      }
      const modifiers = (input.modifiers ?? []).map((m) => {
        const modifier = findRef(this.seed.modifiers, m);
        if (!modifier) throw SIM_ERRORS.unknownModifier(describe(m));
        return {
          uni: shadow.nextUni++,
          lineGuid: newGuid(),
          item: modifier,
          price: m.price ?? modifier.price,
          count: m.count ?? 1,
        };
      });
      session.dishes.push({
        uni: shadow.nextUni++,
        lineGuid: newGuid(),
        item,
        price: input.price ?? item.price,
        quantityMilli,
        modifiers,
        discounts: (input.discounts ?? []).map((d) => this.discountLine(shadow, d)),
      });
    }
    session.discounts = discounts.map((d) => this.discountLine(shadow, d));
    session.prepays = prepays.map((p) => {
      if (!Number.isSafeInteger(p.amount) || p.amount <= 0) throw SIM_ERRORS.badAmount(String(p.amount));
      if (!p.reason) throw SIM_ERRORS.noReason();
      return {
        kind: 'prepay',
        uni: shadow.nextUni++,
        lineGuid: newGuid(),
        currency: this.currency(p.currency),
        amount: p.amount,
        deleted: false,
        reason: this.reason(p.reason),
      };
    });
    order.nextUni = shadow.nextUni;
    return session;
  }
}

function key(guid: string): string {
  return guid.replace(/[{}]/g, '').toLowerCase();
}
