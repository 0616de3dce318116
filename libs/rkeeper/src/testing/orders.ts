import { Money, Quantity } from '@bridge/core';
import { RkeeperDish, RkeeperOrder, RkeeperPaymentLine, RkeeperSession } from '../rkeeper.types';

/** Hand-built GetOrder results for unit tests: RUB, one table, kopecks. */
export const rub = (minor: number) => Money.of(minor, 'RUB');

export function dish(code: number, amount: number, extra: Partial<RkeeperDish> = {}): RkeeperDish {
  return {
    id: 2000 + code,
    code,
    name: `Блюдо ${code}`,
    uni: code,
    lineGuid: `{00000000-0000-4000-8000-0000000${String(code).padStart(5, '0')}}`,
    price: rub(amount),
    quantityMilli: 1000,
    quantity: Quantity.ofMilli(1000),
    amount: rub(amount),
    modifiers: [],
    discounts: [],
    ...extra,
  };
}

export function session(dishes: RkeeperDish[], extra: Partial<RkeeperSession> = {}): RkeeperSession {
  return { uni: 1, dishes, discounts: [], payments: [], printChecks: [], ...extra };
}

export function order(
  sessions: RkeeperSession[],
  sums: { orderSum: number; unpaidSum: number },
  extra: Partial<RkeeperOrder> = {},
): RkeeperOrder {
  return {
    guid: '{6F1D1C2E-0000-4000-8000-000000000001}',
    visit: 543555,
    orderIdent: 256,
    orderName: '5.1',
    version: 7,
    table: { id: 1005, code: 5, name: 'Стол 5' },
    waiter: {},
    locked: false,
    deleted: false,
    paid: false,
    finished: false,
    orderSum: rub(sums.orderSum),
    prepaySum: rub(0),
    discountSum: rub(0),
    unpaidSum: rub(sums.unpaidSum),
    totalPiecesMilli: 0,
    sessions,
    paymentLines: [],
    bill: false,
    externalProps: {},
    ...extra,
  };
}

export function prepay(amount: number, extra: Partial<RkeeperPaymentLine> = {}): RkeeperPaymentLine {
  return {
    kind: 'prepay',
    currencyId: 1030240,
    amount: rub(amount),
    deleted: false,
    lineGuid: `{P-${amount}}`,
    ...extra,
  };
}
