import { InvalidBillError, Money, Quantity } from '@bridge/core';
import { aBill, at } from '../testing/fixtures';
import { billToDomain, billToEntity } from './bill.mapper';
import { CorruptColumnError } from './json-columns';

describe('bill mapper', () => {
  it('round-trips a bill with every optional field set', () => {
    const bill = aBill({
      roomNumber: '2781',
      guestName: 'Ivanov',
      guestEmail: 'i@example.ru',
      closedAt: at(9_000),
      status: 'closed',
    });

    const sut = billToDomain(billToEntity(bill));

    expect(sut).toEqual(bill);
    expect(sut.lines[0].quantity).toBeInstanceOf(Quantity);
    expect(sut.total).toBeInstanceOf(Money);
  });

  it('round-trips a bill without optional fields and stores them as NULL', () => {
    const bill = aBill({
      tableCode: undefined,
      lines: [],
      total: Money.zero('RUB'),
      amountDue: Money.zero('RUB'),
    });

    const entity = billToEntity(bill);
    const sut = billToDomain(entity);

    expect(entity).toMatchObject({
      tableCode: null,
      roomNumber: null,
      guestName: null,
      guestEmail: null,
      closedAt: null,
    });
    expect(sut).toEqual(bill);
    expect(Object.keys(sut.lines)).toHaveLength(0);
  });

  it('stores quantities as integer thousandths and totals as minor units', () => {
    const entity = billToEntity(aBill());

    expect(JSON.parse(entity.lines)).toEqual([
      { lineId: 'l1', sku: '101', name: 'Борщ', quantityMilli: 1500, totalMinor: 45_000 },
      {
        lineId: 'l2',
        sku: '202',
        name: 'Чай',
        quantityMilli: 2000,
        totalMinor: 12_050,
        vatCode: 'RUS_VAT10',
      },
    ]);
    expect(entity).toMatchObject({
      totalMinor: 57_050,
      paidMinor: 0,
      amountDueMinor: 57_050,
      currency: 'RUB',
    });
  });

  it('refuses a line in another currency than the bill', () => {
    const bill = aBill();
    bill.lines[0] = { ...bill.lines[0], total: Money.of(100, 'USD') };

    expect(() => billToEntity(bill)).toThrow(InvalidBillError);
  });

  it('reports a corrupt lines column instead of guessing', () => {
    const entity = billToEntity(aBill());
    entity.lines = '[{"lineId":"l1"}]';

    expect(() => billToDomain(entity)).toThrow(CorruptColumnError);
    entity.lines = 'not json';
    expect(() => billToDomain(entity)).toThrow(/bills\.lines of .* is corrupt/);
  });

  it('reports attributes that are not strings', () => {
    const entity = billToEntity(aBill());
    entity.attributes = '{"visit":42}';

    expect(() => billToDomain(entity)).toThrow(CorruptColumnError);
  });
});
