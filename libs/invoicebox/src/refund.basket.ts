import { Money, Quantity, divideRounded } from '@bridge/core';
import { basketLineVat, basketUnitWithoutVat, vatRateOf } from './basket.arithmetic';
import { priceLine } from './basket.builder';
import { InvoiceboxBasketError } from './invoicebox.errors';
import { BasketItem, RefundableBasketItem } from './wire/basket-item.wire';

interface Refundable {
  item: RefundableBasketItem;
  available: Money;
  quantity: Quantity;
}

function refundableOf(item: RefundableBasketItem, currency: string): Refundable | null {
  const available = Money.fromMajor(item.availableAmount ?? item.totalAmount, currency);
  if (!available.isPositive() || !(item.quantity > 0)) return null;
  return { item, available, quantity: Quantity.parse(String(item.quantity)) };
}

/**
 * The lines of a refund of `amount` out of what the order still has refundable. §4.4 says a partial refund is
 * "fewer lines or a lower quantity": the amount is spread over the lines in proportion to what each still has,
 * and each line gives back a proportional quantity (rounded up to a thousandth), never more than it has left.
 */
export function buildRefundBasket(
  items: readonly RefundableBasketItem[],
  amount: Money,
  supportedVatCodes?: readonly string[],
): BasketItem[] {
  const currency = amount.currency;
  const lines = items.map((item) => refundableOf(item, currency)).filter((line) => line !== null);
  const refundable = Money.sum(
    lines.map((line) => line.available),
    currency,
  );
  if (lines.length === 0 || !amount.isPositive() || amount.greaterThan(refundable)) {
    throw new InvoiceboxBasketError(`Cannot refund ${amount} out of ${refundable} still refundable`, {
      metadata: { amount: amount.minor, refundable: refundable.minor },
    });
  }
  const shares = amount.allocate(lines.map((line) => line.available.minor));
  const basket: BasketItem[] = [];
  lines.forEach(({ item, available, quantity }, index) => {
    const share = shares[index];
    if (share.isZero()) return;
    const rate = vatRateOf(item.vatCode, supportedVatCodes);
    if (rate === undefined) {
      throw new InvoiceboxBasketError(`Refundable line has unsupported VAT code "${item.vatCode}"`, {
        metadata: { sku: item.sku, vatCode: item.vatCode },
      });
    }
    const milli = share.equals(available)
      ? quantity.milli
      : Number(divideRounded(BigInt(quantity.milli) * BigInt(share.minor), BigInt(available.minor), 'ceil'));
    const refundQuantity = Quantity.ofMilli(Math.min(quantity.milli, Math.max(1, milli)));
    for (const piece of priceLine(share.minor, refundQuantity)) {
      basket.push({
        sku: item.sku,
        name: item.name,
        measure: item.measure,
        measureCode: item.measureCode,
        quantity: piece.quantity.toNumber(),
        amount: Money.of(piece.unitMinor, currency).toMajorNumber(),
        amountWoVat: Money.of(basketUnitWithoutVat(piece.unitMinor, rate), currency).toMajorNumber(),
        totalAmount: Money.of(piece.totalMinor, currency).toMajorNumber(),
        totalVatAmount: Money.of(basketLineVat(piece.totalMinor, rate), currency).toMajorNumber(),
        vatCode: item.vatCode,
        type: item.type,
        paymentType: item.paymentType,
      });
    }
  });
  return basket;
}
