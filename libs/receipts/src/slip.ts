import { Money } from '@bridge/core';
import { MoneyLocale, formatMoney } from './money.format';
import { assertQrPayload } from './qr.renderer';
import { InvalidReceiptOptionsError, InvalidSlipError } from './receipts.errors';

export interface PaymentSlip {
  venueName: string;
  /** Already localised by the caller: "Стол 5", "Table 5", "Room 2781". */
  label: string;
  amount: Money;
  paymentUrl: string;
  expiresAt: Date;
}

export interface SlipOptions {
  locale?: MoneyLocale;
  timeZone?: string;
}

export const SLIP_TEXT = {
  instruction: {
    ru: 'Отсканируйте QR-код камерой телефона, чтобы оплатить счёт',
    en: 'Scan the QR code with your phone camera to pay',
  },
  payBy: { ru: 'Оплатить до', en: 'Pay by' },
} as const;

export type SlipAlign = 'left' | 'center' | 'right';

export type SlipBlock =
  | {
      kind: 'text';
      text: string;
      align: SlipAlign;
      bold: boolean;
      scale: 1 | 2;
      font: 'A' | 'B';
      /** `none` leaves wrapping to the printer, which breaks at the paper edge (right for a URL). */
      wrap: 'word' | 'none';
    }
  | { kind: 'qr'; payload: string }
  | { kind: 'feed'; lines: number }
  | { kind: 'cut' };

type TextBlock = Extract<SlipBlock, { kind: 'text' }>;

const CONTROL_CHARACTERS = /\p{Cc}+/gu;

export function layoutPaymentSlip(slip: PaymentSlip, options: SlipOptions = {}): SlipBlock[] {
  const venueName = printableLine(slip.venueName, 'venueName');
  const label = printableLine(slip.label, 'label');
  if (!slip.amount.isPositive()) {
    throw new InvalidSlipError('A payment slip needs a positive amount', {
      metadata: { minor: slip.amount.minor, currency: slip.amount.currency },
    });
  }
  assertQrPayload(slip.paymentUrl);
  const expiresAt = formatSlipDateTime(slip.expiresAt, options.timeZone ?? 'Europe/Moscow');
  const center = (text: string, style: Partial<TextBlock> = {}): TextBlock => ({
    kind: 'text',
    text,
    align: 'center',
    bold: false,
    scale: 1,
    font: 'A',
    wrap: 'word',
    ...style,
  });
  return [
    center(venueName, { bold: true, scale: 2 }),
    center(label, { scale: 2 }),
    center(formatMoney(slip.amount, options.locale ?? 'ru'), { bold: true, scale: 2 }),
    { kind: 'feed', lines: 1 },
    center(SLIP_TEXT.instruction.ru),
    center(SLIP_TEXT.instruction.en),
    { kind: 'feed', lines: 1 },
    { kind: 'qr', payload: slip.paymentUrl },
    { kind: 'feed', lines: 1 },
    center(slip.paymentUrl, { font: 'B', wrap: 'none' }),
    { kind: 'feed', lines: 1 },
    center(`${SLIP_TEXT.payBy.ru} ${expiresAt}`),
    center(`${SLIP_TEXT.payBy.en} ${expiresAt}`),
    { kind: 'cut' },
  ];
}

export function formatSlipDateTime(date: Date, timeZone: string): string {
  if (Number.isNaN(date.getTime())) throw new InvalidSlipError('The slip expiry is not a valid date');
  let format: Intl.DateTimeFormat;
  try {
    format = new Intl.DateTimeFormat('en-GB', {
      timeZone,
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      hourCycle: 'h23',
    });
  } catch (error) {
    throw new InvalidReceiptOptionsError(`Unknown time zone "${timeZone}"`, { cause: error });
  }
  const parts = format.formatToParts(date);
  const part = (type: Intl.DateTimeFormatPartTypes): string =>
    parts.find((p) => p.type === type)?.value ?? '';
  return `${part('day')}.${part('month')}.${part('year')} ${part('hour')}:${part('minute')}`;
}

export function wrapText(text: string, columns: number): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(' ').filter((w) => w.length > 0)) {
    let rest = word;
    while (rest.length > columns) {
      if (line) lines.push(line);
      lines.push(rest.slice(0, columns));
      line = '';
      rest = rest.slice(columns);
    }
    if (!line) line = rest;
    else if (line.length + 1 + rest.length <= columns) line = `${line} ${rest}`;
    else {
      lines.push(line);
      line = rest;
    }
  }
  if (line || lines.length === 0) lines.push(line);
  return lines;
}

function printableLine(value: string, field: string): string {
  const text = value.replace(CONTROL_CHARACTERS, ' ').replace(/\s+/gu, ' ').trim();
  if (!text) throw new InvalidSlipError(`The slip ${field} is empty`, { metadata: { field } });
  return text;
}
