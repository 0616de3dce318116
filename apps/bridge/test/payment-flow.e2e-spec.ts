import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import request from 'supertest';
import { createTestDatabase } from '@bridge/persistence';
import { ADMIN_TOKEN, BridgeTestApp, startBridgeWithFakes, waitFor } from './bridge-test-app';

const drivers: Array<[string, () => Promise<{ url: string; drop(): Promise<void> }>]> = [
  [
    'SQLite file',
    async () => ({
      url: `sqlite:${join(mkdtempSync(join(tmpdir(), 'bridge-e2e-')), 'bridge.db')}`,
      drop: async () => undefined,
    }),
  ],
  ['PostgreSQL', () => createTestDatabase('bridge_e2e')],
];

describe.each(drivers)('payment flow end to end on %s', (_name, makeDatabase) => {
  let bridge: BridgeTestApp;
  let database: { url: string; drop(): Promise<void> };

  beforeEach(async () => {
    database = await makeDatabase();
    bridge = await startBridgeWithFakes({ databaseUrl: database.url });
  });

  afterEach(async () => {
    await bridge.close();
    await database.drop();
  });

  const api = () => request(bridge.url);
  const auth = { Authorization: `Bearer ${ADMIN_TOKEN}` };

  async function openBillAndLink() {
    const externalId = bridge.pos.openOrder('5', [
      { name: 'Борщ', priceMinor: 45000, quantityMilli: 2000 },
      { name: 'Морс', priceMinor: 15050 },
    ]);
    const bill = await waitFor(async () => {
      const res = await api().get('/api/v1/bills?siteId=cafe-1&status=open').set(auth).expect(200);
      return (res.body as Array<{ id: string; externalId: string }>).find((b) => b.externalId === externalId);
    });
    const link = await api().post(`/api/v1/bills/${bill.id}/payment-link`).set(auth).expect(201);
    return {
      externalId,
      billId: bill.id,
      link: link.body as { paymentUrl: string; amount: number; currency: string },
    };
  }

  it('takes a bill from the POS to closed, through the webhook, with every step in the audit log', async () => {
    const { externalId, billId, link } = await openBillAndLink();
    expect(link).toMatchObject({ amount: 105050, currency: 'RUB' });
    const order = bridge.provider.findByUrl(link.paymentUrl)!;
    const signed = bridge.provider.pay(order.providerOrderId);
    const reply = await api()
      .post('/webhooks/invoicebox/cafe-1')
      .set(signed.headers)
      .set('Content-Type', 'application/json')
      .send(signed.rawBody.toString('utf8'));
    expect(reply.status).toBe(200);
    expect(reply.body).toEqual({ status: 'success' });

    await waitFor(async () => bridge.pos.isClosed(externalId));
    const details = await waitFor(async () => {
      const res = await api().get(`/api/v1/bills/${billId}`).set(auth).expect(200);
      return res.body.status === 'closed' ? res.body : undefined;
    });
    expect(details.payments).toHaveLength(1);
    expect(details.settlements[0]).toMatchObject({
      status: 'applied',
      mode: 'close',
      appliedAmount: { amount: 105050, currency: 'RUB' },
    });
    const types = (details.events as Array<{ type: string }>).map((e) => e.type);
    for (const step of [
      'bill.opened',
      'link.creating',
      'link.active',
      'payment.confirmed',
      'link.paid',
      'settlement.created',
      'settlement.sending',
      'settlement.applied',
      'bill.closed',
    ]) {
      expect(types).toContain(step);
    }
  });

  it('applies the same notification delivered 10 times, some concurrently, exactly once', async () => {
    const { externalId, billId, link } = await openBillAndLink();
    const order = bridge.provider.findByUrl(link.paymentUrl)!;
    const signed = bridge.provider.pay(order.providerOrderId);
    const send = () =>
      api()
        .post('/webhooks/invoicebox/cafe-1')
        .set(signed.headers)
        .set('Content-Type', 'application/json')
        .send(signed.rawBody.toString('utf8'));
    const replies = await Promise.all(Array.from({ length: 6 }, send));
    for (let i = 0; i < 4; i++) replies.push(await send());
    expect(replies.every((r) => r.status === 200 && r.body.status === 'success')).toBe(true);
    await waitFor(async () => bridge.pos.isClosed(externalId));
    const details = (await api().get(`/api/v1/bills/${billId}`).set(auth).expect(200)).body;
    expect(details.payments).toHaveLength(1);
    expect(details.settlements).toHaveLength(1);
    expect(bridge.pos.appliedPayments(externalId)).toHaveLength(1);
  });
});
