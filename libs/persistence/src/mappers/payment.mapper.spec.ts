import { CurrencyMismatchError, Money, Payment } from '@bridge/core';
import { aBill, aLink, aPayment, rub } from '../testing/fixtures';
import { paymentToDomain, paymentToEntity } from './payment.mapper';

describe('payment mapper', () => {
  const link = aLink(aBill(), { providerOrderId: 'ibox-7' });

  it('round-trips a payment with an excess being refunded', () => {
    const payment = aPayment(link, {
      status: 'refund_pending',
      excess: rub(5_000),
      excessStatus: 'refund_pending',
      refundedAmount: rub(100),
      channel: 'websocket',
    });

    const sut = paymentToDomain(paymentToEntity(payment));

    expect(sut).toBeInstanceOf(Payment);
    expect(sut).toEqual(payment);
  });

  it('round-trips a payment without paidAt', () => {
    const payment = aPayment(link, { paidAt: undefined });

    const entity = paymentToEntity(payment);

    expect(entity.paidAt).toBeNull();
    expect(paymentToDomain(entity)).toEqual(payment);
  });

  it('refuses amounts of one payment in different currencies', () => {
    const payment = aPayment(link, { excess: Money.of(1, 'USD') });

    expect(() => paymentToEntity(payment)).toThrow(CurrencyMismatchError);
  });
});
