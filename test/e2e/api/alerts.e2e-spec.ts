import { IncomingHttpHeaders, Server, createServer } from 'node:http';
import { AddressInfo } from 'node:net';
import request from 'supertest';
import { TEST_DRIVERS, createTestDatabase } from '@bridge/persistence';
import {
  ALERT_SIGNATURE_HEADER,
  verifyAlertSignature,
} from '../../../apps/bridge/src/alerts/alert-signature';
import {
  ADMIN,
  FakeBridge,
  SECRETS,
  openTable,
  payByUrl,
  startFakeBridge,
  waitFor,
} from './support/fake-bridge';

interface Received {
  headers: IncomingHttpHeaders;
  body: string;
  json: {
    type: string;
    event: { id: number; type: string };
    bill: { label: string } | null;
    amount: unknown;
  };
}

/** A staff system that records signed alerts; it can answer 500 for a while, like a receiver being deployed. */
async function startReceiver(): Promise<{
  url: string;
  received: Received[];
  failNext: (n: number) => void;
  close(): Promise<void>;
  server: Server;
}> {
  const received: Received[] = [];
  let failures = 0;
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      if (failures > 0) {
        failures -= 1;
        res.writeHead(500).end();
        return;
      }
      const body = Buffer.concat(chunks).toString('utf8');
      received.push({ headers: req.headers, body, json: JSON.parse(body) as Received['json'] });
      res.writeHead(204).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/alerts`,
    received,
    server,
    failNext: (n) => {
      failures = n;
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

describe.each(TEST_DRIVERS)('staff alerts on %s', (driver) => {
  it('sends signed paid, needs-attention and reconciliation alerts, retries failures, and loses none across a restart', async () => {
    const database = await createTestDatabase('bridge_alerts', { driver });
    const receiver = await startReceiver();
    const databaseUrl = database.url;
    let bridge: FakeBridge = await startFakeBridge({ alertUrls: [receiver.url], databaseUrl });
    try {
      await bridge.alerts.runOnce();
      receiver.failNext(2);
      const { billId } = await openTable(bridge, '5');
      const link = await request(bridge.url)
        .post(`/api/v1/bills/${billId}/payment-link`)
        .set(ADMIN)
        .expect(201);
      await payByUrl(bridge, link.body.paymentUrl);
      const paid = await waitFor(() => receiver.received.find((r) => r.json.type === 'paid'), 15_000);

      const now = Math.floor(Date.now() / 1000);
      const signature = String(paid.headers[ALERT_SIGNATURE_HEADER]);
      expect(signature).toMatch(/^t=\d+,v1=[0-9a-f]{64}$/);
      expect(verifyAlertSignature(SECRETS.ALERT_SECRET, paid.body, signature, now)).toBe(true);
      expect(verifyAlertSignature(SECRETS.ALERT_SECRET, `${paid.body} `, signature, now)).toBe(false);
      expect(verifyAlertSignature('another-secret-0123456789', paid.body, signature, now)).toBe(false);
      expect(verifyAlertSignature(SECRETS.ALERT_SECRET, paid.body, signature, now + 3600)).toBe(false);
      expect(paid.body).not.toContain(SECRETS.ALERT_SECRET);
      expect(paid.json).toMatchObject({
        bill: { label: 'Стол 5' },
        amount: { amount: 105050, currency: 'RUB' },
      });

      // The receiver goes away; a settlement then needs a person, and the bridge restarts before delivering.
      await receiver.close();
      const { billId: second } = await openTable(bridge, '6', [{ name: 'Пирог', priceMinor: 30000 }]);
      const secondLink = await request(bridge.url)
        .post(`/api/v1/bills/${second}/payment-link`)
        .set(ADMIN)
        .expect(201);
      bridge.pos.cafe1.injectFault({ kind: 'reject', reason: 'rejected' });
      await payByUrl(bridge, secondLink.body.paymentUrl);
      await waitFor(
        async () => (await bridge.store.settlements.listByBill(second))[0]?.status === 'needs_attention',
      );
      await bridge.store.events.append({
        at: new Date(),
        siteId: 'cafe-1',
        type: 'reconciliation.report',
        data: { mismatches: 1 },
      });
      await waitFor(async () => {
        await bridge.alerts.runOnce();
        return (
          (await bridge.store.events.list({ types: ['reconciliation.report'] }, { limit: 5 })).length > 0
        );
      });
      await bridge.close();

      receiver.server.listen(Number(new URL(receiver.url).port), '127.0.0.1');
      bridge = await startFakeBridge({ alertUrls: [receiver.url], databaseUrl });
      await waitFor(
        () =>
          receiver.received.some((r) => r.json.type === 'needs_attention') &&
          receiver.received.some((r) => r.json.type === 'reconciliation'),
        20_000,
      );
      const ids = receiver.received.map((r) => `${r.json.type}:${r.json.event.id}`);
      expect(new Set(ids).size).toBe(ids.length);
      expect(receiver.received.filter((r) => r.json.type === 'paid')).toHaveLength(2);
    } finally {
      await bridge.close();
      await receiver.close().catch(() => undefined);
      await database.drop();
    }
  });
});
