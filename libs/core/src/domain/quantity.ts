import { InvalidQuantityError } from '../errors/domain.errors';
import { RoundingMode, divideRounded, parseScaledDecimal } from './money';

/** Quantities are integer thousandths, as r_keeper sends them: 1.5 portions = 1500, 0.355 kg = 355. */
export const QUANTITY_SCALE = 1000;

export class Quantity {
  private constructor(readonly milli: number) {}

  static ofMilli(milli: number): Quantity {
    if (!Number.isSafeInteger(milli) || milli <= 0) {
      throw new InvalidQuantityError(`Quantity must be a positive whole number of thousandths, got ${milli}`);
    }
    return new Quantity(milli);
  }

  static units(count: number): Quantity {
    return Quantity.ofMilli(count * QUANTITY_SCALE);
  }

  static parse(decimal: string, mode: RoundingMode = 'half-up'): Quantity {
    return Quantity.ofMilli(Number(parseScaledDecimal(decimal, 3, mode)));
  }

  isWhole(): boolean {
    return this.milli % QUANTITY_SCALE === 0;
  }

  /** For a vendor edge that wants a JSON number (1.5). */
  toNumber(): number {
    return Number(this.toDecimalString());
  }

  toDecimalString(): string {
    const whole = Math.trunc(this.milli / QUANTITY_SCALE);
    const fraction = (this.milli % QUANTITY_SCALE).toString().padStart(3, '0').replace(/0+$/, '');
    return fraction ? `${whole}.${fraction}` : `${whole}`;
  }

  /** unitMinor × quantity, rounded once. */
  times(unitMinor: number, mode: RoundingMode = 'half-up'): number {
    return Number(divideRounded(BigInt(unitMinor) * BigInt(this.milli), BigInt(QUANTITY_SCALE), mode));
  }
}
