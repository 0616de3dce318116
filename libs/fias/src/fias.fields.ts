import { Money, isBridgeError } from '@bridge/core';
import { FiasField, FiasRecord, assertValidFieldId, assertValidFieldValue } from './fias.codec';
import { FiasProtocolError } from './fias.errors';

export type FiasSlot = 1 | 2 | 3 | 4 | 5 | 6 | 7 | 8 | 9;
export const FIAS_SLOTS: readonly FiasSlot[] = [1, 2, 3, 4, 5, 6, 7, 8, 9];
export type FiasSlotAmounts = Readonly<Partial<Record<FiasSlot, Money>>>;

const DATE = /^(\d{2})(\d{2})(\d{2})$/;
const TIME = /^(\d{2})(\d{2})(\d{2})$/;
const AMOUNT = /^-?\d{1,15}$/;
const INTEGER = /^\d{1,15}$/;

export function isFiasDate(text: string): boolean {
  const match = DATE.exec(text);
  if (!match) return false;
  const month = Number(match[2]);
  const day = Number(match[3]);
  return month >= 1 && month <= 12 && day >= 1 && day <= daysInMonth(2000 + Number(match[1]), month);
}

export function isFiasTime(text: string): boolean {
  const match = TIME.exec(text);
  return match !== null && Number(match[1]) < 24 && Number(match[2]) < 60 && Number(match[3]) < 60;
}

/** `YYMMDD` in the PMS's local time (FIAS has no time zone). */
export function toFiasDate(at: Date): string {
  return `${pad(at.getFullYear() % 100)}${pad(at.getMonth() + 1)}${pad(at.getDate())}`;
}

export function toFiasTime(at: Date): string {
  return `${pad(at.getHours())}${pad(at.getMinutes())}${pad(at.getSeconds())}`;
}

/** Two-digit years pivot at 70: `000915` is 15 Sep 2000, `991231` is 31 Dec 1999. */
export function fromFiasDateTime(date: string, time = '000000'): Date {
  if (!isFiasDate(date)) throw invalid('DA', date);
  if (!isFiasTime(time)) throw invalid('TI', time);
  const yy = Number(date.slice(0, 2));
  return new Date(
    yy < 70 ? 2000 + yy : 1900 + yy,
    Number(date.slice(2, 4)) - 1,
    Number(date.slice(4, 6)),
    Number(time.slice(0, 2)),
    Number(time.slice(2, 4)),
    Number(time.slice(4, 6)),
  );
}

export function formatFiasAmount(amount: Money): string {
  return String(amount.minor);
}

export function parseFiasAmount(text: string, currency: string, field = 'amount'): Money {
  if (!AMOUNT.test(text)) throw invalid(field, text);
  try {
    return Money.of(Number(text), currency);
  } catch (error) {
    if (isBridgeError(error)) {
      throw new FiasProtocolError('FIAS.FIELD_INVALID', `Field ${field}: ${error.message}`, {
        cause: error,
        metadata: { field },
      });
    }
    throw error;
  }
}

function pad(n: number): string {
  return String(n).padStart(2, '0');
}

function daysInMonth(year: number, month: number): number {
  return new Date(year, month, 0).getDate();
}

function invalid(field: string, value: string): FiasProtocolError {
  return new FiasProtocolError('FIAS.FIELD_INVALID', `Field ${field} has an invalid value`, {
    metadata: { field, value: value.slice(0, 32) },
  });
}

export class FiasFieldReader {
  constructor(
    readonly record: FiasRecord,
    private readonly currency?: string,
  ) {}

  text(id: string): string | undefined {
    return this.record.fields.find((field) => field.id === id)?.value;
  }

  has(id: string): boolean {
    return this.record.fields.some((field) => field.id === id);
  }

  requiredText(id: string): string {
    const value = this.optionalText(id);
    if (value === undefined) throw this.missing(id);
    return value;
  }

  /** Empty values count as absent: PMSs send mandatory fields empty when they have nothing. */
  optionalText(id: string): string | undefined {
    const value = this.text(id);
    return value === undefined || value === '' ? undefined : value;
  }

  money(id: string): Money | undefined {
    const value = this.optionalText(id);
    return value === undefined ? undefined : parseFiasAmount(value, this.requireCurrency(), id);
  }

  requiredMoney(id: string): Money {
    return parseFiasAmount(this.requiredText(id), this.requireCurrency(), id);
  }

  slots(prefix: 'S' | 'T' | 'D'): FiasSlotAmounts | undefined {
    const amounts: Partial<Record<FiasSlot, Money>> = {};
    let any = false;
    for (const slot of FIAS_SLOTS) {
      const amount = this.money(`${prefix}${slot}`);
      if (amount !== undefined) {
        amounts[slot] = amount;
        any = true;
      }
    }
    return any ? amounts : undefined;
  }

  date(id: string): string | undefined {
    const value = this.optionalText(id);
    if (value !== undefined && !isFiasDate(value)) throw invalid(id, value);
    return value;
  }

  time(id: string): string | undefined {
    const value = this.optionalText(id);
    if (value !== undefined && !isFiasTime(value)) throw invalid(id, value);
    return value;
  }

  integer(id: string): number | undefined {
    const value = this.optionalText(id);
    if (value === undefined) return undefined;
    if (!INTEGER.test(value)) throw invalid(id, value);
    return Number(value);
  }

  requiredInteger(id: string): number {
    const value = this.integer(id);
    if (value === undefined) throw this.missing(id);
    return value;
  }

  yesNo(id: string): boolean | undefined {
    const value = this.text(id);
    if (value === undefined) return undefined;
    if (value === '' || value === 'Y') return true;
    if (value === 'N') return false;
    throw invalid(id, value);
  }

  private missing(id: string): FiasProtocolError {
    return new FiasProtocolError('FIAS.FIELD_MISSING', `Record ${this.record.id} has no ${id}`, {
      metadata: { recordId: this.record.id, field: id },
    });
  }

  private requireCurrency(): string {
    if (this.currency === undefined) {
      throw new FiasProtocolError('FIAS.CONFIG_INVALID', 'A currency is needed to read FIAS amounts');
    }
    return this.currency;
  }
}

export class FiasFieldWriter {
  private readonly fields: FiasField[] = [];

  constructor(private readonly recordId: string) {}

  text(id: string, value: string | undefined): this {
    if (value === undefined) return this;
    assertValidFieldId(id);
    assertValidFieldValue(id, value);
    this.fields.push({ id, value });
    return this;
  }

  money(id: string, amount: Money | undefined): this {
    return this.text(id, amount === undefined ? undefined : formatFiasAmount(amount));
  }

  slots(prefix: 'S' | 'T' | 'D', amounts: FiasSlotAmounts | undefined): this {
    if (amounts === undefined) return this;
    for (const slot of FIAS_SLOTS) this.money(`${prefix}${slot}`, amounts[slot]);
    return this;
  }

  date(id: string, value: string | undefined): this {
    if (value !== undefined && !isFiasDate(value)) throw invalid(id, value);
    return this.text(id, value);
  }

  time(id: string, value: string | undefined): this {
    if (value !== undefined && !isFiasTime(value)) throw invalid(id, value);
    return this.text(id, value);
  }

  integer(id: string, value: number | undefined): this {
    if (value !== undefined && (!Number.isSafeInteger(value) || value < 0)) throw invalid(id, String(value));
    return this.text(id, value === undefined ? undefined : String(value));
  }

  yesNo(id: string, value: boolean | undefined): this {
    return this.text(id, value === undefined ? undefined : value ? 'Y' : 'N');
  }

  /** A field with no value whose presence is the information (e.g. `SF` swap flag). */
  flag(id: string, present: boolean | undefined): this {
    return present ? this.text(id, '') : this;
  }

  build(): FiasRecord {
    return { id: this.recordId, fields: [...this.fields] };
  }
}
