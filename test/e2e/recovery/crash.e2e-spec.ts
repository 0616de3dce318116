import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  InvoiceboxSandbox,
  RkeeperSimulator,
  startInvoiceboxSandbox,
  startRkeeperSimulator,
} from '@bridge/simulators';
import { BridgeProcess, spawnBridge } from '../../support/bridge-process';
import { freePort } from '../../support/free-port';
import { CAFE_MERCHANT, STACK_ADMIN_TOKEN } from '../../support/stack';
import { waitFor } from '../../support/wait-for';

const INVOICEBOX_CURRENCY = 1030240;

interface Fixture {
  sandbox: InvoiceboxSandbox;
  rkeeper: RkeeperSimulator;
  configPath: string;
  bridgeUrl: string;
}

async function startFixture(): Promise<Fixture> {
  const port = await freePort();
  const bridgeUrl = `http://127.0.0.1:${port}`;
  const sandbox = await startInvoiceboxSandbox({
    merchants: [{ ...CAFE_MERCHANT, notificationUrl: `${bridgeUrl}/webhooks/invoicebox/cafe-1` }],
    settings: { webhook: { timeoutMs: 5_000, retryDelaysMs: [500, 1_000, 2_000, 4_000] } },
  });
  const rkeeper = await startRkeeperSimulator({});
  const dir = mkdtempSync(join(tmpdir(), 'bridge-crash-'));
  const configPath = join(dir, 'bridge.yaml');
  writeFileSync(
    configPath,
    `
logLevel: ${process.env.BRIDGE_TEST_LOGS ? 'info' : 'warn'}
server: { port: ${port}, host: 127.0.0.1, publicUrl: "${bridgeUrl}", adminToken: ${STACK_ADMIN_TOKEN} }
database: { url: "sqlite:${join(dir, 'bridge.db')}" }
invoicebox: { apiUrl: "${sandbox.url}", notifications: webhook, pollIntervalSeconds: 60, timeoutMs: 3000 }
settlement: { maxAttempts: 20, baseDelayMs: 100, maxDelayMs: 1000, leaseMs: 4000 }
sites:
  - id: cafe-1
    kind: rkeeper
    name: Cafe
    merchant: { merchantId: "${CAFE_MERCHANT.merchantId}", apiToken: "${CAFE_MERCHANT.token}", notificationKey: "${CAFE_MERCHANT.notificationKey}" }
    rkeeper:
      url: "${rkeeper.url}"
      username: "${rkeeper.username}"
      password: "${rkeeper.password}"
      tlsFingerprint: "${rkeeper.certificateFingerprint}"
      paymentCurrencyId: ${INVOICEBOX_CURRENCY}
      prepayReasonId: 5
      stationCode: 1
      cashierCode: 5
      timeoutMs: 1500
    pollIntervalSeconds: 1
`,
  );
  return { sandbox, rkeeper, configPath, bridgeUrl };
}

async function api<T>(bridgeUrl: string, method: 'GET' | 'POST', path: string): Promise<T> {
  const response = await fetch(`${bridgeUrl}${path}`, {
    method,
    headers: { Authorization: `Bearer ${STACK_ADMIN_TOKEN}` },
  });
  if (!response.ok) throw new Error(`${method} ${path} → ${response.status}: ${await response.text()}`);
  return (await response.json()) as T;
}

/**
 * The bridge is killed with SIGKILL after it has answered the payment notification and while its
 * PayOrder is in flight; a new process must apply that payment exactly once.
 */
describe('crash recovery: SIGKILL between the notification and the POS', () => {
  let fixture: Fixture;
  let bridge: BridgeProcess | undefined;

  beforeEach(async () => {
    fixture = await startFixture();
  });

  afterEach(async () => {
    await bridge?.kill('SIGKILL');
    await Promise.all([fixture.sandbox.close(), fixture.rkeeper.close()]);
  });

  it.each([
    ['the PayOrder never reached r_keeper', false],
    ['r_keeper applied the PayOrder but its answer died with the process', true],
  ])('applies the payment exactly once after a restart when %s', async (_case, appliedBeforeCrash) => {
    const { rkeeper, sandbox, bridgeUrl, configPath } = fixture;
    bridge = await spawnBridge({ configPath, url: bridgeUrl });
    const guid = rkeeper.control.openOrder({ tableCode: 5, dishes: [{ code: 101 }, { code: 305 }] }).guid;
    const bill = await waitFor(
      async () =>
        (
          await api<Array<{ id: string; externalId: string }>>(
            bridgeUrl,
            'GET',
            '/api/v1/bills?siteId=cafe-1&status=open',
          )
        ).find((b) => b.externalId === guid),
      { what: 'the bridge to see the order' },
    );
    const link = await api<{ paymentUrl: string; amount: number }>(
      bridgeUrl,
      'POST',
      `/api/v1/bills/${bill.id}/payment-link`,
    );
    const order = sandbox.orders().find((o) => o.paymentUrl === link.paymentUrl);
    if (!order) throw new Error('the sandbox has no order for the link');

    rkeeper.control.stallNext({ cmd: 'PayOrder', ms: 60_000, applyWrite: appliedBeforeCrash });
    const payOrdersBefore = rkeeper.state.requestCounts().PayOrder ?? 0;
    sandbox.control.payOrder(String(order.id));
    await waitFor(() => (rkeeper.state.requestCounts().PayOrder ?? 0) > payOrdersBefore, {
      what: 'the PayOrder to be sent',
    });
    // The notification was answered "success" before the process dies: Invoicebox will not send it again.
    await waitFor(() => sandbox.deliveries().some((d) => d.orderId === order.id && d.state === 'delivered'), {
      what: 'the webhook to be acknowledged',
    });

    await bridge.kill('SIGKILL');
    expect(rkeeper.state.order(guid).paid).toBe(appliedBeforeCrash);

    bridge = await spawnBridge({ configPath, url: bridgeUrl });
    await waitFor(() => rkeeper.state.order(guid).paid, {
      timeoutMs: 30_000,
      what: 'the order to be paid after the restart',
    });
    const details = await waitFor(
      async () => {
        const found = await api<{ settlements: Array<{ status: string }>; payments: unknown[] }>(
          bridgeUrl,
          'GET',
          `/api/v1/bills/${bill.id}`,
        );
        return found.settlements[0]?.status === 'applied' ? found : undefined;
      },
      { timeoutMs: 30_000, what: 'the settlement to be applied' },
    );
    expect(details.payments).toHaveLength(1);
    const pays = rkeeper.state
      .order(guid)
      .pays.filter((p) => !p.deleted && p.currencyId === INVOICEBOX_CURRENCY);
    expect(pays).toHaveLength(1);
    expect(pays[0].amount).toBe(link.amount);
  });
});
