import fc from 'fast-check';
import { BillLine, Money, Quantity } from '@bridge/core';
import { KNOWN_VAT_CODES } from '../wire/basket-item.wire';

export interface RandomBill {
  lines: BillLine[];
  /** What the guest still owes: the bill total less a random part already paid at the POS. */
  amountDue: Money;
  defaultVatCode: string;
}

/** A restaurant line: whole or fractional quantity, a percentage discount and odd kopecks, its own VAT or the site's. */
const lineOf = (vatCode: fc.Arbitrary<string>) =>
  fc
    .record({
      whole: fc.boolean(),
      units: fc.integer({ min: 1, max: 20 }),
      milli: fc.integer({ min: 1, max: 20_000 }),
      unitPrice: fc.integer({ min: 1, max: 500_000 }),
      discountPercent: fc.integer({ min: 0, max: 60 }),
      oddKopecks: fc.integer({ min: 0, max: 99 }),
      vatCode: fc.option(vatCode, { nil: undefined }),
    })
    .map(({ whole, units, milli, unitPrice, discountPercent, oddKopecks, vatCode: code }) => {
      const quantity = whole ? Quantity.units(units) : Quantity.ofMilli(milli);
      const gross = quantity.times(unitPrice);
      const total = Math.max(0, gross - Math.floor((gross * discountPercent) / 100) - oddKopecks);
      return { quantity, total, vatCode: code };
    });

export function randomBill(vatCodes: readonly string[] = KNOWN_VAT_CODES): fc.Arbitrary<RandomBill> {
  const vatCode = fc.constantFrom(...vatCodes);
  return fc
    .record({ lines: fc.array(lineOf(vatCode), { minLength: 1, maxLength: 60 }), defaultVatCode: vatCode })
    .filter(({ lines }) => lines.some((l) => l.total > 0))
    .chain(({ lines, defaultVatCode }) => {
      const total = lines.reduce((sum, l) => sum + l.total, 0);
      return fc.integer({ min: 1, max: total }).map((due) => ({
        defaultVatCode,
        amountDue: Money.of(due, 'RUB'),
        lines: lines.map((l, index): BillLine => ({
          lineId: `L${index}`,
          sku: `dish-${index}`,
          name: `Блюдо ${index}`,
          quantity: l.quantity,
          total: Money.of(l.total, 'RUB'),
          ...(l.vatCode ? { vatCode: l.vatCode } : {}),
        })),
      }));
    });
}
