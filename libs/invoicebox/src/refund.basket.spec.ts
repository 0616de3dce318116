import { Money } from '@bridge/core';
import { validateBasketArithmetic } from './basket.arithmetic';
import { InvoiceboxBasketError } from './invoicebox.errors';
import { buildRefundBasket } from './refund.basket';
import { RefundableBasketItem } from './wire/basket-item.wire';

const rub = (minor: number): Money => Money.of(minor, 'RUB');
const item = (
  sku: string,
  quantity: number,
  amount: number,
  total: number,
  vat: number,
): RefundableBasketItem => ({
  sku,
  name: sku,
  measure: 'шт',
  measureCode: '796',
  quantity,
  amount,
  amountWoVat: Math.round((amount / 1.2) * 100) / 100,
  totalAmount: total,
  totalVatAmount: vat,
  vatCode: 'RUS_VAT20',
  type: 'service',
  paymentType: 'full_payment',
  availableAmount: total,
  availableVatAmount: vat,
});
const order = [item('borsch', 2, 450, 900, 150), item('tea', 1, 150.5, 150.5, 25.08)];
const sum = (lines: { totalAmount: number }[]): number =>
  lines.reduce((s, l) => s + Math.round(l.totalAmount * 100), 0);

describe('buildRefundBasket', () => {
  it('gives back everything when asked for all that is refundable', () => {
    const basket = buildRefundBasket(order, rub(105050));

    expect(basket.map((l) => [l.sku, l.quantity, l.totalAmount])).toEqual([
      ['borsch', 2, 900],
      ['tea', 1, 150.5],
    ]);
  });

  it('spreads a partial refund over the lines with proportional quantities that the server arithmetic accepts', () => {
    const basket = buildRefundBasket(order, rub(15050));

    expect(sum(basket)).toBe(15050);
    expect(basket.map((l) => [l.sku, l.quantity])).toEqual([
      ['borsch', 0.287],
      ['tea', 0.144],
    ]);
    expect(
      validateBasketArithmetic({
        amount: sum(basket) / 100,
        vatAmount: basket.reduce((s, l) => s + Math.round(l.totalVatAmount * 100), 0) / 100,
        basketItems: basket,
      }),
    ).toEqual([]);
  });

  it('never gives back more of a line than it has left', () => {
    const partlyRefunded = [{ ...order[0], quantity: 0.5, availableAmount: 899.99 }];
    const basket = buildRefundBasket(partlyRefunded, rub(89998));

    expect(basket.every((l) => l.quantity <= 0.5)).toBe(true);
    expect(sum(basket)).toBe(89998);
  });

  it('refuses more than is refundable, nothing at all, and a line with an unknown VAT code', () => {
    expect(() => buildRefundBasket(order, rub(105051))).toThrow(InvoiceboxBasketError);
    expect(() => buildRefundBasket(order, rub(0))).toThrow(InvoiceboxBasketError);
    expect(() => buildRefundBasket([{ ...order[1], vatCode: 'RUS_VAT18' }], rub(100))).toThrow(
      InvoiceboxBasketError,
    );
  });
});
