import { InvalidMoneyError, Money, parseScaledDecimal } from '@bridge/core';
import { ApiError, FieldError, isJsonObject, wrongValue } from './wire';
import { BasketItemWire, Json, JsonObject } from './types';

export const CURRENCIES: readonly string[] = ['RUB', 'CNY', 'UZS', 'EUR', 'GBP', 'USD'];
export const LANGUAGES: readonly string[] = ['ru', 'en'];
const PAYMENT_TYPES: readonly string[] = ['full_prepayment', 'prepayment', 'advance', 'full_payment'];
const CATEGORY_TYPES: readonly string[] = ['merchantHonestSignMap', 'honestSign'];

interface VatRule {
  rate: bigint;
}

// `_ADDED` lines are checked like the VAT-included code of the same rate, as the official MCP client's
// validator does: the line total is what the payer pays (docs/decisions/invoicebox-vat-added.md).
const VAT_CODES: ReadonlyMap<string, VatRule> = new Map<string, VatRule>([
  ['VATNONE', { rate: 0n }],
  ['RUS_VAT0', { rate: 0n }],
  ...[5n, 7n, 10n, 20n, 22n].flatMap((rate): [string, VatRule][] => [
    [`RUS_VAT${rate}`, { rate }],
    [`RUS_VAT${rate}_ADDED`, { rate }],
  ]),
]);

export interface ExactDecimal {
  units: bigint;
  scale: number;
}

export interface LineRecord {
  echo: JsonObject;
  quantity: number;
  quantityExact: ExactDecimal;
  amount: number;
  amountWoVat: number;
  totalAmount: number;
  totalVatAmount: number;
  vatCode: string;
  sku: string;
}

const LINE_KEYS = [
  'sku',
  'name',
  'groupName',
  'measure',
  'measureCode',
  'originCountry',
  'originCountryCode',
  'grossWeight',
  'netWeight',
  'quantity',
  'amount',
  'amountWoVat',
  'totalAmount',
  'totalVatAmount',
  'excise',
  'vatCode',
  'type',
  'serviceDate',
  'paymentType',
  'categoryType',
  'category',
  'metaData',
] as const;

const MONEY_KEYS = ['amount', 'amountWoVat', 'totalAmount', 'totalVatAmount'] as const;
type MoneyKey = (typeof MONEY_KEYS)[number];

/** The exact decimal a JSON number denotes (its shortest form), so 0.1 is 1/10 and not a binary fraction. */
export function exactDecimal(value: number): ExactDecimal | null {
  const text = String(value);
  const match = /^(\d+)(?:\.(\d+))?(?:e([+-]?\d+))?$/i.exec(text);
  if (!match) return null;
  const scale = Math.max(0, (match[2]?.length ?? 0) - Number(match[3] ?? '0'));
  return { units: parseScaledDecimal(text, scale), scale };
}

export function compareExact(a: ExactDecimal, b: ExactDecimal): number {
  const scale = Math.max(a.scale, b.scale);
  const left = a.units * 10n ** BigInt(scale - a.scale);
  const right = b.units * 10n ** BigInt(scale - b.scale);
  return left === right ? 0 : left < right ? -1 : 1;
}

export function addExact(a: ExactDecimal, b: ExactDecimal, sign: 1n | -1n = 1n): ExactDecimal {
  const scale = Math.max(a.scale, b.scale);
  return {
    units: a.units * 10n ** BigInt(scale - a.scale) + sign * b.units * 10n ** BigInt(scale - b.scale),
    scale,
  };
}

export function exactToNumber(value: ExactDecimal): number {
  const text = value.units.toString().padStart(value.scale + 1, '0');
  return Number(value.scale === 0 ? text : `${text.slice(0, -value.scale)}.${text.slice(-value.scale)}`);
}

export function toMajor(minor: number, currency: string): number {
  return Money.of(minor, CURRENCIES.includes(currency) ? currency : 'RUB').toMajorNumber();
}

export class FieldReader {
  constructor(
    private readonly source: JsonObject,
    readonly errors: FieldError[],
    private readonly prefix = '',
  ) {}

  path(key: string): string {
    return this.prefix ? `${this.prefix}.${key}` : key;
  }

  has(key: string): boolean {
    return this.source[key] !== undefined && this.source[key] !== null;
  }

  string(key: string, max: number, required: boolean): string | undefined {
    const value = this.source[key];
    if (value === undefined || value === null) {
      if (required) this.errors.push(wrongValue(this.path(key), 'This value should not be blank.'));
      return undefined;
    }
    if (typeof value !== 'string') {
      this.errors.push(wrongValue(this.path(key), 'This value should be of type string.'));
      return undefined;
    }
    if (required && value.trim() === '') {
      this.errors.push(wrongValue(this.path(key), 'This value should not be blank.'));
      return undefined;
    }
    if ([...value].length > max) {
      this.errors.push(
        wrongValue(this.path(key), `This value is too long. It should have ${max} characters or less.`),
      );
      return undefined;
    }
    return value;
  }

  oneOf(key: string, allowed: readonly string[], required: boolean): string | undefined {
    const value = this.string(key, 100, required);
    if (value === undefined) return undefined;
    if (!allowed.includes(value)) {
      this.errors.push(wrongValue(this.path(key), `The value you selected is not a valid choice.`));
      return undefined;
    }
    return value;
  }

  money(key: string, required: boolean): number | undefined {
    const value = this.source[key];
    if (value === undefined || value === null) {
      if (required) this.errors.push(wrongValue(this.path(key), 'This value should not be blank.'));
      return undefined;
    }
    if (typeof value !== 'number' || !Number.isFinite(value)) {
      this.errors.push(wrongValue(this.path(key), 'This value should be of type float.'));
      return undefined;
    }
    try {
      const down = Money.fromMajor(value, 'RUB', 'floor');
      if (!down.equals(Money.fromMajor(value, 'RUB', 'ceil'))) {
        this.errors.push(wrongValue(this.path(key), 'This value should have at most 2 decimal places.'));
        return undefined;
      }
      if (down.isNegative()) {
        this.errors.push(wrongValue(this.path(key), 'This value should be either positive or zero.'));
        return undefined;
      }
      return down.minor;
    } catch (error) {
      if (!(error instanceof InvalidMoneyError)) throw error;
      this.errors.push(wrongValue(this.path(key), 'This value is out of range.'));
      return undefined;
    }
  }

  number(key: string, required: boolean, positive: boolean): number | undefined {
    const value = this.source[key];
    if (value === undefined || value === null) {
      if (required) this.errors.push(wrongValue(this.path(key), 'This value should not be blank.'));
      return undefined;
    }
    if (typeof value !== 'number' || !Number.isFinite(value) || value < 0 || (positive && value === 0)) {
      this.errors.push(
        wrongValue(
          this.path(key),
          positive ? 'This value should be positive.' : 'This value should be a number.',
        ),
      );
      return undefined;
    }
    return value;
  }

  bool(key: string): boolean | undefined {
    const value = this.source[key];
    if (value === undefined || value === null) return undefined;
    if (typeof value !== 'boolean') {
      this.errors.push(wrongValue(this.path(key), 'This value should be of type bool.'));
      return undefined;
    }
    return value;
  }

  object(key: string, required: boolean): JsonObject | undefined {
    const value = this.source[key];
    if (value === undefined || value === null) {
      if (required) this.errors.push(wrongValue(this.path(key), 'This value should not be blank.'));
      return undefined;
    }
    if (!isJsonObject(value)) {
      this.errors.push(wrongValue(this.path(key), 'This value should be of type object.'));
      return undefined;
    }
    return value;
  }
}

export function readBasket(
  value: Json | undefined,
  errors: FieldError[],
  name = 'basketItems',
): LineRecord[] {
  if (value === undefined || value === null) {
    errors.push(wrongValue(name, 'This value should not be blank.'));
    return [];
  }
  if (!Array.isArray(value)) {
    errors.push(wrongValue(name, 'This value should be of type array.'));
    return [];
  }
  if (value.length === 0) {
    errors.push(wrongValue(name, 'This collection should contain 1 element or more.'));
    return [];
  }
  const lines: LineRecord[] = [];
  value.forEach((raw, index) => {
    const line = readLine(raw, `${name}[${index}]`, errors);
    if (line) lines.push(line);
  });
  return lines;
}

function readLine(raw: Json, path: string, errors: FieldError[]): LineRecord | null {
  if (!isJsonObject(raw)) {
    errors.push(wrongValue(path, 'This value should be of type object.'));
    return null;
  }
  const before = errors.length;
  const r = new FieldReader(raw, errors, path);
  const sku = r.string('sku', 500, true);
  r.string('name', 500, true);
  r.string('groupName', 500, false);
  r.string('measure', 10, true);
  r.string('measureCode', 4, true);
  r.string('originCountry', 20, false);
  r.string('originCountryCode', 4, false);
  r.number('grossWeight', false, false);
  r.number('netWeight', false, false);
  r.money('excise', false);
  const quantity = r.number('quantity', true, true);
  const money: Partial<Record<MoneyKey, number>> = {};
  for (const key of MONEY_KEYS) money[key] = r.money(key, true);
  const vatCode = r.oneOf('vatCode', [...VAT_CODES.keys()], true);
  const type = raw['type'];
  if (type === undefined || type === null)
    errors.push(wrongValue(r.path('type'), 'This value should not be blank.'));
  else if (!(
    type === 'service' ||
    type === 'commodity' ||
    (Number.isInteger(type) && Number(type) >= 1 && Number(type) <= 33)
  ))
    errors.push(wrongValue(r.path('type'), 'The value you selected is not a valid choice.'));
  r.oneOf('paymentType', PAYMENT_TYPES, true);
  const serviceDate = r.string('serviceDate', 10, false);
  if (serviceDate !== undefined && !/^\d{4}-\d{2}-\d{2}$/.test(serviceDate))
    errors.push(wrongValue(r.path('serviceDate'), 'This value is not a valid date.'));
  const categoryType = r.oneOf('categoryType', CATEGORY_TYPES, false);
  if (r.string('category', 100, false) !== undefined && categoryType === undefined && !r.has('categoryType'))
    errors.push(wrongValue(r.path('categoryType'), 'This value should not be blank.'));
  r.object('metaData', false);

  const quantityExact = quantity === undefined ? null : exactDecimal(quantity);
  if (quantity !== undefined && !quantityExact)
    errors.push(wrongValue(r.path('quantity'), 'This value is out of range.'));
  if (errors.length > before || !quantityExact || sku === undefined || vatCode === undefined) return null;
  const echo: JsonObject = {};
  for (const key of LINE_KEYS) {
    const value = raw[key];
    if (value !== undefined && value !== null && !(MONEY_KEYS as readonly string[]).includes(key))
      echo[key] = value;
  }
  return {
    echo,
    quantity: quantity ?? 0,
    quantityExact,
    amount: money.amount ?? 0,
    amountWoVat: money.amountWoVat ?? 0,
    totalAmount: money.totalAmount ?? 0,
    totalVatAmount: money.totalVatAmount ?? 0,
    vatCode,
    sku,
  };
}

interface LineRule {
  code: string;
  field: MoneyKey;
  expected: (line: LineRecord, currency: string) => Money;
}

function vatRule(code: string): VatRule {
  const rule = VAT_CODES.get(code);
  if (!rule) throw new Error(`unknown VAT code ${code}`);
  return rule;
}

/* §3.4 of our API reading, strict policy; the order sums are Σ totalAmount and Σ totalVatAmount. */
const LINE_RULES: readonly LineRule[] = [
  {
    code: 'wrong_basket_item_total_amount',
    field: 'totalAmount',
    expected: (line, currency) =>
      Money.of(line.amount, currency).multiplyRatio(
        line.quantityExact.units,
        10n ** BigInt(line.quantityExact.scale),
      ),
  },
  {
    code: 'wrong_basket_item_amount_wo_vat',
    field: 'amountWoVat',
    expected: (line, currency) => {
      const { rate } = vatRule(line.vatCode);
      return Money.of(line.amount, currency).multiplyRatio(100n, 100n + rate);
    },
  },
  {
    code: 'wrong_basket_item_total_vat_amount',
    field: 'totalVatAmount',
    expected: (line, currency) => {
      const { rate } = vatRule(line.vatCode);
      return Money.of(line.totalAmount, currency).multiplyRatio(rate, 100n + rate);
    },
  },
];

const MESSAGES: Record<string, string> = {
  wrong_basket_item_total_amount: 'Basket item total amount is wrong',
  wrong_basket_item_amount_wo_vat: 'Basket item amount without VAT is wrong',
  wrong_basket_item_total_vat_amount: 'Basket item total VAT amount is wrong',
};

/** Throws the first violated rule as a 422, naming every field that breaks that rule. */
export function checkBasketArithmetic(
  lines: readonly LineRecord[],
  amount: number,
  vatAmount: number,
  currency: string,
  name = 'basketItems',
): void {
  try {
    for (const rule of LINE_RULES) {
      const fields: FieldError[] = [];
      lines.forEach((line, index) => {
        const expected = rule.expected(line, currency);
        if (expected.minor !== line[rule.field])
          fields.push(
            wrongValue(`${name}[${index}].${rule.field}`, `Expected ${expected.toDecimalString()}`),
          );
      });
      if (fields.length > 0)
        throw new ApiError(422, rule.code, MESSAGES[rule.code] ?? 'Calculation Error', fields);
    }
    const total = Money.sum(
      lines.map((l) => Money.of(l.totalAmount, currency)),
      currency,
    );
    if (total.minor !== amount)
      throw new ApiError(422, 'wrong_total_amount', 'Calculation Error', [
        wrongValue('amount', `Expected ${total.toDecimalString()}`),
      ]);
    const vat = Money.sum(
      lines.map((l) => Money.of(l.totalVatAmount, currency)),
      currency,
    );
    if (vat.minor !== vatAmount)
      throw new ApiError(422, 'wrong_total_vat_amount', 'Calculation Error', [
        wrongValue('vatAmount', `Expected ${vat.toDecimalString()}`),
      ]);
  } catch (error) {
    if (error instanceof InvalidMoneyError)
      throw new ApiError(422, 'validation', 'Validation error', [wrongValue(name, 'Amount out of range.')]);
    throw error;
  }
}

export function lineToWire(line: LineRecord, currency: string): BasketItemWire {
  const wire: JsonObject = {};
  for (const key of LINE_KEYS) {
    if (key === 'quantity') wire[key] = line.quantity;
    else if ((MONEY_KEYS as readonly string[]).includes(key))
      wire[key] = toMajor(line[key as MoneyKey], currency);
    else if (line.echo[key] !== undefined) wire[key] = line.echo[key];
  }
  return wire as BasketItemWire;
}
