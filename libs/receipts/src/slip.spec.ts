import { Money } from '@bridge/core';
import { formatSlipDateTime, layoutPaymentSlip, wrapText } from './slip';

describe('layoutPaymentSlip', () => {
  it('lays out venue, label, amount, instructions, QR, URL, expiry and a cut', () => {
    const blocks = layoutPaymentSlip(
      {
        venueName: '  Cafe   on Nevsky ',
        label: 'Table 5',
        amount: Money.of(5, 'RUB'),
        paymentUrl: 'https://pay.example.ru/o/1',
        expiresAt: new Date('2025-01-31T21:05:00Z'),
      },
      { locale: 'en', timeZone: 'Asia/Yekaterinburg' },
    );
    const summary = blocks.map((block) => (block.kind === 'text' ? block.text : block.kind));
    expect(summary).toEqual([
      'Cafe on Nevsky',
      'Table 5',
      'RUB\u00a00.05',
      'feed',
      'Отсканируйте QR-код камерой телефона, чтобы оплатить счёт',
      'Scan the QR code with your phone camera to pay',
      'feed',
      'qr',
      'feed',
      'https://pay.example.ru/o/1',
      'feed',
      'Оплатить до 01.02.2025 02:05',
      'Pay by 01.02.2025 02:05',
      'cut',
    ]);
    expect(blocks[7]).toEqual({ kind: 'qr', payload: 'https://pay.example.ru/o/1' });
  });
});

describe('formatSlipDateTime', () => {
  it('uses the site time zone and a 24-hour clock', () => {
    expect(formatSlipDateTime(new Date('2025-03-12T21:00:00Z'), 'Europe/Moscow')).toBe('13.03.2025 00:00');
    expect(formatSlipDateTime(new Date('2025-03-12T21:00:00Z'), 'UTC')).toBe('12.03.2025 21:00');
  });
});

describe('wrapText', () => {
  it.each([
    ['one two three', 7, ['one two', 'three']],
    ['abcdefghij', 4, ['abcd', 'efgh', 'ij']],
    ['a abcdefghij b', 4, ['a', 'abcd', 'efgh', 'ij b']],
    ['', 10, ['']],
  ])('wraps "%s" at %d columns', (text, columns, lines) => {
    expect(wrapText(text, columns)).toEqual(lines);
  });
});
