/**
 * Every point of the r_keeper 7 XML interface that we could not check on a live server, fixed in one place so
 * the client and the simulator agree. Rationale and sources: docs/decisions/rkeeper-xml-assumptions.md.
 */
export const RKEEPER_ASSUMPTIONS = {
  /** Sums in GetOrder/GetOrderList/PayOrder/Prepay are integer kopecks (the vendor XSD says "в копейках"). */
  moneyScale: 100,
  /** Dish quantity and totalPieces are thousandths (XSD: "в тысячных долях"). */
  quantityScale: 1000,
  /** Discounts travel as negative amounts (markups positive); discountSum is their signed total. */
  discountSign: -1,
  /** Payment types live in CURRENCIES; some installs answer to CURRENCYTYPES. */
  currencyRefNames: ['CURRENCIES', 'CURRENCYTYPES'],
  /** Prepay reasons ("причина внесения предоплаты"): the only matching collection in the vendor RefName list. */
  prepayReasonsRefName: 'DEPOSITCOLLECTREASONS',
  /** The simulator also answers to this name, which some integrators use. */
  prepayReasonsRefNameAliases: ['PREPAYREASONS'],
  /** The payment URL goes into an order extended property (printable as [Orders.<name>]) via UpdateOrder/ExternalProps. */
  paymentUrlCommand: 'UpdateOrder',
  defaultPaymentUrlPropName: 'PaymentUrl',
  /** HTTP Order Notify: root <a Situation="3" ...> carrying one <Order guid version .../> per changed order. */
  notification: { rootName: 'a', orderElementName: 'Order', orderChangedSituation: '3' },
  /** An order fully covered by prepays is closed by PayOrder with no Payment lines (unpaidSum = 0). */
  payOrderWithZeroDueAllowed: true,
  /** RK7ErrorN seen on a live server for a write to a closed visit ("Визит 1159 закрыт!"). */
  closedVisitErrorCode: '2128',
} as const;

export function formatRkeeperGuid(uuid: string): string {
  return `{${uuid.replace(/[{}]/g, '').toUpperCase()}}`;
}

export function sameRkeeperGuid(a: string, b: string): boolean {
  return a.replace(/[{}]/g, '').toLowerCase() === b.replace(/[{}]/g, '').toLowerCase();
}
