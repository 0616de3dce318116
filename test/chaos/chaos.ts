import { setTimeout as sleep } from 'node:timers/promises';
import { Store } from '@bridge/core';
import { TypeormStore, createDataSourceOptions, createTestDatabase } from '@bridge/persistence';
import { startInvoiceboxSandbox, startRkeeperSimulator } from '@bridge/simulators';
import { DataSource } from 'typeorm';
import { CAFE_MERCHANT } from '../support/stack';
import { BridgeCluster, INVOICEBOX_CURRENCY } from './cluster';

const SITE = 'cafe-1';
const DISHES = [
  101, 102, 103, 104, 201, 202, 203, 301, 302, 303, 401, 402, 501, 502, 503, 601, 602, 604, 702,
];

export interface ChaosOptions {
  /** At least this many payments; more while fewer than `minKills` processes have been killed. */
  payments: number;
  /** Guests keep paying until this many kills happened among them, however fast the machine pays. */
  minKills: number;
  tables: number;
  processes: number;
  /** Guests paying at the same time. */
  concurrency: number;
  /** A random bridge process is killed (SIGKILL) this often, and started again at once. */
  killEveryMs: number;
  /** After the last payment: how long every payment may take to be applied or handed to a person. */
  drainMs: number;
  seed: number;
  /** Share of Invoicebox API calls answered 5xx, and 429. */
  invoiceboxErrorRate: number;
  rateLimitRate: number;
  /** Every second, the chance that the next notification is dropped, sent twice, or that a batch is reordered. */
  dropRate: number;
  duplicateRate: number;
  reorderRate: number;
  /** Every second, the chance that r_keeper stalls its next PayOrder, or that a waiter locks an open order. */
  posStallRate: number;
  posLockRate: number;
  log?: (line: string) => void;
}

export const DEFAULT_CHAOS: ChaosOptions = {
  payments: 100,
  minKills: 5,
  tables: 30,
  processes: 3,
  concurrency: 6,
  killEveryMs: 5_000,
  drainMs: 45_000,
  seed: 1,
  invoiceboxErrorRate: 0.05,
  rateLimitRate: 0.05,
  dropRate: 0.3,
  duplicateRate: 0.3,
  reorderRate: 0.15,
  posStallRate: 0.3,
  posLockRate: 0.3,
};

interface PaidOrder {
  guid: string;
  providerOrderId: string;
  amount: number;
  paidAt: number;
}

export interface ChaosReport {
  options: ChaosOptions;
  durationMs: number;
  drainMs: number;
  kills: number;
  /** Guests who gave up before paying (no link within a minute): not payments. */
  gaveUp: number;
  confirmed: number;
  applied: number;
  appliedTwice: number;
  lost: number;
  waiting: Record<string, number>;
  latencyMs: { count: number; p50: number; p90: number; p99: number; max: number };
  faults: Record<string, number>;
  lostOrders: Array<{ providerOrderId: string; guid: string; bridge: string }>;
}

/** mulberry32: the run's choices are repeatable; timing is not. */
function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function percentile(sorted: number[], q: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))];
}

/**
 * Three (or more) bridge processes on one PostgreSQL against the simulators, while processes are killed,
 * Invoicebox fails and repeats itself and r_keeper stalls and locks orders. Returns what reached r_keeper.
 */
export async function runChaos(options: ChaosOptions): Promise<ChaosReport> {
  const log = options.log ?? (() => undefined);
  const random = seeded(options.seed);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)];
  const faults: Record<string, number> = {
    'invoicebox 5xx': 0,
    'invoicebox 429': 0,
    'notifications dropped': 0,
    'notifications duplicated': 0,
    'notification batches reordered': 0,
    'PayOrder stalls': 0,
    'orders locked': 0,
  };

  const db = await createTestDatabase('bridge_chaos');
  const sandbox = await startInvoiceboxSandbox({
    merchants: [CAFE_MERCHANT],
    random,
    settings: { webhook: { timeoutMs: 5_000, retryDelaysMs: [300, 1_000, 2_000, 4_000, 8_000] } },
  });
  const rkeeper = await startRkeeperSimulator({ tableCount: options.tables, randomSeed: options.seed });
  const cluster = await BridgeCluster.start({
    processes: options.processes,
    databaseUrl: db.url,
    sandbox,
    rkeeper,
    settlement: { leaseMs: 5_000, maxAttempts: 30, baseDelayMs: 200, maxDelayMs: 2_000 },
    rkeeperTimeoutMs: 2_000,
    syncIntervalSeconds: 1,
    invoiceboxPollIntervalSeconds: 2,
  });
  const dataSource = await new DataSource(createDataSourceOptions(db.url, { poolSize: 6 })).initialize();
  const store: Store = new TypeormStore(dataSource);
  const started = Date.now();
  const paid: PaidOrder[] = [];
  let gaveUp = 0;
  let kills = 0;
  let chaosOn = true;

  // 500 on a create leaves its outcome unknown (the bridge looks the order up); 503 says nothing happened.
  const failures = [500, 503].map((status) =>
    sandbox.control.addFault({
      kinds: ['create', 'read', 'cancel'],
      action: { kind: 'error', status },
      probability: options.invoiceboxErrorRate / 2,
    }),
  );
  const rateLimit = sandbox.control.addFault({
    kinds: ['create', 'read', 'cancel'],
    action: { kind: 'error', status: 429, retryAfterSeconds: 1 },
    probability: options.rateLimitRate,
  });

  const restarting = new Set<Promise<unknown>>();
  const killer = (async () => {
    while (chaosOn) {
      await sleep(options.killEveryMs);
      const alive = cluster.alive();
      if (!chaosOn || alive.length === 0) continue;
      const victim = pick(alive);
      kills += 1;
      await cluster.kill(victim.index);
      log(`killed process ${victim.index}; ${cluster.alive().length} left`);
      const restart = cluster
        .startMember(victim.index)
        .catch((error: unknown) => log(`restart of ${victim.index} failed: ${String(error)}`));
      restarting.add(restart);
      void restart.finally(() => restarting.delete(restart));
    }
  })();

  const troublemaker = (async () => {
    while (chaosOn) {
      await sleep(1_000);
      if (random() < options.dropRate) {
        sandbox.control.dropNotifications(1);
        faults['notifications dropped'] += 1;
      }
      if (random() < options.duplicateRate) {
        sandbox.control.duplicateNotifications(1, { concurrent: random() < 0.5 });
        faults['notifications duplicated'] += 1;
      }
      if (random() < options.reorderRate) {
        sandbox.control.holdNotifications();
        faults['notification batches reordered'] += 1;
        const holdMs = 500 + random() * 1_500;
        void sleep(holdMs).then(() => sandbox.control.releaseHeldNotifications('reverse'));
      }
      if (random() < options.posStallRate) {
        rkeeper.control.stallNext({
          cmd: 'PayOrder',
          ms: 2_500 + random() * 2_000,
          applyWrite: random() < 0.5,
        });
        faults['PayOrder stalls'] += 1;
      }
      const open = rkeeper.state.orders({ open: true }).filter((o) => !o.locked);
      if (random() < options.posLockRate && open.length > 0) {
        const { guid } = pick(open);
        rkeeper.control.lock(guid);
        faults['orders locked'] += 1;
        void sleep(1_000 + random() * 2_000).then(() => rkeeper.control.unlock(guid));
      }
    }
  })();

  // A guest who gives up is replaced by another one, so the run makes `payments` payments.
  let paying = 0;
  const guest = async (): Promise<void> => {
    const wanted = () => paid.length + paying < options.payments || kills < options.minKills;
    while (wanted() && gaveUp < options.payments) {
      paying += 1;
      const dishes = Array.from({ length: 1 + Math.floor(random() * 3) }, () => ({ code: pick(DISHES) }));
      const guid = rkeeper.control.openOrder({
        tableCode: 1 + Math.floor(random() * options.tables),
        dishes,
      }).guid;
      const order = await payOnce(cluster, store, sandbox, guid);
      paying -= 1;
      if (order) paid.push(order);
      else gaveUp += 1;
      if (paid.length % 25 === 0 && order) log(`${paid.length} paid, ${cluster.alive().length} processes up`);
    }
  };
  await Promise.all(Array.from({ length: options.concurrency }, guest));

  chaosOn = false;
  await Promise.all([killer, troublemaker]);
  const applied = (id: string) => sandbox.control.faults().find((rule) => rule.id === id)?.applied ?? 0;
  faults['invoicebox 5xx'] = failures.reduce((sum, id) => sum + applied(id), 0);
  faults['invoicebox 429'] = applied(rateLimit);
  sandbox.control.clearFaults();
  await sandbox.control.releaseHeldNotifications('reverse');
  await Promise.all([...restarting]);
  for (const member of cluster.members) if (!member.ready) await cluster.startMember(member.index);
  for (const order of rkeeper.state.orders()) if (order.locked) rkeeper.control.unlock(order.guid);
  const paymentsDone = Date.now();
  log(`all ${paid.length} paid after ${Math.round((paymentsDone - started) / 1000)} s; draining`);

  const ourLines = (guid: string) =>
    [...rkeeper.state.order(guid).pays, ...rkeeper.state.order(guid).prepays].filter(
      (line) => !line.deleted && line.currencyId === INVOICEBOX_CURRENCY,
    );
  /** At r_keeper with the bridge's books agreeing, or handed to a person. */
  const settled = async (order: PaidOrder): Promise<boolean> => {
    const payment = await store.payments.findByProviderOrder(order.providerOrderId, 'completed');
    const settlement = payment ? await store.settlements.findByPaymentId(payment.id) : null;
    if (settlement?.status === 'needs_attention') return true;
    return settlement?.status === 'applied' && ourLines(order.guid).length > 0;
  };
  let pending = [...paid];
  const deadline = paymentsDone + options.drainMs;
  while (pending.length > 0 && Date.now() < deadline) {
    const still: PaidOrder[] = [];
    for (const order of pending) {
      if (await settled(order)) continue;
      still.push(order);
    }
    pending = still;
    if (pending.length > 0) await sleep(500);
  }
  const drainMs = Date.now() - paymentsDone;

  const report: ChaosReport = {
    options,
    durationMs: Date.now() - started,
    drainMs,
    kills,
    gaveUp,
    confirmed: 0,
    applied: 0,
    appliedTwice: 0,
    lost: 0,
    waiting: {},
    latencyMs: { count: 0, p50: 0, p90: 0, p99: 0, max: 0 },
    faults,
    lostOrders: [],
  };
  const latencies: number[] = [];
  for (const order of paid) {
    if (sandbox.order(order.providerOrderId)?.status !== 'completed') continue;
    report.confirmed += 1;
    const lines = ourLines(order.guid);
    const payment = await store.payments.findByProviderOrder(order.providerOrderId, 'completed');
    const settlement = payment ? await store.settlements.findByPaymentId(payment.id) : null;
    if (lines.length > 1) report.appliedTwice += 1;
    if (lines.length >= 1) {
      report.applied += 1;
      if (settlement?.appliedAt) latencies.push(settlement.appliedAt.getTime() - order.paidAt);
      continue;
    }
    const reason = settlement?.status === 'needs_attention' ? settlement.attentionReason : undefined;
    if (reason) {
      report.waiting[reason] = (report.waiting[reason] ?? 0) + 1;
      continue;
    }
    report.lost += 1;
    report.lostOrders.push({
      providerOrderId: order.providerOrderId,
      guid: order.guid,
      bridge: settlement
        ? `settlement ${settlement.status}`
        : payment
          ? 'payment without settlement'
          : 'no payment',
    });
  }
  latencies.sort((a, b) => a - b);
  report.latencyMs = {
    count: latencies.length,
    p50: percentile(latencies, 0.5),
    p90: percentile(latencies, 0.9),
    p99: percentile(latencies, 0.99),
    max: latencies[latencies.length - 1] ?? 0,
  };

  await cluster.close();
  await dataSource.destroy();
  await Promise.all([sandbox.close(), rkeeper.close()]);
  await db.drop();
  return report;
}

/** The guest's side: waits for the bill, gets a link (retrying as a guest would), and pays it. */
async function payOnce(
  cluster: BridgeCluster,
  store: Store,
  sandbox: Awaited<ReturnType<typeof startInvoiceboxSandbox>>,
  guid: string,
): Promise<PaidOrder | null> {
  const giveUpAt = Date.now() + 60_000;
  while (Date.now() < giveUpAt) {
    const bill = await store.bills.findByExternalId(SITE, guid);
    if (!bill || bill.status !== 'open') {
      await sleep(200);
      continue;
    }
    let linkId: string | undefined;
    try {
      const issued = await cluster.api<{ linkId?: string }>('POST', `/api/v1/bills/${bill.id}/payment-link`);
      linkId = issued.status === 201 ? issued.body.linkId : undefined;
    } catch {
      linkId = undefined;
    }
    const link = linkId ? await store.links.findById(linkId) : null;
    if (!link?.providerOrderId) {
      await sleep(300);
      continue;
    }
    try {
      sandbox.control.payOrder(link.providerOrderId);
    } catch {
      await sleep(300);
      continue;
    }
    return { guid, providerOrderId: link.providerOrderId, amount: link.amount.minor, paidAt: Date.now() };
  }
  return null;
}

function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(1)} s`;
}

export function formatChaosReport(report: ChaosReport): string {
  const o = report.options;
  const row = (label: string, value: string | number) => `  ${label.padEnd(34)}${String(value).padStart(10)}`;
  const lines = [
    `Chaos run: ${o.payments} payments${o.minKills > 0 ? ` (or more, until ${o.minKills} kills)` : ''}, ${o.tables} tables, ${o.processes} bridge processes on PostgreSQL, ` +
      `a SIGKILL every ${seconds(o.killEveryMs)}, seed ${o.seed}`,
    `  faults: Invoicebox 5xx ${pct(o.invoiceboxErrorRate)} and 429 ${pct(o.rateLimitRate)} of API calls; ` +
      `per second: drop ${pct(o.dropRate)}, duplicate ${pct(o.duplicateRate)}, reorder ${pct(o.reorderRate)} ` +
      `notifications; PayOrder stall ${pct(o.posStallRate)}, order lock ${pct(o.posLockRate)}`,
    row('duration', seconds(report.durationMs)),
    row('drain after the last payment', seconds(report.drainMs)),
    row('processes killed and restarted', report.kills),
    ...Object.entries(report.faults).map(([name, count]) => row(`  ${name}`, count)),
    '  ' + '-'.repeat(44),
    row('payments confirmed (Invoicebox)', report.confirmed),
    row('applied at r_keeper', report.applied),
    row('applied twice', report.appliedTwice),
    row('lost', report.lost),
    row(
      'waiting for a person',
      Object.values(report.waiting).reduce((a, b) => a + b, 0),
    ),
    ...Object.entries(report.waiting).map(([reason, count]) => row(`  ${reason}`, count)),
    row('guests who gave up before paying', report.gaveUp),
    '  ' + '-'.repeat(44),
    `  notification → applied latency (${report.latencyMs.count} payments): ` +
      `p50 ${seconds(report.latencyMs.p50)}, p90 ${seconds(report.latencyMs.p90)}, ` +
      `p99 ${seconds(report.latencyMs.p99)}, max ${seconds(report.latencyMs.max)}`,
  ];
  for (const lost of report.lostOrders)
    lines.push(`  LOST ${lost.providerOrderId} (order ${lost.guid}): ${lost.bridge}`);
  return lines.join('\n');
}

function pct(rate: number): string {
  return `${Math.round(rate * 100)}%`;
}
