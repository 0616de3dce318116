import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Money, NotificationOutcome, NotificationRejectedError } from '@bridge/core';
import { InvoiceboxClient } from './invoicebox.client';
import { InvoiceboxPaymentProvider } from './invoicebox.payment-provider';
import { signBody } from './invoicebox.signature';
import { TEST_NOTIFICATION_ID } from './notification.parser';

const rawBody = readFileSync(join(__dirname, '__fixtures__', 'sdk-payment-notification.body'));
const SIGNATURE = '4731e2fb446ba519fd9d8798a1a0873f073189e8';
const KEY = 'test';

const sut = new InvoiceboxPaymentProvider({
  client: new InvoiceboxClient({ token: 'unused', appVersion: '0', baseUrl: 'http://127.0.0.1:9' }),
  merchantId: 'ffffffff-ffff-ffff-ffff-ffffffffffff',
  notificationKey: KEY,
});

const rejection = (body: Buffer, headers: Record<string, string | string[]>): string => {
  try {
    sut.verifyNotification(body, headers);
  } catch (error) {
    if (error instanceof NotificationRejectedError) return error.reason;
    throw error;
  }
  return 'accepted';
};

describe('InvoiceboxPaymentProvider notifications', () => {
  it('verifies the published vector over its raw bytes and maps it to the core notification', () => {
    const notification = sut.verifyNotification(rawBody, { 'X-Signature': SIGNATURE });

    expect(notification).toEqual({
      providerOrderId: '0188d934-85f8-f872-2ac6-ad202d71b985',
      merchantOrderId: '55626',
      merchantId: 'ffffffff-ffff-ffff-ffff-ffffffffffff',
      status: 'other',
      rawStatus: 'success',
      amount: Money.of(279067, 'RUB'),
      isTest: false,
    });
  });

  it('rejects both negative vectors, a missing or doubled header as a signature problem', () => {
    const reserialised = Buffer.from(JSON.stringify(JSON.parse(rawBody.toString('utf8'))), 'utf8');

    expect(rejection(reserialised, { 'x-signature': SIGNATURE })).toBe('signature');
    expect(rejection(rawBody, { 'x-signature': 'a3767ef5450d041c97a23eb1e0e6b283767e5dae' })).toBe(
      'signature',
    );
    expect(rejection(rawBody, {})).toBe('signature');
    expect(rejection(rawBody, { 'x-signature': [SIGNATURE, SIGNATURE] })).toBe('signature');
  });

  it('calls a genuinely signed body it cannot read malformed, not a signature failure', () => {
    const notJson = Buffer.from('status=completed', 'utf8');
    const noAmount = Buffer.from(JSON.stringify({ id: 'x', status: 'completed', merchantId: 'm' }), 'utf8');

    expect(rejection(notJson, { 'x-signature': signBody(notJson, KEY) })).toBe('malformed');
    expect(rejection(noAmount, { 'x-signature': signBody(noAmount, KEY) })).toBe('malformed');
  });

  it('recognises the monitoring notification and maps the documented statuses', () => {
    const body = (id: string, status: string, merchantOrderId = 'cafe-1:o:v1:1') =>
      Buffer.from(
        JSON.stringify({ id, status, merchantId: 'm', merchantOrderId, amount: 1, currencyId: 'RUB' }),
        'utf8',
      );
    const verify = (raw: Buffer) => sut.verifyNotification(raw, { 'x-signature': signBody(raw, KEY) });

    expect(verify(body(TEST_NOTIFICATION_ID, 'completed', '')).isTest).toBe(true);
    expect(
      ['created', 'completed', 'canceled', 'cancelled', 'expired', 'hold'].map(
        (s) => verify(body('o', s)).status,
      ),
    ).toEqual(['created', 'completed', 'canceled', 'canceled', 'expired', 'other']);
  });

  it('answers every core outcome with HTTP 200 and the documented code', () => {
    const outcomes: NotificationOutcome[] = [
      { kind: 'accepted' },
      { kind: 'duplicate' },
      { kind: 'test' },
      { kind: 'rejected', reason: 'signature', message: 'bad' },
      { kind: 'rejected', reason: 'malformed', message: 'bad' },
      { kind: 'rejected', reason: 'unknown_order', message: 'bad' },
      { kind: 'rejected', reason: 'merchant_mismatch', message: 'bad' },
      { kind: 'rejected', reason: 'amount_mismatch', message: 'bad' },
      { kind: 'rejected', reason: 'currency_mismatch', message: 'bad' },
      { kind: 'failed', message: 'later' },
    ];
    const replies = outcomes.map((outcome) => sut.formatNotificationReply(outcome));

    expect(replies.every((reply) => reply.httpStatus === 200)).toBe(true);
    expect(replies.map((reply) => reply.body)).toEqual([
      { status: 'success' },
      { status: 'success' },
      { status: 'success' },
      { status: 'error', code: 'signature_error', message: 'bad' },
      { status: 'error', code: 'out_of_service', message: 'bad' },
      { status: 'error', code: 'order_not_found', message: 'bad' },
      { status: 'error', code: 'order_not_found', message: 'bad' },
      { status: 'error', code: 'order_wrong_amount', message: 'bad' },
      { status: 'error', code: 'order_wrong_amount', message: 'bad' },
      { status: 'error', code: 'out_of_service', message: 'later' },
    ]);
  });
});
