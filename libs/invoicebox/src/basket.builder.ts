import { Money, Quantity, QUANTITY_SCALE, divideRounded } from '@bridge/core';
import {
  DEFAULT_SUPPORTED_VAT_CODES,
  VatRate,
  basketLineTotal,
  basketLineVat,
  basketUnitWithoutVat,
  vatRateOf,
} from './basket.arithmetic';
import { InvoiceboxBasketError } from './invoicebox.errors';
import { BasketItem, BasketItemType, PAYMENT_TYPES, PaymentType } from './wire/basket-item.wire';

export interface BillLineInput {
  lineId: string;
  sku: string;
  name: string;
  quantity: Quantity;
  total: Money;
  vatCode?: string;
}

export interface BasketFiscalProfile {
  vatCode: string;
  itemType: string | number;
  paymentType: string;
  measure: string;
  measureCode: string;
}

export interface BuildBasketInput {
  lines: readonly BillLineInput[];
  amountToCharge: Money;
  fiscal: BasketFiscalProfile;
}

export interface BuiltBasket {
  basketItems: BasketItem[];
  sourceLineIds: string[];
  amount: number;
  vatAmount: number;
  total: Money;
  vat: Money;
}

export interface BasketBuilderOptions {
  supportedVatCodes?: readonly string[];
}

const NAME_MAX = 300;
const SKU_MAX = 500;
/** §9.4: "Заказ №X" is not an acceptable receipt line. */
const GENERIC_ORDER_NAME =
  /^(?:заказ|счёт|счет|чек|order|invoice|bill|check)\s*(?:№|#|no\.?|n\.)?\s*[\d\s\-/.]*$/iu;

interface PricedPiece {
  quantity: Quantity;
  unitMinor: number;
  totalMinor: number;
}

export class BasketBuilder {
  private readonly supportedVatCodes: readonly string[];

  constructor(options: BasketBuilderOptions = {}) {
    this.supportedVatCodes = options.supportedVatCodes ?? DEFAULT_SUPPORTED_VAT_CODES;
  }

  build(input: BuildBasketInput): BuiltBasket {
    const currency = input.amountToCharge.currency;
    const lines = payableLines(input.lines, input.amountToCharge);
    const fiscal = checkFiscal(input.fiscal);
    const rates = lines.map((line) => this.rateFor(line, input.fiscal));
    const shares = input.amountToCharge.allocate(lines.map((line) => line.total.minor));

    const basketItems: BasketItem[] = [];
    const sourceLineIds: string[] = [];
    let total = Money.zero(currency);
    let vat = Money.zero(currency);
    lines.forEach((line, index) => {
      const share = shares[index];
      const rate = rates[index];
      if (share.isZero()) return;
      for (const piece of priceLine(share.minor, line.quantity)) {
        const pieceVat = basketLineVat(piece.totalMinor, rate);
        basketItems.push({
          sku: skuOf(line),
          name: nameOf(line),
          measure: fiscal.measure,
          measureCode: fiscal.measureCode,
          quantity: piece.quantity.toNumber(),
          amount: Money.of(piece.unitMinor, currency).toMajorNumber(),
          amountWoVat: Money.of(basketUnitWithoutVat(piece.unitMinor, rate), currency).toMajorNumber(),
          totalAmount: Money.of(piece.totalMinor, currency).toMajorNumber(),
          totalVatAmount: Money.of(pieceVat, currency).toMajorNumber(),
          vatCode: rate.code,
          type: fiscal.itemType,
          paymentType: fiscal.paymentType,
        });
        sourceLineIds.push(line.lineId);
        total = total.add(Money.of(piece.totalMinor, currency));
        vat = vat.add(Money.of(pieceVat, currency));
      }
    });
    return {
      basketItems,
      sourceLineIds,
      amount: total.toMajorNumber(),
      vatAmount: vat.toMajorNumber(),
      total,
      vat,
    };
  }

  private rateFor(line: BillLineInput, fiscal: BasketFiscalProfile): VatRate {
    const code = line.vatCode ?? fiscal.vatCode;
    const rate = vatRateOf(code, this.supportedVatCodes);
    if (rate === undefined) {
      throw new InvoiceboxBasketError(`VAT code "${code}" of bill line ${line.lineId} is not supported`, {
        metadata: { lineId: line.lineId, vatCode: code },
      });
    }
    return rate;
  }
}

function payableLines(lines: readonly BillLineInput[], amountToCharge: Money): BillLineInput[] {
  const payable = lines.filter((line) => !line.total.isZero());
  const negative = payable.find((line) => line.total.isNegative());
  if (negative) {
    throw new InvoiceboxBasketError(
      `Bill line ${negative.lineId} is negative; fold it into the other lines`,
      {
        metadata: { lineId: negative.lineId },
      },
    );
  }
  const billTotal = Money.sum(
    payable.map((line) => line.total),
    amountToCharge.currency,
  );
  if (!amountToCharge.isPositive() || amountToCharge.greaterThan(billTotal)) {
    throw new InvoiceboxBasketError(`Cannot charge ${amountToCharge} on bill lines worth ${billTotal}`, {
      metadata: { amountToCharge: amountToCharge.minor, billTotal: billTotal.minor },
    });
  }
  return payable;
}

interface CheckedFiscal {
  itemType: BasketItemType;
  paymentType: PaymentType;
  measure: string;
  measureCode: string;
}

function isItemType(value: string | number): value is BasketItemType {
  return (
    value === 'service' || value === 'commodity' || (typeof value === 'number' && Number.isInteger(value))
  );
}

function checkFiscal(fiscal: BasketFiscalProfile): CheckedFiscal {
  const paymentType = PAYMENT_TYPES.find((type) => type === fiscal.paymentType);
  const { itemType, measureCode } = fiscal;
  const measure = fiscal.measure.trim();
  if (
    paymentType === undefined ||
    !isItemType(itemType) ||
    measure === '' ||
    measure.length > 10 ||
    !/^\d{1,4}$/.test(measureCode)
  ) {
    throw new InvoiceboxBasketError('Fiscal profile is not valid for Invoicebox', {
      metadata: { itemType, paymentType: fiscal.paymentType, measure: fiscal.measure, measureCode },
    });
  }
  return { itemType, paymentType, measure, measureCode };
}

// Rule 1 without relying on how the server breaks a half-kopeck tie: one line when round2(unit × qty) clearly
// hits the total, else the real quantity is kept by splitting off one unit that takes the remainder
// (400.00 for 3 → 2 × 133.33 + 1 × 133.34). Only under ~2 kopecks per unit does it fall back to quantity 1.
export function priceLine(totalMinor: number, quantity: Quantity): PricedPiece[] {
  const scaledTotal = BigInt(totalMinor) * BigInt(QUANTITY_SCALE);
  const milli = BigInt(quantity.milli);
  const nearest = divideRounded(scaledTotal, milli, 'half-up');
  if (nearest >= 1n && isClearRounding(nearest * milli - scaledTotal)) {
    return [{ quantity, unitMinor: Number(nearest), totalMinor }];
  }
  if (quantity.milli > QUANTITY_SCALE) {
    const rest = Quantity.ofMilli(quantity.milli - QUANTITY_SCALE);
    const floor = scaledTotal / milli;
    for (const unit of [floor, floor - 1n]) {
      const exact = unit * BigInt(rest.milli);
      if (unit < 1n || !isClearRounding(exact - divideRounded(exact, 1000n, 'half-up') * 1000n)) continue;
      const restTotal = basketLineTotal(Number(unit), rest);
      const lastUnit = totalMinor - restTotal;
      if (lastUnit < 1) continue;
      return [
        { quantity: rest, unitMinor: Number(unit), totalMinor: restTotal },
        { quantity: Quantity.units(1), unitMinor: lastUnit, totalMinor: lastUnit },
      ];
    }
  }
  return [{ quantity: Quantity.units(1), unitMinor: totalMinor, totalMinor }];
}

function isClearRounding(differenceInThousandths: bigint): boolean {
  const half = BigInt(QUANTITY_SCALE / 2);
  return differenceInThousandths < half && differenceInThousandths > -half;
}

function capCodePoints(text: string, max: number): string {
  const points = Array.from(text);
  return points.length <= max ? text : points.slice(0, max).join('').trimEnd();
}

function skuOf(line: BillLineInput): string {
  return capCodePoints(line.sku.trim() || line.lineId, SKU_MAX);
}

function nameOf(line: BillLineInput): string {
  const name = line.name.replace(/\s+/gu, ' ').trim();
  const chosen = capCodePoints(name !== '' && !GENERIC_ORDER_NAME.test(name) ? name : skuOf(line), NAME_MAX);
  if (chosen === '')
    throw new InvoiceboxBasketError('Bill line has no name, sku or id', {
      metadata: { lineId: line.lineId },
    });
  return chosen;
}
