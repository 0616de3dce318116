import { PaymentLink } from '@bridge/core';
import { aBill, aLink, at, rub } from '../testing/fixtures';
import { paymentLinkToDomain, paymentLinkToEntity } from './payment-link.mapper';

describe('payment link mapper', () => {
  it('round-trips an active link', () => {
    const link = aLink(aBill(), {
      status: 'active',
      providerOrderId: 'ibox-1',
      paymentUrl: 'https://pay.example/1',
      statusReason: 'recovered',
      amount: rub(123_45),
      updatedAt: at(2_000),
    });

    const sut = paymentLinkToDomain(paymentLinkToEntity(link));

    expect(sut).toBeInstanceOf(PaymentLink);
    expect(sut).toEqual(link);
    expect(sut.isUsable(at(0))).toBe(true);
  });

  it('round-trips a creating link and writes absent fields as NULL', () => {
    const link = aLink(aBill());

    const entity = paymentLinkToEntity(link);

    expect(entity).toMatchObject({ providerOrderId: null, paymentUrl: null, statusReason: null });
    expect(entity.lastPolledAt).toBeUndefined();
    expect(paymentLinkToDomain(entity)).toEqual(link);
  });
});
