import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { orderExternalId } from '@bridge/rkeeper';
import { InvoiceboxSandbox, phpJsonEncode, startInvoiceboxSandbox } from '@bridge/simulators';
import { freePort } from '../test/support/free-port';
import { BENCH_ADMIN_TOKEN, BENCH_SITE, bridgeConfigYaml } from './support/config';
import { BENCH_MERCHANT, isSuccessReply, signed } from './support/notifications';
import { ServiceProcess, cpuProfileArgs, sampleRss, startService } from './support/processes';
import { RkeeperProcess, startRkeeperProcess } from './support/rkeeper-process';
import { Percentiles, percentiles } from './support/stats';

const INVOICEBOX_CURRENCY = 1030240;

export interface LatencyScenario {
  tables: number;
  rounds: number;
  /** 0: every notification at the same instant; otherwise spread evenly over this long. */
  spreadMs: number;
}

export const DEFAULT_LATENCY: LatencyScenario[] = [
  { tables: 10, rounds: 6, spreadMs: 0 },
  { tables: 100, rounds: 3, spreadMs: 0 },
  // The same hundred tables at a pace a full restaurant could reach: ten payments a second.
  { tables: 100, rounds: 3, spreadMs: 10_000 },
];

export interface LatencyResult {
  tables: number;
  spreadMs: number;
  samples: number;
  latencyMs: Percentiles;
  /** Every order paid at the POS with exactly one Invoicebox payment line, every settlement applied once. */
  exactlyOnce: boolean;
}

export interface PaymentLatencyRun {
  scenarios: LatencyResult[];
  rssIdleMb: number;
  rssPeakMb: number;
}

interface BillView {
  id: string;
  externalId: string;
}

interface BillDetails {
  settlements: Array<{ status: string; appliedAt: string | null }>;
}

interface SimOrder {
  paid: boolean;
  pays: Array<{ currencyId: number; deleted: boolean }>;
}

/**
 * The whole promise, end to end: tables pay at once, each notification is timed from the moment it is
 * sent until the bridge has r_keeper's answer to its PayOrder (the settlement's appliedAt). The bridge is
 * the service as shipped (main.ts, scheduler on, SQLite), the POS the r_keeper simulator in its own process.
 */
export async function benchPaymentLatency(
  scripts: { bridge: string; simulator: string },
  scenarios: readonly LatencyScenario[],
  log: (line: string) => void,
): Promise<PaymentLatencyRun> {
  const dir = mkdtempSync(join(tmpdir(), 'bench-latency-'));
  const maxTables = Math.max(...scenarios.map((s) => s.tables));
  let rkeeper: RkeeperProcess | undefined;
  let sandbox: InvoiceboxSandbox | undefined;
  let bridge: ServiceProcess | undefined;
  try {
    rkeeper = await startRkeeperProcess(scripts.simulator, maxTables);
    sandbox = await startInvoiceboxSandbox({
      merchants: [{ ...BENCH_MERCHANT, channels: { webhook: false, websocket: false } }],
    });
    const port = await freePort();
    const configPath = join(dir, 'bridge.yaml');
    writeFileSync(
      configPath,
      bridgeConfigYaml({
        port,
        databaseUrl: `sqlite:${join(dir, 'bridge.db')}`,
        invoiceboxUrl: sandbox.url,
        rkeeper: rkeeper.endpoint,
      }),
    );
    bridge = await startService({
      script: scripts.bridge,
      url: `http://127.0.0.1:${port}`,
      readyPath: '/healthz',
      logFile: join(dir, 'bridge.log'),
      env: { BRIDGE_CONFIG: configPath },
      nodeArgs: cpuProfileArgs('latency'),
    });
    await new Promise((resolve) => setTimeout(resolve, 2_000));
    const rssIdleMb = bridge.rssMb();
    const sampler = sampleRss(bridge.pid);
    const results: LatencyResult[] = [];
    for (const scenario of scenarios) {
      const latencies: number[] = [];
      let exactlyOnce = true;
      for (let round = 0; round < scenario.rounds; round++) {
        const outcome = await payingRound(bridge.url, rkeeper, sandbox, scenario);
        latencies.push(...outcome.latencies);
        exactlyOnce &&= outcome.exactlyOnce;
      }
      const result = {
        tables: scenario.tables,
        spreadMs: scenario.spreadMs,
        samples: latencies.length,
        latencyMs: percentiles(latencies),
        exactlyOnce,
      };
      results.push(result);
      log(
        `${scenario.tables} tables paying ${spreadLabel(scenario.spreadMs)}: p50 ${result.latencyMs.p50.toFixed(0)} p95 ` +
          `${result.latencyMs.p95.toFixed(0)} p99 ${result.latencyMs.p99.toFixed(0)} ms over ${result.samples}, ` +
          `exactly once: ${exactlyOnce}`,
      );
    }
    return { scenarios: results, rssIdleMb, rssPeakMb: Math.max(sampler.stop(), bridge.peakRssMb()) };
  } finally {
    await bridge?.stop();
    await sandbox?.close();
    await rkeeper?.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

async function payingRound(
  bridgeUrl: string,
  rkeeper: RkeeperProcess,
  sandbox: InvoiceboxSandbox,
  { tables, spreadMs }: LatencyScenario,
): Promise<{ latencies: number[]; exactlyOnce: boolean }> {
  const api = async <T>(method: string, path: string): Promise<T> => {
    const response = await fetch(`${bridgeUrl}${path}`, {
      method,
      headers: { Authorization: `Bearer ${BENCH_ADMIN_TOKEN}` },
    });
    if (!response.ok) throw new Error(`${method} ${path}: ${response.status} ${await response.text()}`);
    return (await response.json()) as T;
  };
  const guids: string[] = [];
  for (let table = 1; table <= tables; table++) {
    const order = await rkeeper.control<{ guid: string }>('POST', '/orders', {
      tableCode: table,
      dishes: [{ code: 201, quantityMilli: 2000 }, { code: 301 }],
    });
    guids.push(order.guid);
  }
  const wanted = new Set(guids.map(orderExternalId));
  const bills = await waitUntil(async () => {
    const open = await api<BillView[]>('GET', `/api/v1/bills?siteId=${BENCH_SITE}&status=open&limit=500`);
    const ours = open.filter((bill) => wanted.has(bill.externalId));
    return ours.length === tables ? ours : undefined;
  }, 'the bridge to see the new orders');

  const notifications = await inBatches(bills, 10, async (bill) => {
    const link = await api<{ paymentUrl: string }>('POST', `/api/v1/bills/${bill.id}/payment-link`);
    const order = sandbox.orders().find((o) => o.paymentUrl === link.paymentUrl);
    if (!order) throw new Error(`no sandbox order behind ${link.paymentUrl}`);
    return {
      bill,
      request: signed(phpJsonEncode(sandbox.control.payOrder(order.id)), BENCH_MERCHANT.notificationKey),
    };
  });

  const payOrdersBefore = (await rkeeper.requestCounts()).PayOrder ?? 0;
  const sent = await Promise.all(
    notifications.map(async ({ bill, request }, index) => {
      if (spreadMs > 0) await new Promise((resolve) => setTimeout(resolve, (index * spreadMs) / tables));
      const at = Date.now();
      const response = await fetch(`${bridgeUrl}/webhooks/invoicebox/${BENCH_SITE}`, {
        method: 'POST',
        headers: request.headers,
        body: request.body,
      });
      if (!isSuccessReply(response.status, await response.text())) throw new Error('notification refused');
      return { bill, at };
    }),
  );
  await waitUntil(
    async () => ((await rkeeper.requestCounts()).PayOrder ?? 0) - payOrdersBefore >= tables || undefined,
    'every PayOrder',
  );
  const latencies = await inBatches(sent, 10, async ({ bill, at }) => {
    const details = await waitUntil(async () => {
      const found = await api<BillDetails>('GET', `/api/v1/bills/${bill.id}`);
      return found.settlements.length > 0 && found.settlements.every((s) => s.appliedAt) ? found : undefined;
    }, 'the settlement to be applied');
    if (details.settlements.length !== 1)
      throw new Error(`bill ${bill.id} has ${details.settlements.length} settlements`);
    return Date.parse(details.settlements[0].appliedAt ?? '') - at;
  });
  const orders = await Promise.all(guids.map((guid) => rkeeper.control<SimOrder>('GET', `/orders/${guid}`)));
  const payOrders = ((await rkeeper.requestCounts()).PayOrder ?? 0) - payOrdersBefore;
  const exactlyOnce =
    payOrders === tables &&
    orders.every(
      (order) =>
        order.paid &&
        order.pays.filter((line) => !line.deleted && line.currencyId === INVOICEBOX_CURRENCY).length === 1,
    );
  return { latencies, exactlyOnce };
}

async function waitUntil<T>(
  probe: () => Promise<T | undefined>,
  what: string,
  timeoutMs = 60_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

async function inBatches<T, R>(
  items: readonly T[],
  size: number,
  work: (item: T) => Promise<R>,
): Promise<R[]> {
  const results: R[] = [];
  for (let start = 0; start < items.length; start += size) {
    results.push(...(await Promise.all(items.slice(start, start + size).map(work))));
  }
  return results;
}

export function spreadLabel(spreadMs: number): string {
  return spreadMs === 0 ? 'at once' : `over ${spreadMs / 1000} s`;
}
