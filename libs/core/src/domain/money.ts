import { CurrencyMismatchError, InvalidMoneyError } from '../errors/domain.errors';

/** ISO 4217 minor-unit exponents for the currencies a site may be configured with. */
const MINOR_DIGITS: Readonly<Record<string, number>> = {
  RUB: 2,
  USD: 2,
  EUR: 2,
  GBP: 2,
  CNY: 2,
  UZS: 2,
  KZT: 2,
  BYN: 2,
  AMD: 2,
  GEL: 2,
};

export type RoundingMode = 'half-up' | 'half-even' | 'floor' | 'ceil' | 'down';

export function isSupportedCurrency(code: string): boolean {
  return Object.prototype.hasOwnProperty.call(MINOR_DIGITS, code);
}

export function minorDigits(currency: string): number {
  const digits = MINOR_DIGITS[currency];
  if (digits === undefined) throw new InvalidMoneyError(`Unsupported currency "${currency}"`);
  return digits;
}

/**
 * Divides two integers and rounds the quotient to an integer with the given mode.
 * Every rounding of money in the bridge goes through here.
 */
export function divideRounded(
  numerator: bigint,
  denominator: bigint,
  mode: RoundingMode = 'half-up',
): bigint {
  if (denominator === 0n) throw new InvalidMoneyError('Division by zero');
  if (denominator < 0n) {
    numerator = -numerator;
    denominator = -denominator;
  }
  const quotient = numerator / denominator; // truncates toward zero
  const remainder = numerator % denominator;
  if (remainder === 0n) return quotient;
  const negative = numerator < 0n;
  const floor = negative ? quotient - 1n : quotient;
  const ceil = floor + 1n;
  const twiceRemainder = 2n * (negative ? -remainder : remainder);
  switch (mode) {
    case 'floor':
      return floor;
    case 'ceil':
      return ceil;
    case 'down':
      return quotient;
    case 'half-up': // half away from zero, as a cashier rounds
      if (twiceRemainder === denominator) return negative ? floor : ceil;
      return twiceRemainder > denominator ? (negative ? floor : ceil) : quotient;
    case 'half-even': {
      if (twiceRemainder !== denominator)
        return twiceRemainder > denominator ? (negative ? floor : ceil) : quotient;
      return floor % 2n === 0n ? floor : ceil;
    }
  }
}

const DECIMAL = /^([+-])?(\d+)(?:\.(\d+))?(?:[eE]([+-]?\d+))?$/;

/** Parses a decimal string into an integer scaled by 10^scale, rounding extra digits. */
export function parseScaledDecimal(text: string, scale: number, mode: RoundingMode = 'half-up'): bigint {
  const match = DECIMAL.exec(text.trim());
  if (!match) throw new InvalidMoneyError(`Not a decimal number: "${text}"`);
  const [, sign, whole, fraction = '', exponentText] = match;
  const exponent = exponentText ? Number(exponentText) : 0;
  const digits = BigInt(whole + fraction);
  const shift = scale + exponent - fraction.length;
  let scaled =
    shift >= 0 ? digits * 10n ** BigInt(shift) : divideRounded(digits, 10n ** BigInt(-shift), mode);
  if (sign === '-') scaled = -scaled;
  return scaled;
}

export class Money {
  private constructor(
    /** Integer amount in minor units (kopecks for RUB). */
    readonly minor: number,
    readonly currency: string,
  ) {}

  static of(minor: number, currency: string): Money {
    minorDigits(currency);
    if (!Number.isSafeInteger(minor)) {
      throw new InvalidMoneyError(`Money must be a whole number of minor units, got ${minor}`, {
        metadata: { minor, currency },
      });
    }
    return new Money(minor === 0 ? 0 : minor, currency);
  }

  static zero(currency: string): Money {
    return Money.of(0, currency);
  }

  /** "123.45" → 12345 kopecks. More fraction digits than the currency has are rounded with `mode`. */
  static parse(decimal: string, currency: string, mode: RoundingMode = 'half-up'): Money {
    const scaled = parseScaledDecimal(decimal, minorDigits(currency), mode);
    return Money.of(toSafeNumber(scaled), currency);
  }

  /**
   * For vendor JSON numbers such as 2790.67. Goes through the shortest decimal form of the double,
   * so 2790.67 becomes 279067 and not 279066.99999999997.
   */
  static fromMajor(value: number, currency: string, mode: RoundingMode = 'half-up'): Money {
    if (!Number.isFinite(value)) throw new InvalidMoneyError(`Not a finite amount: ${value}`);
    return Money.parse(String(value), currency, mode);
  }

  static sum(items: readonly Money[], currency: string): Money {
    return items.reduce((total, item) => total.add(item), Money.zero(currency));
  }

  add(other: Money): Money {
    this.assertSameCurrency(other);
    return Money.of(this.minor + other.minor, this.currency);
  }

  subtract(other: Money): Money {
    this.assertSameCurrency(other);
    return Money.of(this.minor - other.minor, this.currency);
  }

  negate(): Money {
    return Money.of(-this.minor, this.currency);
  }

  /** Multiplies by a rational factor numerator/denominator with one rounding at the end. */
  multiplyRatio(numerator: bigint, denominator: bigint, mode: RoundingMode = 'half-up'): Money {
    return Money.of(
      toSafeNumber(divideRounded(BigInt(this.minor) * numerator, denominator, mode)),
      this.currency,
    );
  }

  /**
   * Splits the amount in proportion to the weights; the parts always add up to the whole
   * (largest remainder method), so no kopeck is lost or invented.
   */
  allocate(weights: readonly number[]): Money[] {
    if (weights.length === 0) throw new InvalidMoneyError('Cannot allocate over no weights');
    const bigWeights = weights.map((w) => {
      if (!Number.isSafeInteger(w) || w < 0)
        throw new InvalidMoneyError(`Allocation weight must be a whole number >= 0`);
      return BigInt(w);
    });
    const totalWeight = bigWeights.reduce((a, b) => a + b, 0n);
    if (totalWeight === 0n) throw new InvalidMoneyError('Cannot allocate over zero total weight');
    const total = BigInt(this.minor);
    const sign = total < 0n ? -1n : 1n;
    const magnitude = total * sign;
    const parts = bigWeights.map((w) => (magnitude * w) / totalWeight);
    const remainders = bigWeights.map((w, index) => ({ index, rest: (magnitude * w) % totalWeight }));
    let left = magnitude - parts.reduce((a, b) => a + b, 0n);
    remainders.sort((a, b) => (b.rest > a.rest ? 1 : b.rest < a.rest ? -1 : a.index - b.index));
    for (const { index } of remainders) {
      if (left === 0n) break;
      parts[index] += 1n;
      left -= 1n;
    }
    return parts.map((p) => Money.of(toSafeNumber(p * sign), this.currency));
  }

  isZero(): boolean {
    return this.minor === 0;
  }

  isPositive(): boolean {
    return this.minor > 0;
  }

  isNegative(): boolean {
    return this.minor < 0;
  }

  compare(other: Money): -1 | 0 | 1 {
    this.assertSameCurrency(other);
    return this.minor === other.minor ? 0 : this.minor < other.minor ? -1 : 1;
  }

  equals(other: Money): boolean {
    return this.currency === other.currency && this.minor === other.minor;
  }

  lessThan(other: Money): boolean {
    return this.compare(other) < 0;
  }

  greaterThan(other: Money): boolean {
    return this.compare(other) > 0;
  }

  min(other: Money): Money {
    return this.compare(other) <= 0 ? this : other;
  }

  /** Exact decimal text, e.g. "-0.05". */
  toDecimalString(): string {
    const digits = minorDigits(this.currency);
    const negative = this.minor < 0;
    const text = Math.abs(this.minor)
      .toString()
      .padStart(digits + 1, '0');
    const whole = text.slice(0, text.length - digits);
    const fraction = digits > 0 ? `.${text.slice(text.length - digits)}` : '';
    return `${negative ? '-' : ''}${whole}${fraction}`;
  }

  /**
   * The JSON number a vendor API expects (123.45). Only for the vendor edge: an integer divided by
   * a power of ten is the closest double to the decimal, and JSON prints its shortest form.
   */
  toMajorNumber(): number {
    return Number(this.toDecimalString());
  }

  toJSON(): { amount: number; currency: string } {
    return { amount: this.minor, currency: this.currency };
  }

  toString(): string {
    return `${this.toDecimalString()} ${this.currency}`;
  }

  private assertSameCurrency(other: Money): void {
    if (other.currency !== this.currency) {
      throw new CurrencyMismatchError(`Cannot combine ${this.currency} with ${other.currency}`, {
        metadata: { left: this.currency, right: other.currency },
      });
    }
  }
}

function toSafeNumber(value: bigint): number {
  const n = Number(value);
  if (!Number.isSafeInteger(n)) throw new InvalidMoneyError(`Amount out of range: ${value}`);
  return n;
}
