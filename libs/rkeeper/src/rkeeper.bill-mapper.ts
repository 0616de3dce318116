import { BillLine, BillSnapshot, Money, UpstreamProtocolError } from '@bridge/core';
import { formatRkeeperGuid } from './rkeeper.assumptions';
import { RKEEPER_UPSTREAM } from './rkeeper.errors';
import { RkeeperDish, RkeeperOrder, RkeeperPaymentLine, RkeeperSession } from './rkeeper.types';

/** Keys of `BillSnapshot.attributes` for an r_keeper order. Stable: stored with every bill. */
export const RKEEPER_BILL_ATTRIBUTES = {
  guid: 'guid',
  visit: 'visit',
  orderIdent: 'orderIdent',
  tableCode: 'tableCode',
  /** '1' while a pre-check (bill) is printed and not undone. */
  precheck: 'precheck',
  /** The value of the order field the payment URL is written into ('' when empty). */
  paymentUrl: 'paymentUrl',
} as const;

export interface BillMappingOptions {
  currency: string;
  paymentUrlPropName: string;
  onInconsistency?: (message: string, context: Record<string, unknown>) => void;
}

/** Payment lines of one session that still count: not deleted, and not on a deleted receipt. */
export function sessionPaymentLines(session: RkeeperSession): RkeeperPaymentLine[] {
  return [
    ...session.payments.filter((line) => !line.deleted),
    ...session.printChecks
      .filter((check) => !check.deleted)
      .flatMap((check) => check.lines.filter((l) => !l.deleted)),
  ];
}

export function activePaymentLines(order: RkeeperOrder): RkeeperPaymentLine[] {
  return order.sessions.flatMap(sessionPaymentLines);
}

export function orderExternalId(guid: string): string {
  return formatRkeeperGuid(guid);
}

function tableLabel(order: RkeeperOrder): string {
  const { name, code } = order.table;
  if (name && /\D/.test(name)) return name.trim();
  const number = name?.trim() || (code === undefined ? undefined : String(code));
  return number ? `Стол ${number}` : order.orderName || `Заказ ${order.visit}/${order.orderIdent}`;
}

function dishName(dish: RkeeperDish): string {
  const base = dish.name?.trim() || `Блюдо ${dish.code ?? dish.id ?? ''}`.trim();
  const modifiers = dish.modifiers.map((m) => m.name?.trim()).filter((n): n is string => !!n);
  return modifiers.length > 0 ? `${base} (${modifiers.join(', ')})` : base;
}

/** The dish with its modifiers and its own discounts: what the line costs before order-level discounts. */
function dishNet(dish: RkeeperDish, currency: string): Money {
  return Money.sum(
    [dish.amount, ...dish.modifiers.map((m) => m.amount), ...dish.discounts.map((d) => d.amount)],
    currency,
  );
}

function protocolError(message: string, order: RkeeperOrder): UpstreamProtocolError {
  return new UpstreamProtocolError(message, {
    upstream: RKEEPER_UPSTREAM,
    operation: 'GetOrder',
    metadata: { guid: order.guid },
  });
}

/**
 * One GetOrder answer as a bill. Each dish becomes a line whose total carries its modifiers and discounts;
 * order-level discounts are spread over the lines in proportion, so the lines add up to `orderSum` exactly
 * (the amount PayOrder will be held to).
 */
export function orderToBillSnapshot(order: RkeeperOrder, options: BillMappingOptions): BillSnapshot {
  const { currency } = options;
  const dishes = order.sessions.flatMap((s) => s.dishes.map((dish) => ({ dish, session: s.uni })));
  const priced = dishes
    .filter(({ dish }) => dish.quantity !== null)
    .map(({ dish, session }) => ({ dish, session, net: dishNet(dish, currency) }));
  const netTotal = Money.sum(
    priced.map((p) => p.net),
    currency,
  );
  const orderLevel = order.orderSum.subtract(netTotal);
  const explicitOrderLevel = Money.sum(
    order.sessions.flatMap((s) => s.discounts.map((d) => d.amount)),
    currency,
  );
  if (!orderLevel.equals(explicitOrderLevel)) {
    options.onInconsistency?.(
      'orderSum differs from the dishes and discounts; the difference is spread over the lines',
      {
        guid: order.guid,
        orderSum: order.orderSum.minor,
        lines: netTotal.minor,
        orderDiscounts: explicitOrderLevel.minor,
      },
    );
  }
  let shares: Money[] = priced.map(() => Money.zero(currency));
  if (!orderLevel.isZero()) {
    const weights = priced.map((p) => Math.max(p.net.minor, 0));
    if (weights.every((w) => w === 0)) {
      throw protocolError(
        `Order ${order.guid}: orderSum ${order.orderSum.minor} without priced dishes`,
        order,
      );
    }
    shares = orderLevel.allocate(weights);
  }

  const lines: BillLine[] = priced.map(({ dish, session, net }, index) => {
    const quantity = dish.quantity;
    if (!quantity) throw protocolError(`Order ${order.guid}: dish without quantity`, order);
    const total = net.add(shares[index]);
    if (total.isNegative()) {
      throw protocolError(`Order ${order.guid}: dish ${dish.lineGuid ?? dish.uni} comes out negative`, order);
    }
    return {
      lineId: dish.lineGuid ?? `${session ?? 0}:${dish.uni ?? index}`,
      sku: String(dish.code ?? dish.id ?? dish.uni ?? index),
      name: dishName(dish),
      quantity,
      total,
    };
  });

  const closed = order.paid || order.finished;
  const amountDue = closed ? Money.zero(currency) : order.unpaidSum;
  let paid = Money.sum(
    activePaymentLines(order).map((l) => l.amount),
    currency,
  );
  if (!closed && !paid.add(amountDue).equals(order.orderSum)) {
    options.onInconsistency?.(
      'prepays and unpaidSum do not add up to orderSum; paid is taken as the difference',
      {
        guid: order.guid,
        orderSum: order.orderSum.minor,
        unpaidSum: order.unpaidSum.minor,
        paymentLines: paid.minor,
      },
    );
    const difference = order.orderSum.subtract(amountDue);
    paid = difference.isNegative() ? Money.zero(currency) : difference;
  }

  return {
    externalId: orderExternalId(order.guid),
    kind: 'table_check',
    label: tableLabel(order),
    tableCode: order.table.code === undefined ? undefined : String(order.table.code),
    currency,
    lines,
    total: order.orderSum,
    paid,
    amountDue,
    externalVersion: String(order.version),
    status: closed ? 'closed' : 'open',
    attributes: {
      [RKEEPER_BILL_ATTRIBUTES.guid]: orderExternalId(order.guid),
      [RKEEPER_BILL_ATTRIBUTES.visit]: String(order.visit),
      [RKEEPER_BILL_ATTRIBUTES.orderIdent]: String(order.orderIdent),
      [RKEEPER_BILL_ATTRIBUTES.tableCode]: order.table.code === undefined ? '' : String(order.table.code),
      [RKEEPER_BILL_ATTRIBUTES.precheck]: order.bill ? '1' : '0',
      [RKEEPER_BILL_ATTRIBUTES.paymentUrl]: order.externalProps[options.paymentUrlPropName] ?? '',
    },
  };
}
