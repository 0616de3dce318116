import { EventEntity } from '../entities/event.entity';
import { T0 } from '../testing/fixtures';
import { eventToDomain, eventToRow } from './event.mapper';

describe('event mapper', () => {
  it('round-trips an event with every reference', () => {
    const event = {
      at: T0,
      siteId: 'cafe-1',
      type: 'payment.confirmed',
      billId: 'b1',
      linkId: 'l1',
      paymentId: 'p1',
      settlementId: 's1',
      data: { amount: { amount: 100, currency: 'RUB' }, nested: [1, 'two', null] },
    };

    const sut = eventToDomain(Object.assign(new EventEntity(), eventToRow(event), { id: 17 }));

    expect(sut).toEqual({ ...event, id: 17 });
  });

  it('round-trips an event without references and leaves them out', () => {
    const event = { at: T0, siteId: 'cafe-1', type: 'site.synced', data: {} };

    const row = eventToRow(event);
    const sut = eventToDomain(Object.assign(new EventEntity(), row, { id: 1 }));

    expect(row).toMatchObject({
      billId: null,
      linkId: null,
      paymentId: null,
      settlementId: null,
      data: '{}',
    });
    expect(sut).toStrictEqual({ ...event, id: 1 });
  });
});
