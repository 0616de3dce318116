import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { NestFactory } from '@nestjs/core';
import { NestExpressApplication } from '@nestjs/platform-express';
import { Store } from '@bridge/core';
import { createTestDatabase } from '@bridge/persistence';
import {
  InvoiceboxSandbox,
  PrinterSimulator,
  RkeeperSimulator,
  startInvoiceboxSandbox,
  startPrinterSimulator,
  startRkeeperSimulator,
} from '@bridge/simulators';
import { bootstrapBridge } from '../../apps/bridge/src/bootstrap';
import { parseConfig } from '../../apps/bridge/src/config/load-config';
import { freePort } from './free-port';

export const STACK_ADMIN_TOKEN = 'stack-admin-token-0123456789';

export const CAFE_MERCHANT = {
  merchantId: '5f1c2c8e-7d0a-4e4b-9a51-0000000cafe1',
  token: 'stack-cafe-token',
  notificationKey: 'stack-cafe-notification-key',
};

export interface StackOptions {
  database?: 'sqlite' | 'postgres';
  notifications?: 'webhook' | 'websocket' | 'poll';
  /** Extra YAML appended to the r_keeper site (indented by the caller). */
  rkeeperSiteExtra?: string;
  scheduler?: boolean;
  pollIntervalSeconds?: number;
  invoiceboxPollIntervalSeconds?: number;
  printer?: boolean;
}

export interface Stack {
  bridgeUrl: string;
  adminToken: string;
  app: NestExpressApplication;
  store: Store;
  sandbox: InvoiceboxSandbox;
  rkeeper: RkeeperSimulator;
  printer?: PrinterSimulator;
  configYaml: string;
  close(): Promise<void>;
}

/**
 * The bridge in this process, over real sockets, against the simulators: the Invoicebox sandbox and an
 * r_keeper cash server (and a receipt printer when asked). The shape every e2e test starts from.
 */
export async function startStack(options: StackOptions = {}): Promise<Stack> {
  const database =
    options.database === 'postgres'
      ? await createTestDatabase('bridge_stack')
      : { url: `sqlite:${join(mkdtempSync(join(tmpdir(), 'bridge-stack-')), 'bridge.db')}`, drop: async () => undefined };
  const bridgePort = await freePort();
  const bridgeUrl = `http://127.0.0.1:${bridgePort}`;
  const sandbox = await startInvoiceboxSandbox({
    merchants: [{ ...CAFE_MERCHANT, notificationUrl: `${bridgeUrl}/webhooks/invoicebox/cafe-1` }],
    settings: { webhook: { timeoutMs: 5_000, retryDelaysMs: [200, 500, 1_000] } },
  });
  const rkeeper = await startRkeeperSimulator({ notifyUrl: `${bridgeUrl}/webhooks/rkeeper/cafe-1` });
  const printer = options.printer ? await startPrinterSimulator({}) : undefined;

  const configYaml = `
logLevel: ${process.env.BRIDGE_TEST_LOGS ? 'info' : 'silent'}
server:
  port: ${bridgePort}
  host: 127.0.0.1
  publicUrl: ${bridgeUrl}
  adminToken: ${STACK_ADMIN_TOKEN}
database:
  url: "${database.url}"
invoicebox:
  apiUrl: ${sandbox.url}
  wsUrl: ${sandbox.url.replace(/^http/, 'ws')}
  notifications: ${options.notifications ?? 'webhook'}
  pollIntervalSeconds: ${options.invoiceboxPollIntervalSeconds ?? 1}
  timeoutMs: 3000
settlement:
  maxAttempts: 20
  baseDelayMs: 100
  maxDelayMs: 2000
  leaseMs: 10000
sites:
  - id: cafe-1
    kind: rkeeper
    name: Кафе на Невском
    merchant:
      merchantId: ${CAFE_MERCHANT.merchantId}
      apiToken: ${CAFE_MERCHANT.token}
      notificationKey: ${CAFE_MERCHANT.notificationKey}
    rkeeper:
      url: ${rkeeper.url}
      username: ${rkeeper.username}
      password: ${rkeeper.password}
      tlsFingerprint: "${rkeeper.certificateFingerprint}"
      paymentCurrencyId: 1030240
      prepayReasonId: 5
      stationCode: 1
      cashierCode: 5
${options.rkeeperSiteExtra ?? ''}
${printer ? `    printer: { host: 127.0.0.1, port: ${printer.port} }` : ''}
    pollIntervalSeconds: ${options.pollIntervalSeconds ?? 1}
`;
  const config = parseConfig(configYaml, {}, 'stack');
  const app = await bootstrapBridge({ config, path: 'stack', demo: false }, { factory: NestFactory, scheduler: options.scheduler });
  await app.listen(bridgePort, '127.0.0.1');
  return {
    bridgeUrl,
    adminToken: STACK_ADMIN_TOKEN,
    app,
    store: app.get(Store),
    sandbox,
    rkeeper,
    printer,
    configYaml,
    async close() {
      await app.close();
      await Promise.all([sandbox.close(), rkeeper.close(), printer?.close()]);
      await database.drop();
    },
  };
}
