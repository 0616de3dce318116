import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { NotificationMalformedError } from './invoicebox.errors';
import { formatNotificationReply, parseNotification, parseNotificationPayload } from './notification.parser';

const sdkBody = readFileSync(join(__dirname, '__fixtures__', 'sdk-payment-notification.body'));

/** §8.5, the WebSocket example: `fileIds` is `{}` there. */
const wsPayload = {
  id: '01823fda-667f-6ddb-02a3-c4b7a7b5a3ac',
  description: 'Описание заказа',
  currencyId: 'RUB',
  amount: 1487.52,
  vatAmount: 247.92,
  basketItems: [],
  merchantId: '0302756d-9d83-60c9-0356-c228562c7581',
  status: 'completed',
  subtype: 'order',
  createdAt: '2023-07-27T13:30:53+00:00',
  merchantOrderId: '1658928653',
  expirationDate: '2023-07-29T00:00:00+00:00',
  metaData: { '@type': 'LodgingReservation', name: 'park inn' },
  fileIds: {},
};

describe('parseNotification', () => {
  it('parses the signed SDK example into kopecks and keeps its odd status as is', () => {
    const sut = parseNotification(sdkBody);

    expect(sut).toMatchObject({
      id: '0188d934-85f8-f872-2ac6-ad202d71b985',
      status: 'success',
      merchantId: 'ffffffff-ffff-ffff-ffff-ffffffffffff',
      merchantOrderId: '55626',
      currency: 'RUB',
      isTest: false,
    });
    expect(sut.amount.minor).toBe(279067);
    expect(sut.wire.fileIds).toEqual([]);
    expect(sut.wire.customer?.type).toBe('legal');
  });

  it('accepts `fileIds` as an object and reads paidAt as a date', () => {
    const sut = parseNotificationPayload({ ...wsPayload, paidAt: '2023-07-27T13:35:00+03:00' });

    expect(sut.amount.minor).toBe(148752);
    expect(sut.wire.fileIds).toEqual([]);
    expect(sut.paidAt?.toISOString()).toBe('2023-07-27T10:35:00.000Z');
  });

  it('recognises the monitoring notification, which has an empty merchantOrderId', () => {
    const sut = parseNotificationPayload({
      ...wsPayload,
      id: 'ffffffff-ffff-ffff-ffff-ffffffffffff',
      merchantOrderId: '',
    });

    expect(sut.isTest).toBe(true);
    expect(sut.merchantOrderId).toBe('');
  });

  it.each([
    ['not JSON', Buffer.from('{"id":')],
    ['an array', Buffer.from('[]')],
    ['amount as text', Buffer.from(JSON.stringify({ ...wsPayload, amount: '1487.52' }))],
    ['no merchantId', Buffer.from(JSON.stringify({ ...wsPayload, merchantId: undefined }))],
    ['an unknown currency', Buffer.from(JSON.stringify({ ...wsPayload, currencyId: 'XXX' }))],
    ['no merchantOrderId', Buffer.from(JSON.stringify({ ...wsPayload, merchantOrderId: '' }))],
    ['a paidAt that is not a date', Buffer.from(JSON.stringify({ ...wsPayload, paidAt: 'yesterday' }))],
    ['fileIds as a string', Buffer.from(JSON.stringify({ ...wsPayload, fileIds: 'none' }))],
  ])('rejects a body with %s as NotificationMalformedError', (_label, body) => {
    expect(() => parseNotification(body)).toThrow(NotificationMalformedError);
  });
});

describe('formatNotificationReply', () => {
  it('produces the documented bodies', () => {
    expect(formatNotificationReply({ status: 'success' })).toEqual({ status: 'success' });
    expect(
      formatNotificationReply({ status: 'error', code: 'order_wrong_amount', message: 'Expected 100.00' }),
    ).toEqual({
      status: 'error',
      code: 'order_wrong_amount',
      message: 'Expected 100.00',
    });
    expect(JSON.stringify(formatNotificationReply({ status: 'error', code: 'signature_error' }))).toBe(
      '{"status":"error","code":"signature_error"}',
    );
  });

  it('caps the message at 500 characters', () => {
    const reply = formatNotificationReply({
      status: 'error',
      code: 'out_of_service',
      message: 'я'.repeat(600),
    });

    expect(reply.status === 'error' && Array.from(reply.message ?? '').length).toBe(500);
  });
});
