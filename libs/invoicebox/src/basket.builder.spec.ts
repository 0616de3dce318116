import fc from 'fast-check';
import { Money, Quantity } from '@bridge/core';
import { validateBasketArithmetic } from './basket.arithmetic';
import { BasketBuilder, BillLineInput, BuiltBasket, BasketFiscalProfile, priceLine } from './basket.builder';
import { InvoiceboxBasketError } from './invoicebox.errors';
import { KNOWN_VAT_CODES } from './wire/basket-item.wire';

const rub = (minor: number): Money => Money.of(minor, 'RUB');
const fiscal: BasketFiscalProfile = {
  vatCode: 'RUS_VAT20',
  itemType: 'service',
  paymentType: 'full_prepayment',
  measure: 'шт.',
  measureCode: '796',
};
const line = (overrides: Partial<BillLineInput> & Pick<BillLineInput, 'total'>): BillLineInput => ({
  lineId: 'l1',
  sku: 'sku-1',
  name: 'Борщ',
  quantity: Quantity.units(1),
  ...overrides,
});

describe('BasketBuilder', () => {
  const sut = new BasketBuilder();

  it('reproduces the documented create-order example (3 × 123.96 at RUS_VAT20)', () => {
    const basket = sut.build({
      lines: [
        line({
          sku: '5fe0adcfa7fb4',
          name: 'Бронирование номера',
          quantity: Quantity.units(3),
          total: rub(37188),
        }),
      ],
      amountToCharge: rub(37188),
      fiscal,
    });

    expect(basket.basketItems).toEqual([
      {
        sku: '5fe0adcfa7fb4',
        name: 'Бронирование номера',
        measure: 'шт.',
        measureCode: '796',
        quantity: 3,
        amount: 123.96,
        amountWoVat: 103.3,
        totalAmount: 371.88,
        totalVatAmount: 61.98,
        vatCode: 'RUS_VAT20',
        type: 'service',
        paymentType: 'full_prepayment',
      },
    ]);
    expect([basket.amount, basket.vatAmount]).toEqual([371.88, 61.98]);
  });

  it('reproduces the SDK example (110.00 at RUS_VAT10 → 100.00 + 10.00)', () => {
    const basket = sut.build({
      lines: [line({ total: rub(11000), vatCode: 'RUS_VAT10' })],
      amountToCharge: rub(11000),
      fiscal: { ...fiscal, paymentType: 'prepayment' },
    });

    expect(basket.basketItems[0]).toMatchObject({
      quantity: 1,
      amount: 110,
      amountWoVat: 100,
      totalAmount: 110,
      totalVatAmount: 10,
      vatCode: 'RUS_VAT10',
      paymentType: 'prepayment',
    });
    expect([basket.amount, basket.vatAmount]).toEqual([110, 10]);
  });

  it('keeps the real quantity by splitting a line whose total is not unit × quantity', () => {
    const basket = sut.build({
      lines: [line({ quantity: Quantity.units(3), total: rub(40000) })],
      amountToCharge: rub(40000),
      fiscal,
    });

    expect(basket.basketItems.map((item) => [item.quantity, item.amount, item.totalAmount])).toEqual([
      [2, 133.33, 266.66],
      [1, 133.34, 133.34],
    ]);
    expect(basket.sourceLineIds).toEqual(['l1', 'l1']);
    expect(basket.amount).toBe(400);
  });

  it('prices fractional quantities so the product rounds clearly to the line total', () => {
    const basket = sut.build({
      lines: [line({ quantity: Quantity.parse('0.355'), total: rub(4382) })],
      amountToCharge: rub(4382),
      fiscal,
    });

    expect(basket.basketItems.map((item) => [item.quantity, item.amount, item.totalAmount])).toEqual([
      [0.355, 123.44, 43.82],
    ]);
  });

  it('never relies on a half-kopeck tie: 1.5 × 66.67 = 100.005 is split instead', () => {
    expect(
      priceLine(10001, Quantity.parse('1.5')).map((p) => [p.quantity.milli, p.unitMinor, p.totalMinor]),
    ).toEqual([
      [500, 6666, 3333],
      [1000, 6668, 6668],
    ]);
  });

  it('falls back to quantity 1 only when the total is below about two kopecks per unit', () => {
    expect(priceLine(1, Quantity.units(5)).map((p) => [p.quantity.milli, p.unitMinor, p.totalMinor])).toEqual(
      [[1000, 1, 1]],
    );
  });

  it('scales lines down with Money.allocate when part of the bill is already paid', () => {
    const basket = sut.build({
      lines: [
        line({ lineId: 'a', total: rub(10000) }),
        line({ lineId: 'b', sku: 'sku-2', total: rub(5000) }),
      ],
      amountToCharge: rub(10000),
      fiscal,
    });

    expect(basket.basketItems.map((item) => item.totalAmount)).toEqual([66.67, 33.33]);
    expect(basket.total.equals(rub(10000))).toBe(true);
  });

  it('drops lines of total 0 and lines whose share rounds to 0', () => {
    const basket = sut.build({
      lines: [
        line({ lineId: 'free', total: rub(0) }),
        line({ lineId: 'big', total: rub(100000) }),
        line({ lineId: 'tiny', total: rub(1) }),
      ],
      amountToCharge: rub(50000),
      fiscal,
    });

    expect(basket.sourceLineIds).toEqual(['big']);
    expect(basket.amount).toBe(500);
  });

  it('gives VATNONE and RUS_VAT0 lines no VAT and a price without VAT equal to the price', () => {
    const basket = sut.build({
      lines: [
        line({ lineId: 'a', total: rub(12345), vatCode: 'VATNONE' }),
        line({ lineId: 'b', total: rub(999), vatCode: 'RUS_VAT0' }),
      ],
      amountToCharge: rub(13344),
      fiscal,
    });

    for (const item of basket.basketItems) {
      expect(item.totalVatAmount).toBe(0);
      expect(item.amountWoVat).toBe(item.amount);
    }
    expect(basket.vatAmount).toBe(0);
  });

  it('keeps the bill total for _ADDED codes and takes the VAT out of it', () => {
    const basket = sut.build({
      lines: [line({ total: rub(12000), vatCode: 'RUS_VAT20_ADDED' })],
      amountToCharge: rub(12000),
      fiscal,
    });

    expect(basket.basketItems[0]).toMatchObject({ totalAmount: 120, amountWoVat: 100, totalVatAmount: 20 });
    expect(basket.amount).toBe(120);
  });

  it('cleans names: trims, caps at 300 characters, falls back to the sku when empty or "Заказ №..."', () => {
    const long = 'Суп '.repeat(100);
    const basket = sut.build({
      lines: [
        line({ lineId: 'a', name: '  Салат\n  Цезарь ', total: rub(100) }),
        line({ lineId: 'b', name: long, total: rub(100) }),
        line({ lineId: 'c', sku: 'PIZZA-4', name: '   ', total: rub(100) }),
        line({ lineId: 'd', sku: 'TEA-1', name: 'Заказ №15', total: rub(100) }),
      ],
      amountToCharge: rub(400),
      fiscal,
    });

    const names = basket.basketItems.map((item) => item.name);
    expect(names[0]).toBe('Салат Цезарь');
    expect(Array.from(names[1]).length).toBeLessThanOrEqual(300);
    expect(long.startsWith(names[1])).toBe(true);
    expect(names.slice(2)).toEqual(['PIZZA-4', 'TEA-1']);
  });

  it('refuses VAT codes that are unknown or not enabled for the site', () => {
    const restricted = new BasketBuilder({ supportedVatCodes: ['VATNONE', 'RUS_VAT20'] });
    const build = (builder: BasketBuilder, vatCode: string) => () =>
      builder.build({ lines: [line({ total: rub(100), vatCode })], amountToCharge: rub(100), fiscal });

    expect(build(restricted, 'RUS_VAT10')).toThrow(InvoiceboxBasketError);
    expect(build(sut, 'RUS_VAT120')).toThrow(InvoiceboxBasketError);
    expect(build(restricted, 'RUS_VAT20')).not.toThrow();
  });

  it('refuses a fiscal profile Invoicebox would not take', () => {
    const build = (profile: Partial<BasketFiscalProfile>) => () =>
      sut.build({
        lines: [line({ total: rub(100) })],
        amountToCharge: rub(100),
        fiscal: { ...fiscal, ...profile },
      });

    expect(build({ paymentType: 'credit' })).toThrow(InvoiceboxBasketError);
    expect(build({ itemType: 'food' })).toThrow(InvoiceboxBasketError);
    expect(build({ measureCode: '79600' })).toThrow(InvoiceboxBasketError);
    expect(build({ itemType: 4, measure: 'порц', measureCode: '796' })).not.toThrow();
  });

  it('refuses to charge more than the bill, nothing at all, or a negative line', () => {
    const build = (lines: BillLineInput[], charge: number) => () =>
      sut.build({ lines, amountToCharge: rub(charge), fiscal });

    expect(build([line({ total: rub(100) })], 101)).toThrow(InvoiceboxBasketError);
    expect(build([line({ total: rub(100) })], 0)).toThrow(InvoiceboxBasketError);
    expect(build([line({ total: rub(100) }), line({ lineId: 'x', total: rub(-10) })], 90)).toThrow(
      InvoiceboxBasketError,
    );
  });

  describe('property: 10,000 random bills', () => {
    const vatCodeArb = fc.constantFrom(...KNOWN_VAT_CODES);
    const lineArb = fc
      .record({
        whole: fc.boolean(),
        units: fc.integer({ min: 1, max: 20 }),
        milli: fc.integer({ min: 1, max: 20_000 }),
        unitPrice: fc.integer({ min: 1, max: 500_000 }),
        discountPercent: fc.integer({ min: 0, max: 60 }),
        oddKopecks: fc.integer({ min: 0, max: 99 }),
        vatCode: fc.option(vatCodeArb, { nil: undefined }),
      })
      .map(({ whole, units, milli, unitPrice, discountPercent, oddKopecks, vatCode }) => {
        const quantity = whole ? Quantity.units(units) : Quantity.ofMilli(milli);
        const gross = quantity.times(unitPrice);
        const total = Math.max(0, gross - Math.floor((gross * discountPercent) / 100) - oddKopecks);
        return { quantity, total, vatCode };
      });
    const billArb = fc
      .record({ lines: fc.array(lineArb, { minLength: 1, maxLength: 60 }), defaultVat: vatCodeArb })
      .filter(({ lines }) => lines.some((l) => l.total > 0))
      .chain((bill) => {
        const sum = bill.lines.reduce((acc, l) => acc + l.total, 0);
        return fc.record({ bill: fc.constant(bill), charge: fc.integer({ min: 1, max: sum }) });
      });

    const kopecks = (value: number): bigint => {
      const minor = Math.round(value * 100);
      return Math.abs(value * 100 - minor) < 1e-6 ? BigInt(minor) : -1n;
    };
    const percentOf = (code: string): bigint => BigInt(/^RUS_VAT(\d+)/.exec(code)?.[1] ?? '0');
    /** x == round_half_up(num / den) for num >= 0, checked by cross-multiplying instead of dividing. */
    const isRoundedQuotient = (x: bigint, num: bigint, den: bigint): boolean =>
      (2n * x - 1n) * den <= 2n * num && 2n * num < (2n * x + 1n) * den;

    /** An oracle independent of the code under test: every broken rule is named, so a failure says which. */
    const problemsOf = (basket: BuiltBasket, lines: BillLineInput[], charge: number): string[] => {
      const problems: string[] = [];
      let sumTotal = 0n;
      let sumVat = 0n;
      basket.basketItems.forEach((item, index) => {
        const [unit, total, vat, woVat] = [
          item.amount,
          item.totalAmount,
          item.totalVatAmount,
          item.amountWoVat,
        ].map(kopecks);
        const milli = BigInt(Math.round(item.quantity * 1000));
        const rate = percentOf(item.vatCode);
        if (unit <= 0n || total < 0n || vat < 0n || woVat < 0n) problems.push(`${index}: not whole kopecks`);
        if (!isRoundedQuotient(total, unit * milli, 1000n)) problems.push(`${index}: rule 1`);
        if (rate === 0n ? woVat !== unit : !isRoundedQuotient(woVat, unit * 100n, 100n + rate)) {
          problems.push(`${index}: rule 2`);
        }
        if (rate === 0n ? vat !== 0n : !isRoundedQuotient(vat, total * rate, 100n + rate))
          problems.push(`${index}: rule 3`);
        sumTotal += total;
        sumVat += vat;
      });
      if (sumTotal !== BigInt(charge) || kopecks(basket.amount) !== BigInt(charge))
        problems.push('order amount');
      if (kopecks(basket.vatAmount) !== sumVat) problems.push('order vat');

      const quantityBySource = new Map<string, { milli: number; kopecks: number; pieces: number }>();
      basket.basketItems.forEach((item, index) => {
        const entry = quantityBySource.get(basket.sourceLineIds[index]) ?? {
          milli: 0,
          kopecks: 0,
          pieces: 0,
        };
        entry.milli += Math.round(item.quantity * 1000);
        entry.kopecks += Number(kopecks(item.totalAmount));
        entry.pieces += 1;
        quantityBySource.set(basket.sourceLineIds[index], entry);
      });
      for (const source of lines) {
        const entry = quantityBySource.get(source.lineId);
        if (entry === undefined || entry.milli === source.quantity.milli) continue;
        const tinyFallback =
          entry.pieces === 1 && entry.milli === 1000 && entry.kopecks * 1000 < 2 * source.quantity.milli;
        if (!tinyFallback)
          problems.push(`${source.lineId}: quantity ${entry.milli} instead of ${source.quantity.milli}`);
      }
      return problems;
    };

    it('satisfies rules 1–3 on every line, sums match, and the order amount is the amount to charge', () => {
      fc.assert(
        fc.property(billArb, ({ bill, charge }) => {
          const lines = bill.lines.map((l, index) =>
            line({
              lineId: `L${index}`,
              sku: `S${index}`,
              quantity: l.quantity,
              total: rub(l.total),
              vatCode: l.vatCode,
            }),
          );
          const basket = sut.build({
            lines,
            amountToCharge: rub(charge),
            fiscal: { ...fiscal, vatCode: bill.defaultVat },
          });
          expect(problemsOf(basket, lines, charge)).toEqual([]);
        }),
        { numRuns: 10_000 },
      );
    }, 120_000);

    it('agrees with validateBasketArithmetic, which the bridge and the simulator call before sending', () => {
      fc.assert(
        fc.property(billArb, ({ bill, charge }) => {
          const lines = bill.lines.map((l, index) =>
            line({ lineId: `L${index}`, quantity: l.quantity, total: rub(l.total), vatCode: l.vatCode }),
          );
          const basket = sut.build({
            lines,
            amountToCharge: rub(charge),
            fiscal: { ...fiscal, vatCode: bill.defaultVat },
          });
          expect(validateBasketArithmetic(basket)).toEqual([]);
        }),
        { numRuns: 1_000 },
      );
    }, 60_000);
  });
});

describe('validateBasketArithmetic', () => {
  const good = {
    amount: 371.88,
    vatAmount: 61.98,
    currencyId: 'RUB',
    basketItems: [
      {
        quantity: 3,
        amount: 123.96,
        amountWoVat: 103.3,
        totalAmount: 371.88,
        totalVatAmount: 61.98,
        vatCode: 'RUS_VAT20',
      },
    ],
  };

  it('accepts the documented example', () => {
    expect(validateBasketArithmetic(good)).toEqual([]);
  });

  it('names the rule a line breaks and its index, like the server codes', () => {
    const item = good.basketItems[0];
    expect(validateBasketArithmetic({ ...good, basketItems: [{ ...item, totalAmount: 371.87 }] })).toEqual([
      { code: 'wrong_basket_item_total_amount', index: 0 },
      { code: 'wrong_total_amount', index: null },
    ]);
    expect(validateBasketArithmetic({ ...good, basketItems: [{ ...item, amountWoVat: 103.31 }] })).toEqual([
      { code: 'wrong_basket_item_amount_wo_vat', index: 0 },
    ]);
    expect(validateBasketArithmetic({ ...good, vatAmount: 61.99 })).toEqual([
      { code: 'wrong_total_vat_amount', index: null },
    ]);
  });

  it('flags amounts with fractions of a kopeck, unknown VAT codes and an empty basket', () => {
    const item = good.basketItems[0];
    expect(validateBasketArithmetic({ ...good, basketItems: [{ ...item, vatCode: 'RUS_VAT18' }] })).toEqual([
      { code: 'unsupported_vat_code', index: 0 },
    ]);
    expect(validateBasketArithmetic({ ...good, amount: 371.875 })).toEqual([
      { code: 'wrong_total_amount', index: null },
    ]);
    expect(validateBasketArithmetic({ amount: 0, vatAmount: 0, basketItems: [] })).toEqual([
      { code: 'empty_basket', index: null },
    ]);
  });
});
