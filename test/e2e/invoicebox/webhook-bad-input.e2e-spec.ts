import { randomUUID } from 'node:crypto';
import { SyncSiteBills } from '@bridge/core';
import { phpJsonEncode, signInvoiceboxNotification } from '@bridge/simulators';
import { DataSource } from 'typeorm';
import { CAFE_MERCHANT, Stack, startStack } from '../../support/stack';
import { api, issuePaymentUrl } from './support';

type Body = Record<string, unknown>;

interface Attempt {
  path?: string;
  body: Buffer;
  headers: Record<string, string>;
}

/**
 * Each bad notification gets the documented answer and leaves every table exactly as it was. The POS is the
 * in-memory one and the scheduler is off, so nothing else writes to the database while the dumps are compared.
 */
describe('Invoicebox webhook: bad input changes nothing', () => {
  let stack: Stack;
  let genuine: Body;

  const sign = (body: Buffer, key = CAFE_MERCHANT.notificationKey): Record<string, string> => ({
    'Content-Type': 'application/json',
    'X-Signature': signInvoiceboxNotification(body.toString('utf8'), key),
  });
  const signed = (overrides: Body): Attempt => {
    const body = Buffer.from(phpJsonEncode({ ...genuine, ...overrides }), 'utf8');
    return { body, headers: sign(body) };
  };
  const send = async (attempt: Attempt): Promise<{ status: number; body: unknown }> => {
    const response = await fetch(`${stack.bridgeUrl}${attempt.path ?? '/webhooks/invoicebox/cafe-1'}`, {
      method: 'POST',
      headers: attempt.headers,
      body: attempt.body,
    });
    return { status: response.status, body: await response.json() };
  };
  const dump = async (): Promise<Record<string, unknown[]>> => {
    const db = stack.app.get(DataSource);
    const tables: Array<{ name: string }> = await db.query(
      `SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name`,
    );
    const entries = await Promise.all(
      tables.map(
        async ({ name }) => [name, await db.query(`SELECT * FROM "${name}" ORDER BY rowid`)] as const,
      ),
    );
    return Object.fromEntries(entries);
  };

  beforeAll(async () => {
    stack = await startStack({ pos: 'fake', scheduler: false });
    const pos = stack.pos;
    if (!pos) throw new Error('The stack has no in-memory POS');
    pos.openOrder('7', [
      { name: 'Борщ', priceMinor: 45000, quantityMilli: 2000 },
      { name: 'Морс', priceMinor: 15050 },
    ]);
    await stack.app.get(SyncSiteBills).execute({ siteId: 'cafe-1' });
    const [bill] = (await api(stack).bills()).body;
    if (!bill) throw new Error('The bill was not synced');
    await issuePaymentUrl(stack, bill.id);
    const [order] = stack.sandbox.orders();
    if (!order) throw new Error('No order at the sandbox');
    genuine = { ...order, status: 'completed', paidAt: order.createdAt };
  });
  afterAll(async () => {
    await stack.close();
  });

  const cases: Array<[string, () => Attempt, number, unknown]> = [
    [
      'a wrong signature',
      () => {
        const { body } = signed({});
        return { body, headers: sign(body, 'not-the-merchant-key') };
      },
      200,
      { status: 'error', code: 'signature_error' },
    ],
    [
      'no signature header',
      () => ({ body: signed({}).body, headers: { 'Content-Type': 'application/json' } }),
      200,
      { status: 'error', code: 'signature_error' },
    ],
    [
      'a signed body that is not JSON',
      () => {
        const body = Buffer.from('id=1&status=completed', 'utf8');
        return { body, headers: sign(body) };
      },
      200,
      { status: 'error', code: 'out_of_service' },
    ],
    [
      'an unknown site',
      () => ({ ...signed({}), path: '/webhooks/invoicebox/no-such-site' }),
      200,
      { status: 'error', code: 'order_not_found' },
    ],
    [
      'an unknown order',
      () => signed({ id: randomUUID(), merchantOrderId: 'cafe-1:nobody:v1:1' }),
      200,
      { status: 'error', code: 'order_not_found' },
    ],
    ['a wrong amount', () => signed({ amount: 1.5 }), 200, { status: 'error', code: 'order_wrong_amount' }],
    [
      'a wrong currency',
      () => signed({ currencyId: 'USD' }),
      200,
      { status: 'error', code: 'order_wrong_amount' },
    ],
    [
      'a wrong merchant',
      () => signed({ merchantId: '0302756d-9d83-60c9-0356-c228562c7581' }),
      200,
      { status: 'error', code: 'order_not_found' },
    ],
    [
      'an oversized body',
      () => signed({ description: 'x'.repeat(100 * 1024) }),
      413,
      { status: 'error', code: 'payload_too_large' },
    ],
  ];

  it.each(cases)(
    'answers %s as documented and leaves the database unchanged',
    async (_name, make, status, reply) => {
      const before = await dump();

      const answer = await send(make());

      expect(answer.status).toBe(status);
      expect(answer.body).toMatchObject(reply as Body);
      expect(await dump()).toEqual(before);
    },
  );

  it('is a comparison that can fail: the genuine notification is accepted and recorded', async () => {
    const before = await dump();

    const answer = await send(signed({}));

    expect(answer).toEqual({ status: 200, body: { status: 'success' } });
    const after = await dump();
    expect(after['payments']).toHaveLength((before['payments']?.length ?? 0) + 1);
    expect(after['notification_inbox']).toHaveLength((before['notification_inbox']?.length ?? 0) + 1);
  });
});
