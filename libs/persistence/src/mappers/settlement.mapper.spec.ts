import { Settlement } from '@bridge/core';
import { aBill, aLink, aPayment, aSettlement, at, rub } from '../testing/fixtures';
import { settlementToDomain, settlementToEntity } from './settlement.mapper';

describe('settlement mapper', () => {
  const payment = aPayment(aLink(aBill()));

  it('round-trips a settlement with every optional field set', () => {
    const settlement = aSettlement(payment, {
      status: 'needs_attention',
      attempts: 3,
      mode: 'prepayment',
      appliedAmount: rub(40_000),
      externalRef: 'rk-77',
      lastError: { code: 'POS.LOCKED', message: 'Order is being edited' },
      attentionReason: 'attempts_exhausted',
      leaseOwner: 'worker-1',
      leaseExpiresAt: at(60_000),
      sentAt: at(7_000),
      appliedAt: at(8_000),
      resolutionNote: 'checked at the till',
      resolvedBy: 'anna',
      version: 5,
    });

    const sut = settlementToDomain(settlementToEntity(settlement));

    expect(sut).toBeInstanceOf(Settlement);
    expect(sut).toEqual(settlement);
  });

  it('round-trips a fresh settlement and writes absent fields as NULL', () => {
    const settlement = aSettlement(payment);

    const entity = settlementToEntity(settlement);

    expect(entity).toMatchObject({
      mode: null,
      appliedAmountMinor: null,
      externalRef: null,
      lastErrorCode: null,
      lastErrorMessage: null,
      attentionReason: null,
      leaseOwner: null,
      leaseExpiresAt: null,
      sentAt: null,
      appliedAt: null,
      resolutionNote: null,
      resolvedBy: null,
    });
    expect(settlementToDomain(entity)).toEqual(settlement);
  });

  it('keeps the domain behaviour of a mapped settlement', () => {
    const sut = settlementToDomain(settlementToEntity(aSettlement(payment, { sentAt: at(1) })));

    sut.claim('worker-2', 30_000, at(10_000));

    expect(sut.mustReadBack()).toBe(true);
    expect(sut).toMatchObject({
      status: 'in_flight',
      attempts: 1,
      leaseOwner: 'worker-2',
      leaseExpiresAt: at(40_000),
    });
  });
});
