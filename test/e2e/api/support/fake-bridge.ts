import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Test } from '@nestjs/testing';
import { NestExpressApplication } from '@nestjs/platform-express';
import { PaymentProviderRegistry, PosAdapterRegistry, Store } from '@bridge/core';
import { FakePaymentProvider, FakePos, MapPosRegistry, MapProviderRegistry } from '@bridge/testing';
import { AlertDispatcher } from '../../../../apps/bridge/src/alerts/alert-dispatcher';
import { AlertPolicy } from '../../../../apps/bridge/src/alerts/alert-policy';
import { configureApp } from '../../../../apps/bridge/src/bootstrap';
import { BridgeModule } from '../../../../apps/bridge/src/bridge.module';
import { parseConfig } from '../../../../apps/bridge/src/config/load-config';

/** Every secret of the test configuration: no page or API response may ever contain one. */
export const SECRETS = {
  UI_ADMIN_TOKEN: 'ui-admin-token-7f3a9c2e5b1d4e6f',
  CAFE1_TOKEN: 'cafe1-api-token-9d8c7b6a5f4e',
  CAFE1_KEY: 'cafe1-notify-key-5e4d3c2b1a09',
  CAFE2_TOKEN: 'cafe2-api-token-1a2b3c4d5e6f',
  CAFE2_KEY: 'cafe2-notify-key-6f5e4d3c2b1a',
  RK_PASSWORD: 'rk-password-4a3b2c1d0e9f',
  ALERT_SECRET: 'alert-secret-0f1e2d3c4b5a6978',
} as const;

export const ADMIN = { Authorization: `Bearer ${SECRETS.UI_ADMIN_TOKEN}` };

export interface FakeBridgeOptions {
  databaseUrl?: string;
  scheduler?: boolean;
  /** Staff alert endpoints of cafe-1. */
  alertUrls?: string[];
  printerPort?: number;
  publicUrl?: string;
  /** `server.trustProxy`; the default trusts loopback (the tests' own address). */
  trustProxy?: string[];
}

export interface FakeBridge {
  app: NestExpressApplication;
  url: string;
  databaseUrl: string;
  pos: { cafe1: FakePos; cafe2: FakePos };
  provider: { cafe1: FakePaymentProvider; cafe2: FakePaymentProvider };
  store: Store;
  alerts: AlertDispatcher;
  close(): Promise<void>;
}

function rkeeper(): string {
  return `
    rkeeper:
      url: https://127.0.0.1:9/rk7api/v0/xmlinterface.xml
      username: u
      password: \${RK_PASSWORD}
      tlsInsecure: true
      paymentCurrencyId: 1030240
      prepayReasonId: 5
      stationCode: 1
      cashierCode: 5`;
}

/** The bridge over real HTTP with two sites, in-memory POS and payment provider fakes, and a SQLite file. */
export async function startFakeBridge(options: FakeBridgeOptions = {}): Promise<FakeBridge> {
  const databaseUrl =
    options.databaseUrl ?? `sqlite:${join(mkdtempSync(join(tmpdir(), 'bridge-ui-')), 'bridge.db')}`;
  const alerts = (options.alertUrls ?? [])
    .map(
      (url) =>
        `\n      - { url: "${url}", secret: \${ALERT_SECRET}, events: [paid, needs_attention, reconciliation] }`,
    )
    .join('');
  const yaml = `
logLevel: ${process.env.BRIDGE_TEST_LOGS ? 'info' : 'silent'}
server: { port: 0, publicUrl: "${options.publicUrl ?? 'https://pay.cafe.test'}", adminToken: \${UI_ADMIN_TOKEN}${options.trustProxy ? `, trustProxy: ${JSON.stringify(options.trustProxy)}` : ''} }
database: { url: "${databaseUrl}" }
invoicebox: { apiUrl: "http://127.0.0.1:9", notifications: webhook }
settlement: { maxAttempts: 3, baseDelayMs: 50, maxDelayMs: 200, leaseMs: 30000 }
sites:
  - id: cafe-1
    kind: rkeeper
    name: Кафе на Невском
    merchant: { merchantId: fake-merchant-1, apiToken: \${CAFE1_TOKEN}, notificationKey: \${CAFE1_KEY} }${rkeeper()}
    pollIntervalSeconds: 1${options.printerPort ? `\n    printer: { host: 127.0.0.1, port: ${options.printerPort} }` : ''}${alerts ? `\n    alerts:${alerts}` : ''}
  - id: cafe-2
    kind: rkeeper
    name: Second Cafe
    merchant: { merchantId: fake-merchant-2, apiToken: \${CAFE2_TOKEN}, notificationKey: \${CAFE2_KEY} }${rkeeper()}
    pollIntervalSeconds: 1
`;
  const config = parseConfig(yaml, { ...SECRETS }, 'fake-bridge');
  const pos = { cafe1: new FakePos('RUB'), cafe2: new FakePos('RUB') };
  const provider = {
    cafe1: new FakePaymentProvider('fake-merchant-1'),
    cafe2: new FakePaymentProvider('fake-merchant-2'),
  };
  const moduleRef = await Test.createTestingModule({
    imports: [
      BridgeModule.forRoot(
        { config, path: 'fake-bridge', demo: false },
        { scheduler: options.scheduler ?? true },
      ),
    ],
  })
    .overrideProvider(PosAdapterRegistry)
    .useValue(
      new MapPosRegistry(
        new Map([
          ['cafe-1', pos.cafe1],
          ['cafe-2', pos.cafe2],
        ]),
      ),
    )
    .overrideProvider(PaymentProviderRegistry)
    .useValue(
      new MapProviderRegistry(
        new Map([
          ['cafe-1', provider.cafe1],
          ['cafe-2', provider.cafe2],
        ]),
      ),
    )
    .overrideProvider(AlertPolicy)
    .useValue(new AlertPolicy({ baseDelayMs: 100, maxDelayMs: 400, tickMs: 100, timeoutMs: 2_000 }))
    .compile();
  const app = moduleRef.createNestApplication<NestExpressApplication>({ bodyParser: false, logger: false });
  configureApp(app);
  await app.listen(0, '127.0.0.1');
  const url = (await app.getUrl()).replace('[::1]', '127.0.0.1');
  return {
    app,
    url,
    databaseUrl,
    pos,
    provider,
    store: app.get(Store),
    alerts: app.get(AlertDispatcher),
    close: () => app.close(),
  };
}

/** Opens a bill at a table of cafe-1's fake POS and waits until the bridge has synced it. */
export async function openTable(
  bridge: FakeBridge,
  table: string,
  lines = [
    { name: 'Борщ', priceMinor: 45000, quantityMilli: 2000 },
    { name: 'Морс', priceMinor: 15050 },
  ],
  site: 'cafe1' | 'cafe2' = 'cafe1',
): Promise<{ externalId: string; billId: string }> {
  const externalId = bridge.pos[site].openOrder(table, lines);
  const siteId = site === 'cafe1' ? 'cafe-1' : 'cafe-2';
  const bill = await waitFor(() => bridge.store.bills.findByExternalId(siteId, externalId), 10_000);
  return { externalId, billId: bill.id };
}

/** The guest pays the order behind a payment URL, and the provider's signed notification reaches the bridge. */
export async function payByUrl(
  bridge: FakeBridge,
  paymentUrl: string,
  site: 'cafe1' | 'cafe2' = 'cafe1',
): Promise<void> {
  const order = bridge.provider[site].findByUrl(paymentUrl);
  if (!order) throw new Error(`No fake order behind ${paymentUrl}`);
  const signed = bridge.provider[site].pay(order.providerOrderId);
  const reply = await fetch(`${bridge.url}/webhooks/invoicebox/${site === 'cafe1' ? 'cafe-1' : 'cafe-2'}`, {
    method: 'POST',
    headers: { ...signed.headers, 'content-type': 'application/json' },
    body: signed.rawBody,
  });
  if (reply.status !== 200) throw new Error(`Webhook answered ${reply.status}`);
}

export async function waitFor<T>(
  probe: () => Promise<T | undefined | null | false> | T | undefined | null | false,
  timeoutMs = 10_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error('Timed out waiting for a condition');
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}
