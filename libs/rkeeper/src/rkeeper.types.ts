import { Money, Quantity } from '@bridge/core';

/** An order is addressed by guid, or by visit + orderIdent (guid wins when both are given). */
export type RkeeperOrderRef = { guid: string } | { visit: number; orderIdent: number };

export interface RkeeperRef {
  id?: number;
  code?: number;
  name?: string;
}

export interface RkeeperSystemInfo {
  serverVersion?: string;
  xmlVersion?: string;
  netName?: string;
  systemTime?: string;
  shiftDate?: string;
  restCode?: string;
  restaurant?: RkeeperRef;
}

export interface RkeeperRefItem {
  ident: number;
  code?: number;
  name: string;
  guid?: string;
  status?: string;
  parentIdent?: number;
}

export interface RkeeperTable extends RkeeperRefItem {
  hallIdent?: number;
}

export type RkeeperCurrency = RkeeperRefItem;
export type RkeeperPrepayReason = RkeeperRefItem;

export interface RkeeperMenuItem extends RkeeperRefItem {
  categoryPath?: string;
}

export interface RkeeperReference<T extends RkeeperRefItem = RkeeperRefItem> {
  refName: string;
  dataVersion?: string;
  items: T[];
}

export interface RkeeperOrderSummary {
  guid: string;
  visit: number;
  orderIdent: number;
  orderName?: string;
  version: number;
  table: RkeeperRef;
  waiter: RkeeperRef;
  orderSum: Money;
  /** What is left to pay, prepays already deducted (7.5.3.130+). */
  toPaySum: Money;
  prepaySum: Money;
  locked: boolean;
  finished: boolean;
  bill: boolean;
  createTime?: string;
}

export type RkeeperOrderListResult =
  | { changed: false; lastVersion?: number }
  | { changed: true; lastVersion?: number; orders: RkeeperOrderSummary[] };

export interface RkeeperModifier {
  id?: number;
  code?: number;
  name?: string;
  lineGuid?: string;
  count: number;
  price: Money;
  amount: Money;
}

export interface RkeeperDiscount {
  id?: number;
  code?: number;
  name?: string;
  lineGuid?: string;
  /** Signed as on the wire: negative for a discount, positive for a markup. */
  amount: Money;
}

export interface RkeeperDish {
  id?: number;
  code?: number;
  name?: string;
  uni?: number;
  lineGuid?: string;
  price: Money;
  /** Raw thousandths; zero or negative for voided or bought-back lines. */
  quantityMilli: number;
  quantity: Quantity | null;
  amount: Money;
  modifiers: RkeeperModifier[];
  discounts: RkeeperDiscount[];
}

export interface RkeeperPaymentLine {
  kind: 'pay' | 'prepay';
  currencyId?: number;
  currencyCode?: number;
  name?: string;
  lineGuid?: string;
  amount: Money;
  deleted: boolean;
  reasonId?: number;
}

export interface RkeeperPrintCheck {
  lineGuid?: string;
  checkNum?: number;
  amount?: Money;
  bill: boolean;
  deleted: boolean;
  lines: RkeeperPaymentLine[];
}

export interface RkeeperSession {
  uni?: number;
  lineGuid?: string;
  dishes: RkeeperDish[];
  discounts: RkeeperDiscount[];
  payments: RkeeperPaymentLine[];
  printChecks: RkeeperPrintCheck[];
}

export interface RkeeperOrder {
  guid: string;
  visit: number;
  orderIdent: number;
  orderName?: string;
  url?: string;
  version: number;
  openTime?: string;
  table: RkeeperRef;
  waiter: RkeeperRef;
  locked: boolean;
  deleted: boolean;
  paid: boolean;
  finished: boolean;
  orderSum: Money;
  prepaySum: Money;
  discountSum: Money;
  unpaidSum: Money;
  totalPiecesMilli: number;
  sessions: RkeeperSession[];
  paymentLines: RkeeperPaymentLine[];
  bill: boolean;
  externalProps: Record<string, string>;
}

export interface RkeeperExchange {
  cmd: string;
  write: boolean;
  /** The request as sent; the licence token is masked. */
  requestXml: string;
  responseXml?: string;
  httpStatus?: number;
  durationMs: number;
  error?: Error;
}

export interface RkeeperWriteResult {
  cmd: string;
  order?: RkeeperOrder;
  printChecks: RkeeperPrintCheck[];
  requestXml: string;
  responseXml: string;
}

export interface RkeeperPayment {
  currencyId: number;
  amount: Money;
}

export interface RkeeperPayOrderInput {
  order: RkeeperOrderRef;
  payments: RkeeperPayment[];
  cashierCode?: number;
  stationCode?: number;
}

export interface RkeeperPrepayInput {
  order: RkeeperOrderRef;
  currencyId: number;
  amount: Money;
  reasonId?: number;
  stationCode?: number;
}

export interface RkeeperDeletePaymentsInput {
  order: RkeeperOrderRef;
  lineGuids: string[];
  managerCode?: number;
  stationCode?: number;
}
