import {
  LICENSE_INFO_ATTRS,
  LICENSE_INSTANCE_ATTRS,
  RK7_STATUS_NO_CHANGES,
  RK7_STATUS_OK,
  RKEEPER_ASSUMPTIONS,
  Rk7RefItemAttrs,
  XmlElement,
  attr,
  childrenNamed,
  element,
  firstChild,
  readAttrs,
} from '@bridge/rkeeper';
import { RkeeperSimulatorSeed, SimRefItem } from './rkeeper-sim.seed';
import {
  RkeeperSimState,
  SIM_ERRORS,
  SimItemRef,
  SimOrder,
  SimPaymentInput,
  SimRejection,
} from './rkeeper-sim.state';
import {
  orderElement,
  orderListVisit,
  printCheckElement,
  referenceElement,
  refItemAttrs,
  systemInfoElement,
} from './rkeeper-sim.xml';

export interface SimCommandOutcome {
  status: string;
  errorText: string;
  rk7ErrorN?: string;
  payload: XmlElement[];
  resultAttrs?: Record<string, string>;
}

export interface SimLicenseRule {
  anchor?: string;
  licenseToken?: string;
}

export const SIM_WRITE_COMMANDS = new Set([
  'saveorder',
  'payorder',
  'updateorder',
  'deletereceiptpayments',
  'createorder',
  'printbill',
]);

const LICENSED_COMMANDS = new Set(['saveorder', 'payorder']);

function int(el: XmlElement, name: string, required: boolean): number | undefined {
  const value = attr(el, name);
  if (value === undefined || value === '') {
    if (required) throw new SimRejection(`Не задан атрибут ${el.name}/@${name}`, 'Bad Query Parameters');
    return undefined;
  }
  if (!/^-?\d+$/.test(value.trim())) {
    throw new SimRejection(`Неверное значение ${el.name}/@${name}="${value}"`, 'Bad Query Parameters');
  }
  return Number(value);
}

function itemRef(el: XmlElement): SimItemRef {
  const ref: SimItemRef = { id: int(el, 'id', false), code: int(el, 'code', false), guid: attr(el, 'guid') };
  if (ref.id === undefined && ref.code === undefined && ref.guid === undefined) {
    throw new SimRejection(`У элемента ${el.name} не задан id, code или guid`, 'Bad Query Parameters');
  }
  return ref;
}

function optionalRef(parent: XmlElement, name: string): SimItemRef | undefined {
  const el = firstChild(parent, name);
  return el ? itemRef(el) : undefined;
}

export class RkeeperSimCommands {
  private orderListCache?: { stamp: number; visits: XmlElement[] };
  private readonly licenseSeq = new Map<string, number>();

  constructor(
    private readonly state: RkeeperSimState,
    private readonly clock: () => Date,
    private readonly license: SimLicenseRule | undefined,
  ) {}

  execute(cmd: XmlElement): SimCommandOutcome {
    const name = attr(cmd, 'CMD') ?? '';
    try {
      if (name.toLowerCase() === 'getorderlist') return this.orderListOutcome(cmd);
      return { status: RK7_STATUS_OK, errorText: '', payload: this.dispatch(name, cmd) };
    } catch (error) {
      if (error instanceof SimRejection) {
        return { status: error.status, errorText: error.errorText, rk7ErrorN: error.rk7ErrorN, payload: [] };
      }
      throw error;
    }
  }

  private dispatch(name: string, cmd: XmlElement): XmlElement[] {
    const lower = name.toLowerCase();
    if (this.license && LICENSED_COMMANDS.has(lower)) this.checkLicense(cmd);
    switch (lower) {
      case 'getsysteminfo':
        return [systemInfoElement(this.state.seed, this.clock())];
      case 'getreflist':
        return [this.refList()];
      case 'getrefdata':
        return [this.refData(attr(cmd, 'RefName') ?? '')];
      case 'getorder':
        return [orderElement(this.orderOf(cmd))];
      case 'createorder':
        return this.createOrder(cmd);
      case 'saveorder':
        return this.saveOrder(cmd);
      case 'payorder':
        return this.payOrder(cmd);
      case 'updateorder':
        return this.updateOrder(cmd);
      case 'deletereceiptpayments':
        return this.deleteReceiptPayments(cmd);
      case 'printbill':
        return this.printBill(cmd);
      default:
        throw new SimRejection(`Неизвестная команда "${name}"`, 'Query Parse Error');
    }
  }

  private orderOf(cmd: XmlElement): SimOrder {
    const ref = firstChild(cmd, 'Order');
    if (!ref) throw new SimRejection('Не задан заказ (Order)', 'Bad Query Parameters');
    const guid = attr(ref, 'guid');
    // The docs show `ident` in one sample and clients send `orderIdent`.
    const orderIdent = int(ref, 'orderIdent', false) ?? int(ref, 'ident', false);
    return this.state.find({ guid: guid || undefined, visit: int(ref, 'visit', false), orderIdent });
  }

  private actingStation(
    cmd: XmlElement,
    ...names: string[]
  ): ReturnType<RkeeperSimState['station']> | undefined {
    for (const name of names) {
      const ref = optionalRef(cmd, name);
      if (ref) return this.state.station(ref);
    }
    return undefined;
  }

  private checkLicense(cmd: XmlElement): void {
    const info = firstChild(cmd, 'LicenseInfo');
    if (!info) throw SIM_ERRORS.license('не передан LicenseInfo');
    const a = readAttrs(info, LICENSE_INFO_ATTRS);
    const instance = firstChild(info, 'LicenseInstance');
    const i = instance ? readAttrs(instance, LICENSE_INSTANCE_ATTRS) : {};
    if (!a.anchor || !a.licenseToken || !i.guid || i.seqNumber === undefined) {
      throw SIM_ERRORS.license('неполный LicenseInfo');
    }
    if (this.license?.anchor !== undefined && a.anchor !== this.license.anchor)
      throw SIM_ERRORS.license('неверный anchor');
    if (this.license?.licenseToken !== undefined && a.licenseToken !== this.license.licenseToken) {
      throw SIM_ERRORS.license('недействительный licenseToken');
    }
    const seq = Number(i.seqNumber);
    const last = this.licenseSeq.get(i.guid);
    if (!Number.isSafeInteger(seq) || seq < 0 || (last !== undefined && seq <= last)) {
      throw SIM_ERRORS.license(`seqNumber ${i.seqNumber} уже использован (последний ${last ?? 'нет'})`);
    }
    this.licenseSeq.set(i.guid, seq);
  }

  private refCollections(): Record<string, { className: string; items: () => Rk7RefItemAttrs[] }> {
    const seed: RkeeperSimulatorSeed = this.state.seed;
    const plain = (items: SimRefItem[]) => () => items.map((i) => refItemAttrs(i));
    const currencies = { className: 'TCurrency', items: plain(seed.currencies) };
    const reasons = { className: 'TPrepayReason', items: plain(seed.reasons) };
    const collections: Record<string, { className: string; items: () => Rk7RefItemAttrs[] }> = {
      TABLES: {
        className: 'TTable',
        items: () => seed.tables.map((t) => refItemAttrs(t, { Hall: String(t.hallId) })),
      },
      HALLPLANS: { className: 'THallPlan', items: plain(seed.halls) },
      EMPLOYEES: { className: 'TEmployee', items: plain(seed.employees) },
      MENUITEMS: {
        className: 'TRK7MenuItem',
        items: () => seed.menu.map((m) => refItemAttrs(m, { CategPath: m.category })),
      },
      MODIFIERS: { className: 'TModifier', items: plain(seed.modifiers) },
      DISCOUNTS: { className: 'TDiscount', items: plain(seed.discounts) },
      CASHES: { className: 'TCashStation', items: plain(seed.stations) },
      RESTAURANTS: { className: 'TRestaurant', items: plain([seed.restaurant]) },
      [RKEEPER_ASSUMPTIONS.prepayReasonsRefName]: reasons,
    };
    for (const name of RKEEPER_ASSUMPTIONS.currencyRefNames) collections[name] = currencies;
    for (const name of RKEEPER_ASSUMPTIONS.prepayReasonsRefNameAliases) collections[name] = reasons;
    return collections;
  }

  private refData(refName: string): XmlElement {
    const collection = this.refCollections()[refName.toUpperCase()];
    if (!collection) throw new SimRejection(`Неизвестный справочник "${refName}"`, 'Bad Query Parameters');
    return referenceElement(collection.className, refName.toUpperCase(), 1, collection.items());
  }

  private refList(): XmlElement {
    const entries = Object.entries(this.refCollections());
    return element(
      'RK7RefList',
      { Count: entries.length },
      entries.map(([name, c]) =>
        element('RK7Reference', { RefName: name, Count: c.items().length, DataVersion: 1 }),
      ),
    );
  }

  /** `lastversion` is the order table version: equal → "No changes" and no payload (vendor docs, GetOrderList). */
  private orderListOutcome(cmd: XmlElement): SimCommandOutcome {
    const resultAttrs = { lastversion: String(this.state.stamp) };
    const lastVersion = int(cmd, 'lastversion', false);
    if (lastVersion !== undefined && lastVersion === this.state.stamp) {
      return { status: RK7_STATUS_NO_CHANGES, errorText: '', payload: [], resultAttrs };
    }
    return { status: RK7_STATUS_OK, errorText: '', payload: this.orderList(cmd), resultAttrs };
  }

  private orderList(cmd: XmlElement): XmlElement[] {
    const onlyOpened = /^(1|true)$/i.test(attr(cmd, 'onlyOpened') ?? '');
    const tableRef = optionalRef(cmd, 'Table');
    const table = tableRef ? this.state.table(tableRef) : undefined;
    const cacheable = onlyOpened && !table;
    if (cacheable && this.orderListCache?.stamp === this.state.stamp) return this.orderListCache.visits;
    const visits: XmlElement[] = [];
    for (const order of this.state.orders.values()) {
      if (onlyOpened && order.finished) continue;
      if (table && order.table.id !== table.id) continue;
      visits.push(orderListVisit(order));
    }
    if (cacheable) this.orderListCache = { stamp: this.state.stamp, visits };
    return visits;
  }

  private createOrder(cmd: XmlElement): XmlElement[] {
    const spec = firstChild(cmd, 'Order');
    if (!spec) throw new SimRejection('Не задан заказ (Order)', 'Bad Query Parameters');
    const tableRef = optionalRef(spec, 'Table');
    if (!tableRef) throw new SimRejection('Не задан стол', 'Bad Query Parameters');
    const table = this.state.table(tableRef);
    const waiterRef = optionalRef(spec, 'Waiter');
    const waiter = waiterRef ? this.state.employee(waiterRef) : undefined;
    const guests = firstChild(spec, 'Guests');
    const order = this.state.openOrder({
      tableId: table.id,
      waiterCode: waiter?.code,
      guests: guests
        ? Math.max(childrenNamed(guests, 'Guest').length, int(guests, 'count', false) ?? 0) || 1
        : 1,
    });
    return [element('Order', { visit: order.visit, orderIdent: order.orderIdent, guid: order.guid })];
  }

  private saveOrder(cmd: XmlElement): XmlElement[] {
    const order = this.orderOf(cmd);
    this.state.assertWritable(order, this.actingStation(cmd, 'LockStation'));
    const sessions = childrenNamed(cmd, 'Session');
    if (sessions.length === 0) throw new SimRejection('Не задан пакет (Session)', 'Bad Query Parameters');
    for (const session of sessions) {
      const station = this.actingStation(session, 'Station');
      const dishes = session.children
        .filter((c) => /^(dish|combo)$/i.test(c.name))
        .map((d) => ({
          ...itemRef(d),
          quantityMilli: int(d, 'quantity', true),
          price: int(d, 'price', false),
          modifiers: childrenNamed(d, 'Modi').map((m) => ({
            ...itemRef(m),
            count: int(m, 'count', false),
            price: int(m, 'price', false),
          })),
          discounts: childrenNamed(d, 'Discount').map((x) => ({
            ...itemRef(x),
            amount: int(x, 'amount', false),
          })),
        }));
      const discounts = childrenNamed(session, 'Discount').map((x) => ({
        ...itemRef(x),
        amount: int(x, 'amount', false),
      }));
      const prepays = childrenNamed(session, 'Prepay').map((p) => ({
        currency: itemRef(p),
        amount: int(p, 'amount', true) ?? 0,
        reason: optionalRef(p, 'Reason'),
      }));
      this.state.addSession(order, station, dishes, discounts, prepays);
    }
    return [orderElement(order)];
  }

  private payOrder(cmd: XmlElement): XmlElement[] {
    const order = this.orderOf(cmd);
    const stationRef = optionalRef(cmd, 'Station');
    const cashierRef = optionalRef(cmd, 'Cashier');
    if (!stationRef || !cashierRef) throw SIM_ERRORS.noStationOrCashier();
    const station = this.state.station(stationRef);
    this.state.employee(cashierRef);
    this.state.assertWritable(order);
    const payments: SimPaymentInput[] = childrenNamed(cmd, 'Payment').map((p) => ({
      currency: itemRef(p),
      amount: int(p, 'amount', true) ?? 0,
    }));
    return [printCheckElement(this.state.pay(order, payments, station))];
  }

  private updateOrder(cmd: XmlElement): XmlElement[] {
    const order = this.orderOf(cmd);
    this.state.assertWritable(order, this.actingStation(cmd, 'LockStation'));
    const props: Record<string, string> = {};
    for (const container of childrenNamed(cmd, 'ExternalProps')) {
      for (const prop of childrenNamed(container, 'Prop')) {
        const name = attr(prop, 'name');
        if (!name) throw new SimRejection('У свойства не задано имя', 'Bad Query Parameters');
        props[name] = attr(prop, 'value') ?? '';
      }
    }
    this.state.setExternalProps(order, props, attr(cmd, 'persistentComment'));
    return [];
  }

  private deleteReceiptPayments(cmd: XmlElement): XmlElement[] {
    const order = this.orderOf(cmd);
    const managerRef = optionalRef(cmd, 'Manager');
    if (!managerRef) throw SIM_ERRORS.noManager();
    this.state.employee(managerRef);
    this.state.assertWritable(order, this.actingStation(cmd, 'LockStation'));
    const guids = childrenNamed(cmd, 'Pay').map((p) => attr(p, 'line_guid') ?? '');
    if (guids.length === 0 || guids.some((g) => g === '')) {
      throw new SimRejection('Не заданы платежи для удаления', 'Bad Query Parameters');
    }
    this.state.deletePayments(order, guids);
    return [];
  }

  private printBill(cmd: XmlElement): XmlElement[] {
    const order = this.orderOf(cmd);
    const station = this.actingStation(cmd, 'Station');
    this.state.assertWritable(order, this.actingStation(cmd, 'LockStation'));
    return [printCheckElement(this.state.printBill(order, station))];
  }
}
