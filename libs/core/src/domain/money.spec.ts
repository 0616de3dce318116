import fc from 'fast-check';
import { Money, divideRounded, parseScaledDecimal } from './money';
import { Quantity } from './quantity';
import { CurrencyMismatchError, InvalidMoneyError } from '../errors/domain.errors';

describe('Money', () => {
  it('keeps integer minor units and refuses fractions of a kopeck', () => {
    expect(Money.of(12345, 'RUB').toDecimalString()).toBe('123.45');
    expect(() => Money.of(1.5, 'RUB')).toThrow(InvalidMoneyError);
    expect(() => Money.of(1, 'XXX')).toThrow(InvalidMoneyError);
  });

  it.each([
    ['123.45', 12345],
    ['0.05', 5],
    ['-0.05', -5],
    ['100', 10000],
    ['1.005', 101],
    ['1.004', 100],
    ['-1.005', -101],
    ['2790.67', 279067],
    ['1e2', 10000],
    ['1.5E-1', 15],
  ])('parses "%s" to %d kopecks (half-up away from zero)', (text, minor) => {
    expect(Money.parse(text, 'RUB').minor).toBe(minor);
  });

  it('rejects text that is not a number', () => {
    expect(() => Money.parse('12,50', 'RUB')).toThrow(InvalidMoneyError);
    expect(() => Money.parse('', 'RUB')).toThrow(InvalidMoneyError);
    expect(() => Money.fromMajor(Number.NaN, 'RUB')).toThrow(InvalidMoneyError);
  });

  it('converts vendor JSON numbers without float drift', () => {
    expect(Money.fromMajor(2790.67, 'RUB').minor).toBe(279067);
    expect(Money.fromMajor(0.1 + 0.2, 'RUB').minor).toBe(30);
    expect(Money.fromMajor(371.88, 'RUB').minor).toBe(37188);
    expect(Money.of(37188, 'RUB').toMajorNumber()).toBe(371.88);
  });

  it('round-trips every amount through the vendor number form', () => {
    fc.assert(
      fc.property(fc.integer({ min: -1e13, max: 1e13 }), (minor) => {
        const money = Money.of(minor, 'RUB');
        expect(Money.fromMajor(money.toMajorNumber(), 'RUB').minor).toBe(minor);
        expect(JSON.stringify(money.toMajorNumber())).toBe(
          money.toDecimalString().replace(/\.?0+$/, '') || '0',
        );
      }),
      { numRuns: 5000 },
    );
  });

  it('refuses to mix currencies', () => {
    expect(() => Money.of(1, 'RUB').add(Money.of(1, 'USD'))).toThrow(CurrencyMismatchError);
  });

  it('allocates without losing or inventing a kopeck', () => {
    expect(
      Money.of(100, 'RUB')
        .allocate([1, 1, 1])
        .map((m) => m.minor),
    ).toEqual([34, 33, 33]);
    expect(
      Money.of(-100, 'RUB')
        .allocate([1, 1, 1])
        .map((m) => m.minor),
    ).toEqual([-34, -33, -33]);
    fc.assert(
      fc.property(
        fc.integer({ min: -1e9, max: 1e9 }),
        fc
          .array(fc.integer({ min: 0, max: 1e6 }), { minLength: 1, maxLength: 30 })
          .filter((w) => w.some((x) => x > 0)),
        (minor, weights) => {
          const parts = Money.of(minor, 'RUB').allocate(weights);
          expect(parts.reduce((s, p) => s + p.minor, 0)).toBe(minor);
          weights.forEach((w, i) => {
            if (w === 0) expect(parts[i].minor).toBe(0);
          });
        },
      ),
    );
  });
});

describe('divideRounded', () => {
  it.each([
    [5n, 2n, 'half-up', 3n],
    [-5n, 2n, 'half-up', -3n],
    [5n, 2n, 'half-even', 2n],
    [7n, 2n, 'half-even', 4n],
    [-7n, 2n, 'half-even', -4n],
    [7n, 3n, 'floor', 2n],
    [-7n, 3n, 'floor', -3n],
    [7n, 3n, 'ceil', 3n],
    [-7n, 3n, 'down', -2n],
    [3718800n, 120n, 'half-up', 30990n],
  ] as const)('%d / %d (%s) = %d', (n, d, mode, expected) => {
    expect(divideRounded(n, d, mode)).toBe(expected);
  });

  it('agrees with exact arithmetic for half-up', () => {
    fc.assert(
      fc.property(
        fc.bigInt({ min: -(10n ** 12n), max: 10n ** 12n }),
        fc.bigInt({ min: 1n, max: 10n ** 6n }),
        (n, d) => {
          const q = divideRounded(n, d, 'half-up');
          // |n/d - q| <= 1/2, and ties go away from zero
          const diff = 2n * (n - q * d);
          expect(diff <= d && diff >= -d).toBe(true);
          if (diff === d) expect(n < 0n).toBe(true);
          if (diff === -d) expect(n > 0n).toBe(true);
        },
      ),
    );
  });
});

describe('Quantity', () => {
  it('holds thousandths and multiplies with one rounding', () => {
    expect(Quantity.parse('0.355').milli).toBe(355);
    expect(Quantity.parse('1.5').toDecimalString()).toBe('1.5');
    expect(Quantity.units(3).times(12396)).toBe(37188);
    expect(Quantity.parse('0.333').times(100)).toBe(33);
    expect(() => Quantity.ofMilli(0)).toThrow();
    expect(parseScaledDecimal('2.0005', 3)).toBe(2001n);
  });
});
