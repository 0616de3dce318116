import { Test } from '@nestjs/testing';
import { NestExpressApplication } from '@nestjs/platform-express';
import { PaymentProviderRegistry, PosAdapterRegistry, Store } from '@bridge/core';
import { FakePaymentProvider, FakePos, MapPosRegistry, MapProviderRegistry } from '@bridge/testing';
import { BridgeModule } from '../src/bridge.module';
import { configureApp } from '../src/bootstrap';
import { parseConfig } from '../src/config/load-config';

export const ADMIN_TOKEN = 'e2e-admin-token-0123456789';

export interface BridgeTestApp {
  app: NestExpressApplication;
  url: string;
  pos: FakePos;
  provider: FakePaymentProvider;
  store: Store;
  close(): Promise<void>;
}

/** The whole bridge over real HTTP, with in-memory stand-ins for the POS and the payment provider. */
export async function startBridgeWithFakes(options: {
  databaseUrl: string;
  scheduler?: boolean;
}): Promise<BridgeTestApp> {
  const config = parseConfig(
    `
logLevel: ${process.env.BRIDGE_TEST_LOGS ? 'info' : 'silent'}
server: { port: 0, publicUrl: "http://127.0.0.1", adminToken: ${ADMIN_TOKEN} }
database: { url: "${options.databaseUrl}" }
invoicebox: { apiUrl: "http://127.0.0.1:9", notifications: webhook }
sites:
  - id: cafe-1
    kind: rkeeper
    name: Cafe
    merchant: { merchantId: fake-merchant, apiToken: t, notificationKey: k }
    rkeeper:
      url: https://127.0.0.1:9/rk7api/v0/xmlinterface.xml
      username: u
      password: p
      tlsInsecure: true
      paymentCurrencyId: 1030240
      prepayReasonId: 5
      stationCode: 1
      cashierCode: 5
    pollIntervalSeconds: 1
`,
    {},
  );
  const pos = new FakePos('RUB');
  const provider = new FakePaymentProvider('fake-merchant');
  const moduleRef = await Test.createTestingModule({
    imports: [
      BridgeModule.forRoot({ config, path: 'e2e', demo: false }, { scheduler: options.scheduler ?? true }),
    ],
  })
    .overrideProvider(PosAdapterRegistry)
    .useValue(new MapPosRegistry(new Map([['cafe-1', pos]])))
    .overrideProvider(PaymentProviderRegistry)
    .useValue(new MapProviderRegistry(new Map([['cafe-1', provider]])))
    .compile();
  const app = moduleRef.createNestApplication<NestExpressApplication>({ bodyParser: false, logger: false });
  configureApp(app);
  await app.listen(0, '127.0.0.1');
  const url = (await app.getUrl()).replace('[::1]', '127.0.0.1');
  return { app, url, pos, provider, store: app.get(Store), close: () => app.close() };
}

export async function waitFor<T>(
  probe: () => Promise<T | undefined | null | false>,
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
