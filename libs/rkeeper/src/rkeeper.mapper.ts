import { Money, Quantity } from '@bridge/core';
import { RKEEPER_ASSUMPTIONS } from './rkeeper.assumptions';
import {
  RkeeperDiscount,
  RkeeperDish,
  RkeeperMenuItem,
  RkeeperModifier,
  RkeeperOrder,
  RkeeperOrderSummary,
  RkeeperPaymentLine,
  RkeeperPrintCheck,
  RkeeperRef,
  RkeeperRefItem,
  RkeeperReference,
  RkeeperSession,
  RkeeperSystemInfo,
  RkeeperTable,
} from './rkeeper.types';
import { QUERY_RESULT_ATTRS, Rk7QueryResultAttrs } from './wire/envelope.wire';
import {
  DISCOUNT_ATTRS,
  DISH_ATTRS,
  EXTERNAL_PROP_ATTRS,
  MODI_ATTRS,
  ORDER_ATTRS,
  PAY_ATTRS,
  PRINT_CHECK_ATTRS,
  SESSION_ATTRS,
} from './wire/order.wire';
import { ORDER_LIST_ITEM_ATTRS, VISIT_ATTRS } from './wire/order-list.wire';
import { REF_ITEM_ATTRS, REFERENCE_ATTRS } from './wire/ref-data.wire';
import { SYSTEM_INFO_ATTRS } from './wire/system-info.wire';
import { REF_ATTRS, readAttrs } from './wire/wire-attrs';
import { XmlElement, attr, childrenNamed, firstChild } from './xml/xml-tree';

export class RkeeperShapeError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RkeeperShapeError';
  }
}

export interface Rk7Envelope {
  root: XmlElement;
  result: Rk7QueryResultAttrs;
}

export function readEnvelope(root: XmlElement): Rk7Envelope {
  if (root.name !== 'RK7QueryResult')
    throw new RkeeperShapeError(`Expected <RK7QueryResult>, got <${root.name}>`);
  const result = readAttrs(root, QUERY_RESULT_ATTRS);
  if (result.Status === undefined) throw new RkeeperShapeError('<RK7QueryResult> has no Status');
  return { root, result };
}

const INTEGER = /^[+-]?\d+$/;

function optInt(value: string | undefined, field: string): number | undefined {
  if (value === undefined || value === '') return undefined;
  if (!INTEGER.test(value.trim())) throw new RkeeperShapeError(`${field}="${value}" is not an integer`);
  const n = Number(value);
  if (!Number.isSafeInteger(n)) throw new RkeeperShapeError(`${field}="${value}" is out of range`);
  return n;
}

function reqInt(value: string | undefined, field: string): number {
  const n = optInt(value, field);
  if (n === undefined) throw new RkeeperShapeError(`${field} is missing`);
  return n;
}

/** Sums must be whole kopecks; a decimal point means the kopecks assumption is wrong for this server, so stop. */
function money(value: string | undefined, field: string, currency: string, required = false): Money {
  if ((value === undefined || value === '') && !required) return Money.zero(currency);
  if (value !== undefined && /[.,]/.test(value)) {
    throw new RkeeperShapeError(
      `${field}="${value}" is not whole kopecks (docs/decisions/rkeeper-xml-assumptions.md, moneyScale ${RKEEPER_ASSUMPTIONS.moneyScale})`,
    );
  }
  return Money.of(reqInt(value, field), currency);
}

function bool(value: string | undefined): boolean {
  if (value === undefined) return false;
  const v = value.trim().toLowerCase();
  if (v === '1' || v === 'true') return true;
  if (v === '0' || v === 'false' || v === '') return false;
  throw new RkeeperShapeError(`"${value}" is not a boolean`);
}

function reqString(value: string | undefined, field: string): string {
  if (value === undefined || value === '') throw new RkeeperShapeError(`${field} is missing`);
  return value;
}

function ref(el: XmlElement | undefined): RkeeperRef {
  if (!el) return {};
  const a = readAttrs(el, REF_ATTRS);
  return { id: optInt(a.id, 'id'), code: optInt(a.code, 'code'), name: a.name };
}

export function mapSystemInfo({ root, result }: Rk7Envelope): RkeeperSystemInfo {
  const info = firstChild(root, 'SystemInfo');
  if (!info) throw new RkeeperShapeError('GetSystemInfo answer has no <SystemInfo>');
  const a = readAttrs(info, SYSTEM_INFO_ATTRS);
  const restaurant = firstChild(info, 'Restaurant');
  return {
    serverVersion: result.ServerVersion,
    xmlVersion: result.XmlVersion,
    netName: a.NetName ?? result.NetName,
    systemTime: a.SystemTime,
    shiftDate: a.ShiftDate,
    restCode: a.RestCode,
    restaurant: restaurant ? ref(restaurant) : undefined,
  };
}

function mapRefItem(el: XmlElement): RkeeperRefItem & { hallIdent?: number; categoryPath?: string } {
  const a = readAttrs(el, REF_ITEM_ATTRS);
  return {
    ident: reqInt(a.Ident ?? a.ItemIdent, 'Item/@Ident'),
    code: optInt(a.Code, 'Item/@Code'),
    name: a.Name ?? '',
    guid: a.GUIDString,
    status: a.Status,
    parentIdent: optInt(a.MainParentIdent ?? a.Parent, 'Item/@MainParentIdent'),
    hallIdent: optInt(a.Hall, 'Item/@Hall'),
    categoryPath: a.CategPath,
  };
}

export function mapReference(
  { root }: Rk7Envelope,
  refName: string,
): RkeeperReference<RkeeperTable & RkeeperMenuItem> {
  const reference = firstChild(root, 'RK7Reference');
  if (!reference) throw new RkeeperShapeError(`GetRefData ${refName} answer has no <RK7Reference>`);
  const a = readAttrs(reference, REFERENCE_ATTRS);
  const items = childrenNamed(reference, 'Items').flatMap((items) => childrenNamed(items, 'Item'));
  return { refName, dataVersion: a.DataVersion, items: items.map(mapRefItem) };
}

export function mapOrderListVersion({ root }: Rk7Envelope): number | undefined {
  return optInt(attr(root, 'lastversion'), 'RK7QueryResult/@lastversion');
}

export function mapOrderList({ root }: Rk7Envelope, currency: string): RkeeperOrderSummary[] {
  const summaries: RkeeperOrderSummary[] = [];
  for (const visit of childrenNamed(root, 'Visit')) {
    const v = readAttrs(visit, VISIT_ATTRS);
    const visitId = reqInt(v.VisitID, 'Visit/@VisitID');
    for (const orders of childrenNamed(visit, 'Orders')) {
      for (const order of childrenNamed(orders, 'Order')) {
        const o = readAttrs(order, ORDER_LIST_ITEM_ATTRS);
        summaries.push({
          guid: reqString(o.guid, 'Order/@guid'),
          visit: visitId,
          orderIdent: reqInt(o.OrderID, 'Order/@OrderID'),
          orderName: o.OrderName,
          version: reqInt(o.Version, 'Order/@Version'),
          table: {
            id: optInt(o.TableID, 'TableID'),
            code: optInt(o.TableCode, 'TableCode'),
            name: o.TableName,
          },
          waiter: {
            id: optInt(o.WaiterID, 'WaiterID'),
            code: optInt(o.WaiterCode, 'WaiterCode'),
            name: o.WaiterName,
          },
          orderSum: money(o.OrderSum, 'Order/@OrderSum', currency, true),
          toPaySum: money(o.ToPaySum, 'Order/@ToPaySum', currency, true),
          prepaySum: money(o.PrepaySum, 'Order/@PrepaySum', currency),
          locked: bool(o.locked),
          finished: bool(o.Finished),
          bill: bool(o.Bill),
          createTime: o.CreateTime,
        });
      }
    }
  }
  return summaries;
}

function mapModifier(el: XmlElement, dishQuantityMilli: number, currency: string): RkeeperModifier {
  const a = readAttrs(el, MODI_ATTRS);
  const count = optInt(a.count, 'Modi/@count') ?? 1;
  const price = money(a.price, 'Modi/@price', currency);
  const fallback = dishQuantityMilli > 0 ? Quantity.ofMilli(dishQuantityMilli).times(price.minor * count) : 0;
  return {
    id: optInt(a.id, 'Modi/@id'),
    code: optInt(a.code, 'Modi/@code'),
    name: a.name,
    lineGuid: a.line_guid,
    count,
    price,
    amount: a.amount === undefined ? Money.of(fallback, currency) : money(a.amount, 'Modi/@amount', currency),
  };
}

function mapDiscount(el: XmlElement, currency: string): RkeeperDiscount {
  const a = readAttrs(el, DISCOUNT_ATTRS);
  return {
    id: optInt(a.id, 'Discount/@id'),
    code: optInt(a.code, 'Discount/@code'),
    name: a.name,
    lineGuid: a.line_guid,
    amount: money(a.amount, 'Discount/@amount', currency),
  };
}

function mapDish(el: XmlElement, currency: string): RkeeperDish {
  const a = readAttrs(el, DISH_ATTRS);
  const quantityMilli = reqInt(a.quantity, 'Dish/@quantity');
  return {
    id: optInt(a.id, 'Dish/@id'),
    code: optInt(a.code, 'Dish/@code'),
    name: a.name,
    uni: optInt(a.uni, 'Dish/@uni'),
    lineGuid: a.line_guid,
    price: money(a.price, 'Dish/@price', currency),
    quantityMilli,
    quantity: quantityMilli > 0 ? Quantity.ofMilli(quantityMilli) : null,
    amount: money(a.amount, 'Dish/@amount', currency),
    modifiers: childrenNamed(el, 'Modi').map((m) => mapModifier(m, quantityMilli, currency)),
    discounts: childrenNamed(el, 'Discount').map((d) => mapDiscount(d, currency)),
  };
}

function mapPaymentLine(el: XmlElement, currency: string): RkeeperPaymentLine {
  const a = readAttrs(el, PAY_ATTRS);
  const reason = firstChild(el, 'Reason');
  return {
    kind: el.name.toLowerCase() === 'prepay' ? 'prepay' : 'pay',
    currencyId: optInt(a.id, `${el.name}/@id`),
    currencyCode: optInt(a.code, `${el.name}/@code`),
    name: a.name,
    lineGuid: a.line_guid,
    amount: money(a.amount, `${el.name}/@amount`, currency, true),
    deleted: bool(a.deleted),
    reasonId: reason ? ref(reason).id : undefined,
  };
}

function paymentChildren(el: XmlElement): XmlElement[] {
  return el.children.filter((c) => /^(pay|prepay)$/i.test(c.name));
}

export function mapPrintCheck(el: XmlElement, currency: string): RkeeperPrintCheck {
  const a = readAttrs(el, PRINT_CHECK_ATTRS);
  return {
    lineGuid: a.line_guid,
    checkNum: optInt(a.CheckNum, 'PrintCheck/@CheckNum'),
    amount: a.amount === undefined ? undefined : money(a.amount, 'PrintCheck/@amount', currency),
    bill: bool(a.bill),
    deleted: bool(a.deleted),
    lines: paymentChildren(el).map((p) => mapPaymentLine(p, currency)),
  };
}

function mapSession(el: XmlElement, currency: string): RkeeperSession {
  const a = readAttrs(el, SESSION_ATTRS);
  return {
    uni: optInt(a.uni ?? a.sessionID, 'Session/@uni'),
    lineGuid: a.line_guid,
    dishes: el.children.filter((c) => /^(dish|combo)$/i.test(c.name)).map((d) => mapDish(d, currency)),
    discounts: childrenNamed(el, 'Discount').map((d) => mapDiscount(d, currency)),
    payments: paymentChildren(el).map((p) => mapPaymentLine(p, currency)),
    printChecks: childrenNamed(el, 'PrintCheck').map((p) => mapPrintCheck(p, currency)),
  };
}

export function mapOrder(el: XmlElement, currency: string): RkeeperOrder {
  const a = readAttrs(el, ORDER_ATTRS);
  const sessions = childrenNamed(el, 'Session').map((s) => mapSession(s, currency));
  const externalProps: Record<string, string> = {};
  for (const props of childrenNamed(el, 'ExternalProps')) {
    for (const prop of childrenNamed(props, 'Prop')) {
      const p = readAttrs(prop, EXTERNAL_PROP_ATTRS);
      if (p.name) externalProps[p.name] = p.value ?? '';
    }
  }
  return {
    guid: reqString(a.guid, 'Order/@guid'),
    visit: reqInt(a.visit, 'Order/@visit'),
    orderIdent: reqInt(a.orderIdent, 'Order/@orderIdent'),
    orderName: a.orderName,
    url: a.url,
    version: reqInt(a.version, 'Order/@version'),
    openTime: a.openTime,
    table: ref(firstChild(el, 'Table')),
    waiter: ref(firstChild(el, 'Waiter')),
    locked: bool(a.locked),
    deleted: bool(a.deleted),
    paid: bool(a.paid),
    finished: bool(a.finished),
    orderSum: money(a.orderSum, 'Order/@orderSum', currency, true),
    prepaySum: money(a.prepaySum, 'Order/@prepaySum', currency),
    discountSum: money(a.discountSum, 'Order/@discountSum', currency),
    unpaidSum: money(a.unpaidSum, 'Order/@unpaidSum', currency, true),
    totalPiecesMilli: optInt(a.totalPieces, 'Order/@totalPieces') ?? 0,
    sessions,
    paymentLines: sessions.flatMap((s) => [...s.payments, ...s.printChecks.flatMap((p) => p.lines)]),
    bill: sessions.some((s) => s.printChecks.some((p) => p.bill && !p.deleted)),
    externalProps,
  };
}

export function mapGetOrder({ root }: Rk7Envelope, currency: string): RkeeperOrder {
  const order = firstChild(root, 'Order');
  if (!order) throw new RkeeperShapeError('GetOrder answer has no <Order>');
  return mapOrder(order, currency);
}

export function mapOptionalOrder({ root }: Rk7Envelope, currency: string): RkeeperOrder | undefined {
  const order = firstChild(root, 'Order');
  return order ? mapOrder(order, currency) : undefined;
}

export function mapPrintChecks({ root }: Rk7Envelope, currency: string): RkeeperPrintCheck[] {
  return childrenNamed(root, 'PrintCheck').map((p) => mapPrintCheck(p, currency));
}
