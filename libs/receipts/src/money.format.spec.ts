import fc from 'fast-check';
import { Money } from '@bridge/core';
import { formatMoney } from './money.format';

const nbsp = (text: string): string => text.replace(/ /g, '\u00a0');

describe('formatMoney', () => {
  it.each([
    [5, 'ru', '0,05 ₽'],
    [0, 'ru', '0,00 ₽'],
    [123456, 'ru', '1 234,56 ₽'],
    [99999, 'ru', '999,99 ₽'],
    [100000000, 'ru', '1 000 000,00 ₽'],
    [5, 'en', 'RUB 0.05'],
    [123456, 'en', 'RUB 1,234.56'],
    [100000000, 'en', 'RUB 1,000,000.00'],
    [-123456, 'ru', '-1 234,56 ₽'],
    [-5, 'en', '-RUB 0.05'],
  ] as const)('formats %d kopecks for %s as "%s"', (minor, locale, expected) => {
    expect(formatMoney(Money.of(minor, 'RUB'), locale)).toBe(nbsp(expected));
  });

  it('prints other currencies by their ISO code', () => {
    expect(formatMoney(Money.of(123456, 'USD'), 'ru')).toBe(nbsp('1 234,56 USD'));
    expect(formatMoney(Money.of(123456, 'EUR'), 'en')).toBe(nbsp('EUR 1,234.56'));
  });

  it('matches Intl.NumberFormat for any amount up to a hundred billion roubles', () => {
    const ru = new Intl.NumberFormat('ru-RU', { style: 'currency', currency: 'RUB' });
    const en = new Intl.NumberFormat('en-US', {
      style: 'currency',
      currency: 'RUB',
      currencyDisplay: 'code',
    });
    fc.assert(
      fc.property(fc.integer({ min: -1e13, max: 1e13 }), (minor) => {
        const money = Money.of(minor, 'RUB');
        expect(formatMoney(money, 'ru')).toBe(ru.format(money.toMajorNumber()));
        expect(formatMoney(money, 'en')).toBe(en.format(money.toMajorNumber()));
      }),
      { numRuns: 2000 },
    );
  });
});
