import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { NestFactory } from '@nestjs/core';
import { NestExpressApplication } from '@nestjs/platform-express';
import { Test } from '@nestjs/testing';
import { PosAdapterRegistry, Store } from '@bridge/core';
import { createTestDatabase } from '@bridge/persistence';
import { FakePos, MapPosRegistry } from '@bridge/testing';
import {
  InvoiceboxSandbox,
  PrinterSimulator,
  RkeeperSimulator,
  RkeeperSimulatorOptions,
  startInvoiceboxSandbox,
  startPrinterSimulator,
  startRkeeperSimulator,
  FiasSimulator,
  FiasSimulatorOptions,
  startFiasSimulator,
} from '@bridge/simulators';
import { bootstrapBridge, configureApp } from '../../apps/bridge/src/bootstrap';
import { BridgeModule } from '../../apps/bridge/src/bridge.module';
import { LoadedConfig, parseConfig } from '../../apps/bridge/src/config/load-config';
import { freePort } from './free-port';

export const STACK_ADMIN_TOKEN = 'stack-admin-token-0123456789';

export const CAFE_MERCHANT = {
  merchantId: '5f1c2c8e-7d0a-4e4b-9a51-0000000cafe1',
  token: 'stack-cafe-token',
  notificationKey: 'stack-cafe-notification-key',
};

export const HOTEL_MERCHANT = {
  merchantId: '5f1c2c8e-7d0a-4e4b-9a51-00000000fe71',
  token: 'stack-hotel-token',
  notificationKey: 'stack-hotel-notification-key',
};

/** A FIAS hotel site `hotel-1` beside the café, against the FIAS PMS simulator. */
export interface FiasStackOptions {
  simulator?: FiasSimulatorOptions;
  /** `fias.nightAuditRetrySeconds` (default 1). */
  nightAuditRetrySeconds?: number;
  /** Extra YAML for the site's `fias` section (indented by the caller, 6 spaces). */
  fiasExtra?: string;
}

export interface StackOptions {
  database?: 'sqlite' | 'postgres';
  notifications?: 'webhook' | 'websocket' | 'poll';
  /** Extra YAML appended to the r_keeper site (indented by the caller). */
  rkeeperSiteExtra?: string;
  scheduler?: boolean;
  pollIntervalSeconds?: number;
  invoiceboxPollIntervalSeconds?: number;
  printer?: boolean;
  /** Puts something in front of the r_keeper simulator (a recorder); the bridge talks to its URL. */
  rkeeperFront?: (rkeeper: RkeeperSimulator) => Promise<{ url: string; close(): Promise<void> }>;
  /** Pins another certificate fingerprint than the simulator's. */
  rkeeperTlsFingerprint?: string;
  /** `fake`: the site's POS is an in-memory FakePos (Stack.pos) instead of the r_keeper simulator. */
  pos?: 'rkeeper' | 'fake';
  /** `invoicebox.timeoutMs` of the bridge (default 3000). */
  invoiceboxTimeoutMs?: number;
  /** The sandbox merchant's notification channels (the cabinet setting); both on by default. */
  sandboxChannels?: { webhook?: boolean; websocket?: boolean };
  fias?: FiasStackOptions;
  /** A top-level `smtp` section pointing at 127.0.0.1:<port> (an SMTP sink). */
  smtpPort?: number;
  /** `settlement.maxAttempts` of the bridge (default 20): small to reach needs_attention quickly. */
  settlementMaxAttempts?: number;
  /** More options for the r_keeper simulator (e.g. `enforceLicense`). */
  rkeeperSimulator?: Partial<RkeeperSimulatorOptions>;
}

export interface Stack {
  bridgeUrl: string;
  adminToken: string;
  app: NestExpressApplication;
  store: Store;
  sandbox: InvoiceboxSandbox;
  rkeeper: RkeeperSimulator;
  printer?: PrinterSimulator;
  /** Set with `fias`. */
  fias?: FiasSimulator;
  /** Set with `pos: 'fake'`. */
  pos?: FakePos;
  configYaml: string;
  /** Stops the bridge and starts it again on the same port, database and simulators (`app`, `store` change). */
  restart(): Promise<void>;
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
      : {
          url: `sqlite:${join(mkdtempSync(join(tmpdir(), 'bridge-stack-')), 'bridge.db')}`,
          drop: async () => undefined,
        };
  const bridgePort = await freePort();
  const bridgeUrl = `http://127.0.0.1:${bridgePort}`;
  const sandbox = await startInvoiceboxSandbox({
    merchants: [
      {
        ...CAFE_MERCHANT,
        notificationUrl: `${bridgeUrl}/webhooks/invoicebox/cafe-1`,
        channels: options.sandboxChannels,
      },
      ...(options.fias
        ? [{ ...HOTEL_MERCHANT, notificationUrl: `${bridgeUrl}/webhooks/invoicebox/hotel-1` }]
        : []),
    ],
    settings: { webhook: { timeoutMs: 5_000, retryDelaysMs: [200, 500, 1_000] } },
  });
  const rkeeper = await startRkeeperSimulator({
    notifyUrl: `${bridgeUrl}/webhooks/rkeeper/cafe-1`,
    ...options.rkeeperSimulator,
  });
  const printer = options.printer ? await startPrinterSimulator({}) : undefined;
  const fias = options.fias
    ? await startFiasSimulator({ checkoutDelayMs: 20, ...options.fias.simulator })
    : undefined;
  const rkeeperFront = options.rkeeperFront ? await options.rkeeperFront(rkeeper) : undefined;

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
  timeoutMs: ${options.invoiceboxTimeoutMs ?? 3000}
settlement:
  maxAttempts: ${options.settlementMaxAttempts ?? 20}
  baseDelayMs: 100
  maxDelayMs: 2000
  leaseMs: 30000
sites:
  - id: cafe-1
    kind: rkeeper
    name: Кафе на Невском
    merchant:
      merchantId: ${CAFE_MERCHANT.merchantId}
      apiToken: ${CAFE_MERCHANT.token}
      notificationKey: ${CAFE_MERCHANT.notificationKey}
    rkeeper:
      url: ${rkeeperFront?.url ?? rkeeper.url}
      username: ${rkeeper.username}
      password: ${rkeeper.password}
      tlsFingerprint: "${options.rkeeperTlsFingerprint ?? rkeeper.certificateFingerprint}"
      paymentCurrencyId: 1030240
      prepayReasonId: 5
      stationCode: 1
      cashierCode: 5
${options.rkeeperSiteExtra ?? ''}
${printer ? `    printer: { host: 127.0.0.1, port: ${printer.port} }` : ''}
    pollIntervalSeconds: ${options.pollIntervalSeconds ?? 1}
${fias ? fiasSiteYaml(fias, options.fias ?? {}, join(mkdtempSync(join(tmpdir(), 'bridge-fias-')), 'posting-numbers.json')) : ''}
${options.smtpPort ? `smtp: { host: 127.0.0.1, port: ${options.smtpPort}, from: "Hotel <pay@hotel.example>" }` : ''}
`;
  const config = parseConfig(configYaml, {}, 'stack');
  const fakePos = options.pos === 'fake' ? new FakePos(config.sites[0]?.currency ?? 'RUB') : undefined;
  const boot = async (): Promise<NestExpressApplication> => {
    const started = fakePos
      ? await bootstrapWithPos({ config, path: 'stack', demo: false }, options.scheduler, fakePos)
      : await bootstrapBridge(
          { config, path: 'stack', demo: false },
          { factory: NestFactory, scheduler: options.scheduler },
        );
    await started.listen(bridgePort, '127.0.0.1');
    return started;
  };
  let app = await boot();
  const stack: Stack = {
    bridgeUrl,
    adminToken: STACK_ADMIN_TOKEN,
    app,
    store: app.get(Store),
    sandbox,
    rkeeper,
    printer,
    fias,
    pos: fakePos,
    configYaml,
    async restart() {
      await app.close();
      app = await boot();
      stack.app = app;
      stack.store = app.get(Store);
    },
    async close() {
      await app.close();
      await Promise.all([
        sandbox.close(),
        rkeeper.close(),
        printer?.close(),
        rkeeperFront?.close(),
        fias?.close(),
      ]);
      await database.drop();
    },
  };
  return stack;
}

/** The bridge as bootstrapBridge builds it, with the site's POS replaced by an in-memory one. */
async function bootstrapWithPos(
  loaded: LoadedConfig,
  scheduler: boolean | undefined,
  pos: FakePos,
): Promise<NestExpressApplication> {
  const moduleRef = await Test.createTestingModule({ imports: [BridgeModule.forRoot(loaded, { scheduler })] })
    .overrideProvider(PosAdapterRegistry)
    .useValue(new MapPosRegistry(new Map(loaded.config.sites.map((site) => [site.id, pos]))))
    .compile();
  const app = moduleRef.createNestApplication<NestExpressApplication>({
    bodyParser: false,
    bufferLogs: true,
  });
  configureApp(app);
  return app;
}

function fiasSiteYaml(fias: FiasSimulator, options: FiasStackOptions, postingNumberFile: string): string {
  const extra = options.fiasExtra ?? '';
  const nightAuditRetrySeconds = options.nightAuditRetrySeconds ?? 1;
  return `  - id: hotel-1
    kind: fias
    name: Отель на Мойке
    merchant:
      merchantId: ${HOTEL_MERCHANT.merchantId}
      apiToken: ${HOTEL_MERCHANT.token}
      notificationKey: ${HOTEL_MERCHANT.notificationKey}
    fias:
      host: ${fias.host}
      port: ${fias.port}
      workstation: BRIDGE1
      salesOutlet: 10
      paymentMethod: IBOX
      transactionCode: "9010"
      answerTimeoutMs: 1000
      postingTimeoutMs: 1000
      nightAuditRetrySeconds: ${nightAuditRetrySeconds}
      postingNumberFile: "${postingNumberFile}"
${extra}
    pollIntervalSeconds: 1`;
}
