import { Money, Quantity, divideRounded } from '@bridge/core';
import { BasketItem, KNOWN_VAT_CODES, KnownVatCode } from './wire/basket-item.wire';

export interface VatRate {
  code: string;
  percent: number;
  /** `_ADDED` codes (§9.1); see docs/decisions/invoicebox-vat-added.md for how they are priced. */
  added: boolean;
}

const VAT_RATES: Readonly<Record<KnownVatCode, VatRate>> = {
  VATNONE: { code: 'VATNONE', percent: 0, added: false },
  RUS_VAT0: { code: 'RUS_VAT0', percent: 0, added: false },
  RUS_VAT5: { code: 'RUS_VAT5', percent: 5, added: false },
  RUS_VAT7: { code: 'RUS_VAT7', percent: 7, added: false },
  RUS_VAT10: { code: 'RUS_VAT10', percent: 10, added: false },
  RUS_VAT20: { code: 'RUS_VAT20', percent: 20, added: false },
  RUS_VAT22: { code: 'RUS_VAT22', percent: 22, added: false },
  RUS_VAT5_ADDED: { code: 'RUS_VAT5_ADDED', percent: 5, added: true },
  RUS_VAT7_ADDED: { code: 'RUS_VAT7_ADDED', percent: 7, added: true },
  RUS_VAT10_ADDED: { code: 'RUS_VAT10_ADDED', percent: 10, added: true },
  RUS_VAT20_ADDED: { code: 'RUS_VAT20_ADDED', percent: 20, added: true },
  RUS_VAT22_ADDED: { code: 'RUS_VAT22_ADDED', percent: 22, added: true },
};

export const DEFAULT_SUPPORTED_VAT_CODES: readonly string[] = KNOWN_VAT_CODES;

export function vatRateOf(
  code: string,
  supported: readonly string[] = DEFAULT_SUPPORTED_VAT_CODES,
): VatRate | undefined {
  if (!supported.includes(code)) return undefined;
  return Object.prototype.hasOwnProperty.call(VAT_RATES, code) ? VAT_RATES[code as KnownVatCode] : undefined;
}

// §3.4 rules in kopecks. round2 is half away from zero, as PHP round() does; ties are the only place the
// server's exact algorithm could differ, which is why the builder steers unit prices away from them.

export function basketLineTotal(unitMinor: number, quantity: Quantity): number {
  return quantity.times(unitMinor, 'half-up');
}

export function basketUnitWithoutVat(unitMinor: number, rate: VatRate): number {
  if (rate.percent === 0) return unitMinor;
  return Number(divideRounded(BigInt(unitMinor) * 100n, BigInt(100 + rate.percent), 'half-up'));
}

export function basketLineVat(totalMinor: number, rate: VatRate): number {
  if (rate.percent === 0) return 0;
  return Number(
    divideRounded(BigInt(totalMinor) * BigInt(rate.percent), BigInt(100 + rate.percent), 'half-up'),
  );
}

export type BasketArithmeticCode =
  | 'wrong_basket_item_total_amount'
  | 'wrong_basket_item_amount_wo_vat'
  | 'wrong_basket_item_total_vat_amount'
  | 'wrong_total_amount'
  | 'wrong_total_vat_amount'
  | 'wrong_basket_item_quantity'
  | 'wrong_basket_item_amount'
  | 'unsupported_vat_code'
  | 'empty_basket';

export interface BasketArithmeticViolation {
  code: BasketArithmeticCode;
  index: number | null;
}

export type BasketArithmeticItem = Pick<
  BasketItem,
  'quantity' | 'amount' | 'amountWoVat' | 'totalAmount' | 'totalVatAmount' | 'vatCode'
>;

export interface BasketArithmeticOrder {
  amount: number;
  vatAmount: number;
  currencyId?: string;
  basketItems: readonly BasketArithmeticItem[];
}

function exactMinor(value: number, currency: string): number | null {
  if (typeof value !== 'number' || !Number.isFinite(value)) return null;
  const money = orNull(() => Money.fromMajor(value, currency));
  return money !== null && money.toMajorNumber() === value ? money.minor : null;
}

function exactQuantity(value: number): Quantity | null {
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0) return null;
  const quantity = orNull(() => Quantity.parse(String(value)));
  return quantity !== null && quantity.toNumber() === value ? quantity : null;
}

function orNull<T>(read: () => T): T | null {
  try {
    return read();
  } catch {
    return null;
  }
}

export function validateBasketArithmetic(
  order: BasketArithmeticOrder,
  options: { supportedVatCodes?: readonly string[] } = {},
): BasketArithmeticViolation[] {
  const currency = order.currencyId ?? 'RUB';
  const violations: BasketArithmeticViolation[] = [];
  if (order.basketItems.length === 0) violations.push({ code: 'empty_basket', index: null });
  let sumTotal = 0;
  let sumVat = 0;
  let sumsKnown = true;
  order.basketItems.forEach((item, index) => {
    const flag = (code: BasketArithmeticCode): void => void violations.push({ code, index });
    const rate = vatRateOf(item.vatCode, options.supportedVatCodes);
    const quantity = exactQuantity(item.quantity);
    const unit = exactMinor(item.amount, currency);
    const unitWoVat = exactMinor(item.amountWoVat, currency);
    const total = exactMinor(item.totalAmount, currency);
    const vat = exactMinor(item.totalVatAmount, currency);
    if (rate === undefined) flag('unsupported_vat_code');
    if (quantity === null) flag('wrong_basket_item_quantity');
    if (unit === null || unit <= 0) flag('wrong_basket_item_amount');
    if (total === null || (quantity !== null && unit !== null && basketLineTotal(unit, quantity) !== total)) {
      flag('wrong_basket_item_total_amount');
    }
    if (unitWoVat === null || (rate && unit !== null && basketUnitWithoutVat(unit, rate) !== unitWoVat)) {
      flag('wrong_basket_item_amount_wo_vat');
    }
    if (vat === null || (rate && total !== null && basketLineVat(total, rate) !== vat)) {
      flag('wrong_basket_item_total_vat_amount');
    }
    if (total === null || vat === null) sumsKnown = false;
    sumTotal += total ?? 0;
    sumVat += vat ?? 0;
  });
  const orderAmount = exactMinor(order.amount, currency);
  const orderVat = exactMinor(order.vatAmount, currency);
  if (orderAmount === null || (sumsKnown && orderAmount !== sumTotal)) {
    violations.push({ code: 'wrong_total_amount', index: null });
  }
  if (orderVat === null || (sumsKnown && orderVat !== sumVat)) {
    violations.push({ code: 'wrong_total_vat_amount', index: null });
  }
  return violations;
}
