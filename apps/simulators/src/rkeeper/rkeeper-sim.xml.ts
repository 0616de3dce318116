import {
  Rk7DiscountAttrs,
  Rk7DishAttrs,
  Rk7ModiAttrs,
  Rk7OrderAttrs,
  Rk7OrderListItemAttrs,
  Rk7PayAttrs,
  Rk7PrintCheckAttrs,
  Rk7QueryResultAttrs,
  Rk7RefItemAttrs,
  Rk7SessionAttrs,
  Rk7SystemInfoAttrs,
  Rk7VisitAttrs,
  XmlElement,
  element,
} from '@bridge/rkeeper';
import { RkeeperSimulatorSeed, SimRefItem } from './rkeeper-sim.seed';
import {
  SimDiscountLine,
  SimDishLine,
  SimOrder,
  SimPaymentLine,
  SimPrintCheck,
  SimSession,
  computeTotals,
  discountAmount,
  dishAmount,
  dishBase,
  hasBill,
  modiAmount,
  orderDiscountAmounts,
} from './rkeeper-sim.state';

/** Builds the answers from the wire types of @bridge/rkeeper, so attribute names cannot drift from the client. */

export const SIM_SERVER_VERSION = '7.7.0.325';
export const SIM_XML_VERSION = '256';

export function rkDateTime(date: Date): string {
  return date.toISOString().slice(0, 19);
}

export function queryResult(attrs: Rk7QueryResultAttrs, children: XmlElement[] = []): XmlElement {
  return element('RK7QueryResult', attrs, children);
}

function flag(value: boolean): string {
  return value ? '1' : '0';
}

function refElement(name: string, item: SimRefItem | undefined): XmlElement[] {
  return item ? [element(name, { id: item.id, code: item.code, name: item.name })] : [];
}

export function systemInfoElement(seed: RkeeperSimulatorSeed, now: Date): XmlElement {
  const attrs: Rk7SystemInfoAttrs = {
    SystemTime: rkDateTime(now),
    ReqSysVer: '1',
    NetName: 'RK7SIM',
    ProcessID: String(process.pid),
    ShiftDate: `${now.toISOString().slice(0, 10)}T00:00:00`,
    RestCode: seed.restaurant.restCode,
  };
  return element('SystemInfo', attrs, [
    element('BusinessPeriod', { id: 1, code: 1 }),
    element('CashGroup', { id: 1, code: 1, name: 'Кассовый сервер' }),
    ...refElement('Restaurant', seed.restaurant),
  ]);
}

export function referenceElement(
  className: string,
  name: string,
  dataVersion: number,
  items: Rk7RefItemAttrs[],
): XmlElement {
  return element(
    'RK7Reference',
    { ClassName: className, Name: name, Count: items.length, DataVersion: dataVersion },
    [
      element(
        'Items',
        {},
        items.map((attrs) => element('Item', attrs)),
      ),
    ],
  );
}

export function refItemAttrs(item: SimRefItem, extra: Rk7RefItemAttrs = {}): Rk7RefItemAttrs {
  return {
    Ident: String(item.id),
    ItemIdent: String(item.id),
    GUIDString: item.guid,
    Code: String(item.code),
    Name: item.name,
    Status: 'rsActive',
    ...extra,
  };
}

export function orderListVisit(order: SimOrder): XmlElement {
  const totals = computeTotals(order);
  const visit: Rk7VisitAttrs = {
    VisitID: String(order.visit),
    guid: order.visitGuid,
    Finished: flag(order.finished),
    GuestsCount: String(order.guests),
  };
  const item: Rk7OrderListItemAttrs = {
    OrderID: String(order.orderIdent),
    OrderName: order.orderName,
    Version: String(order.version),
    crc32: String(crc(order)),
    guid: order.guid,
    url: '',
    locked: flag(order.lockedBy !== undefined),
    OrderSum: String(totals.orderSum),
    ToPaySum: String(totals.unpaidSum),
    PrepaySum: String(totals.prepaySum),
    PromisedSum: '0',
    PriceListSum: String(totals.gross),
    TotalPieces: String(totals.totalPiecesMilli),
    CreateTime: rkDateTime(order.openTime),
    FinishTime: order.finishTime ? rkDateTime(order.finishTime) : undefined,
    Finished: flag(order.finished),
    Bill: flag(hasBill(order)),
    TableID: String(order.table.id),
    TableCode: String(order.table.code),
    TableName: order.table.name,
    WaiterID: String(order.waiter.id),
    WaiterCode: String(order.waiter.code),
    WaiterName: order.waiter.name,
    OrderTypeID: '1',
    OrderTypeCode: '1',
  };
  return element('Visit', visit, [
    element('Guests', { count: order.guests }),
    element('Orders', {}, [element('Order', item)]),
  ]);
}

function discountElement(line: SimDiscountLine, amount: number): XmlElement {
  const attrs: Rk7DiscountAttrs = {
    id: String(line.type.id),
    code: String(line.type.code),
    name: line.type.name,
    uni: String(line.uni),
    line_guid: line.lineGuid,
    amount: String(amount),
  };
  return element('Discount', attrs);
}

function dishElement(d: SimDishLine): XmlElement {
  const attrs: Rk7DishAttrs = {
    id: String(d.item.id),
    code: String(d.item.code),
    name: d.item.name,
    uni: String(d.uni),
    line_guid: d.lineGuid,
    price: String(d.price),
    quantity: String(d.quantityMilli),
    amount: String(dishAmount(d)),
  };
  const base = dishBase(d);
  const modis = d.modifiers.map((m) => {
    const modi: Rk7ModiAttrs = {
      id: String(m.item.id),
      code: String(m.item.code),
      name: m.item.name,
      uni: String(m.uni),
      line_guid: m.lineGuid,
      price: String(m.price),
      count: String(m.count),
      amount: String(modiAmount(m, d)),
    };
    return element('Modi', modi);
  });
  return element('Dish', attrs, [
    ...modis,
    ...d.discounts.map((line) => discountElement(line, discountAmount(line, base))),
  ]);
}

function paymentElement(line: SimPaymentLine): XmlElement {
  const attrs: Rk7PayAttrs = {
    id: String(line.currency.id),
    code: String(line.currency.code),
    name: line.currency.name,
    uni: String(line.uni),
    line_guid: line.lineGuid,
    amount: String(line.amount),
    deleted: line.deleted ? '1' : undefined,
  };
  const reason = line.reason
    ? [element('Reason', { id: line.reason.id, code: line.reason.code, name: line.reason.name })]
    : [];
  return element(line.kind === 'pay' ? 'Pay' : 'Prepay', attrs, reason);
}

export function printCheckElement(check: SimPrintCheck): XmlElement {
  const attrs: Rk7PrintCheckAttrs = {
    uni: String(check.uni),
    line_guid: check.lineGuid,
    CheckNum: String(check.checkNum),
    amount: String(check.amount),
    bill: flag(check.bill),
    deleted: check.deleted ? '1' : undefined,
    printTime: rkDateTime(check.printTime),
  };
  return element('PrintCheck', attrs, check.lines.map(paymentElement));
}

function sessionElement(session: SimSession, orderDiscounts: Map<string, number>): XmlElement {
  const attrs: Rk7SessionAttrs = {
    uni: String(session.uni),
    line_guid: session.lineGuid,
    sessionID: String(session.uni),
    printed: '1',
    cookMins: '0',
  };
  return element('Session', attrs, [
    ...refElement('Station', session.station),
    ...session.dishes.map(dishElement),
    ...session.discounts.map((line) => discountElement(line, orderDiscounts.get(line.lineGuid) ?? 0)),
    ...session.prepays.map(paymentElement),
    ...session.printChecks.map(printCheckElement),
  ]);
}

export function orderElement(order: SimOrder): XmlElement {
  const totals = computeTotals(order);
  const attrs: Rk7OrderAttrs = {
    visit: String(order.visit),
    orderIdent: String(order.orderIdent),
    guid: order.guid,
    url: '',
    orderName: order.orderName,
    version: String(order.version),
    crc32: String(crc(order)),
    seqNumber: String(order.visit),
    persistentComment: order.persistentComment,
    openTime: rkDateTime(order.openTime),
    locked: flag(order.lockedBy !== undefined),
    deleted: flag(order.sessions.every((s) => s.dishes.length === 0) && order.sessions.length > 0),
    orderSum: String(totals.orderSum),
    prepaySum: String(totals.prepaySum),
    promisedSum: '0',
    discountSum: String(totals.discountSum),
    unpaidSum: String(totals.unpaidSum),
    totalPieces: String(totals.totalPiecesMilli),
    cookMins: '0',
    paid: flag(order.paid),
    finished: flag(order.finished),
  };
  const props = Object.entries(order.externalProps);
  const orderDiscounts = orderDiscountAmounts(order);
  return element('Order', attrs, [
    element('Waiter', { id: order.waiter.id, code: order.waiter.code, name: order.waiter.name }),
    element('OrderType', { id: 1, code: 1, name: 'Обычный' }),
    element('Table', { id: order.table.id, code: order.table.code, name: order.table.name }),
    element('Guests', { count: order.guests }),
    ...(props.length > 0
      ? [
          element(
            'ExternalProps',
            {},
            props.map(([name, value]) => element('Prop', { name, value })),
          ),
        ]
      : []),
    ...order.sessions.map((s) => sessionElement(s, orderDiscounts)),
  ]);
}

/** A content checksum in the spirit of the vendor's crc32 attribute (not the same algorithm). */
function crc(order: SimOrder): number {
  let hash = 2166136261;
  const text = `${order.guid}:${order.version}:${computeTotals(order).orderSum}`;
  for (let i = 0; i < text.length; i++) hash = Math.imul(hash ^ text.charCodeAt(i), 16777619);
  return hash | 0;
}
