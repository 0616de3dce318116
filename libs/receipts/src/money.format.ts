import { Money, minorDigits } from '@bridge/core';

export type MoneyLocale = 'ru' | 'en';

const NBSP = '\u00a0';

// U+00A0 keeps an amount on one line, as Intl.NumberFormat does. Negatives are formatted (refunds on the
// dashboard); the slip refuses them.
export function formatMoney(money: Money, locale: MoneyLocale = 'ru'): string {
  const digits = minorDigits(money.currency);
  const magnitude = Math.abs(money.minor)
    .toString()
    .padStart(digits + 1, '0');
  const whole = magnitude.slice(0, magnitude.length - digits);
  const fraction = magnitude.slice(magnitude.length - digits);
  const sign = money.minor < 0 ? '-' : '';
  if (locale === 'ru') {
    const number = joinNumber(groupThousands(whole, NBSP), ',', fraction);
    const symbol = money.currency === 'RUB' ? '₽' : money.currency;
    return `${sign}${number}${NBSP}${symbol}`;
  }
  return `${sign}${money.currency}${NBSP}${joinNumber(groupThousands(whole, ','), '.', fraction)}`;
}

function groupThousands(whole: string, separator: string): string {
  const groups: string[] = [];
  for (let end = whole.length; end > 0; end -= 3) groups.unshift(whole.slice(Math.max(0, end - 3), end));
  return groups.join(separator);
}

function joinNumber(whole: string, decimalSeparator: string, fraction: string): string {
  return fraction.length > 0 ? `${whole}${decimalSeparator}${fraction}` : whole;
}
