import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createTestDatabase } from '@bridge/persistence';
import { freePort } from '../test/support/free-port';
import { BENCH_SITE, bridgeConfigYaml } from './support/config';
import { LoadResult, LoadRun, PreparedRequest, combineRuns, fireLoad } from './support/load';
import { BENCH_MERCHANT, isSuccessReply, paymentNotification } from './support/notifications';
import { ServiceProcess, cpuProfileArgs, sampleRss, startService } from './support/processes';
import { LedgerCheck, checkLedger, seedActiveLinks } from './support/seed';

export type Driver = 'sqlite' | 'postgres';

export interface MeasuredSide extends LoadResult {
  /** CPU time (user + system) of the server process per request: steadier than rates on a shared machine. */
  cpuMsPerRequest: number;
}

export interface IngestLevel {
  connections: number;
  bridge: MeasuredSide;
  baseline: MeasuredSide;
  /** Bridge rate ÷ baseline rate. */
  ratio: number;
}

export interface IngestRun {
  driver: Driver;
  levels: IngestLevel[];
  /** Notifications the bridge accepted (warm-up and measured levels). */
  accepted: number;
  /** Already-accepted notifications sent again afterwards: each must be answered and change nothing. */
  replayed: LoadResult;
  ledger: LedgerCheck;
  exactlyOnce: boolean;
  rssIdleMb: number;
  rssPeakMb: number;
}

export interface IngestOptions {
  levels: readonly { connections: number; amount: number }[];
  /** Each level is split in this many turns, bridge and baseline alternating. */
  rounds: number;
  warmup: number;
  replay: number;
}

export const DEFAULT_INGEST: IngestOptions = {
  levels: [
    { connections: 1, amount: 1_500 },
    { connections: 8, amount: 6_000 },
    { connections: 32, amount: 9_000 },
    { connections: 64, amount: 9_000 },
  ],
  rounds: 3,
  warmup: 1_500,
  replay: 500,
};

export interface IngestScripts {
  bridge: string;
  baseline: string;
}

const WEBHOOK_PATH = `/webhooks/invoicebox/${BENCH_SITE}`;

/**
 * Signed "completed" notifications, each for its own active link, from autocannon in this process to the
 * bridge in another. The baseline takes turns with the bridge at every concurrency, on the same machine at
 * the same moment, against the same database engine with the same durability.
 */
export async function benchWebhookIngest(
  driver: Driver,
  scripts: IngestScripts,
  options: IngestOptions,
  log: (line: string) => void,
): Promise<IngestRun> {
  const dir = mkdtempSync(join(tmpdir(), `bench-ingest-${driver}-`));
  const database =
    driver === 'postgres'
      ? await createTestDatabase('bench_ingest')
      : { url: `sqlite:${join(dir, 'bridge.db')}`, drop: async () => undefined };
  // PostgreSQL: the same database; SQLite: a file of its own beside the bridge's, so neither checkpoints the other's WAL.
  const baselineUrl = driver === 'postgres' ? database.url : `sqlite:${join(dir, 'baseline.db')}`;
  const services: ServiceProcess[] = [];
  try {
    const spare = 2 * Math.max(...options.levels.map((level) => level.connections)) + 16;
    const chunks = options.levels.length * options.rounds + 1;
    const measured = options.levels.reduce((sum, level) => sum + level.amount, 0);
    const total = options.warmup + measured + spare * chunks;
    log(`${driver}: seeding ${total} bills with active links`);
    const orders = await seedActiveLinks(database.url, BENCH_SITE, total);
    const requests = orders.map((order) => paymentNotification(order));

    const bridgePort = await freePort();
    const configPath = join(dir, 'bridge.yaml');
    writeFileSync(
      configPath,
      bridgeConfigYaml({ port: bridgePort, databaseUrl: database.url, invoiceboxUrl: 'http://127.0.0.1:9' }),
    );
    const bridge = await startService({
      script: scripts.bridge,
      url: `http://127.0.0.1:${bridgePort}`,
      readyPath: '/healthz',
      logFile: join(dir, 'bridge.log'),
      env: { BRIDGE_CONFIG: configPath },
      nodeArgs: cpuProfileArgs('ingest'),
    });
    services.push(bridge);
    const baselinePort = await freePort();
    const baseline = await startService({
      script: scripts.baseline,
      url: `http://127.0.0.1:${baselinePort}`,
      readyPath: '/',
      logFile: join(dir, 'baseline.log'),
      args: [String(baselinePort), baselineUrl, BENCH_MERCHANT.notificationKey],
    });
    services.push(baseline);

    await new Promise((resolve) => setTimeout(resolve, 2_000));
    const rssIdleMb = bridge.rssMb();
    const sampler = sampleRss(bridge.pid);

    let cursor = 0;
    const take = (count: number): PreparedRequest[] => {
      const slice = requests.slice(cursor, cursor + count + spare);
      cursor += count + spare;
      return slice;
    };
    const load = async (
      service: ServiceProcess,
      slice: readonly PreparedRequest[],
      connections: number,
      amount: number,
    ): Promise<LoadRun & { cpuMs: number }> => {
      const cpuBefore = service.cpuMs();
      const run = await fireLoad({
        url: service.url,
        path: WEBHOOK_PATH,
        connections,
        amount,
        requests: slice,
        isSuccess: isSuccessReply,
      });
      return { ...run, cpuMs: service.cpuMs() - cpuBefore };
    };
    const measure = (runs: Array<LoadRun & { cpuMs: number }>): MeasuredSide => {
      const combined = combineRuns(runs);
      const cpuMs = runs.reduce((sum, run) => sum + run.cpuMs, 0);
      return { ...combined, cpuMsPerRequest: cpuMs / combined.completed };
    };

    const warmupSlice = take(options.warmup);
    let accepted = (await load(bridge, warmupSlice, 8, options.warmup)).ok;
    await load(baseline, warmupSlice, 8, options.warmup);

    const levels: IngestLevel[] = [];
    for (const level of options.levels) {
      const amount = Math.ceil(level.amount / options.rounds);
      const bridgeRuns: Array<LoadRun & { cpuMs: number }> = [];
      const baselineRuns: Array<LoadRun & { cpuMs: number }> = [];
      for (let round = 0; round < options.rounds; round++) {
        const slice = take(amount);
        bridgeRuns.push(await load(bridge, slice, level.connections, amount));
        baselineRuns.push(await load(baseline, slice, level.connections, amount));
      }
      const bridgeSide = measure(bridgeRuns);
      const baselineSide = measure(baselineRuns);
      accepted += bridgeSide.ok;
      const ratio = bridgeSide.ratePerSecond / baselineSide.ratePerSecond;
      levels.push({ connections: level.connections, bridge: bridgeSide, baseline: baselineSide, ratio });
      log(
        `${driver} c=${level.connections}: bridge ${Math.round(bridgeSide.ratePerSecond)}/s ` +
          `p50 ${bridgeSide.latencyMs.p50.toFixed(1)} p99 ${bridgeSide.latencyMs.p99.toFixed(1)} ms ` +
          `${bridgeSide.cpuMsPerRequest.toFixed(2)} cpu-ms/req, errors ${bridgeSide.errors}; ` +
          `baseline ${Math.round(baselineSide.ratePerSecond)}/s p99 ${baselineSide.latencyMs.p99.toFixed(1)} ms ` +
          `${baselineSide.cpuMsPerRequest.toFixed(2)} cpu-ms/req; ratio ${ratio.toFixed(2)}`,
      );
    }
    const replayed = combineRuns([
      await load(bridge, requests.slice(0, options.replay + spare), 16, options.replay),
    ]);
    const rssPeakMb = Math.max(sampler.stop(), bridge.peakRssMb());
    await Promise.all(services.map((service) => service.stop()));
    services.length = 0;

    const ledger = await checkLedger(database.url);
    const exactlyOnce =
      replayed.errors === 0 &&
      ledger.payments === accepted &&
      ledger.distinctOrders === accepted &&
      ledger.settlements === accepted &&
      ledger.paymentsWithOtherThanOneSettlement === 0 &&
      ledger.paidLinks === accepted &&
      ledger.inbox === accepted;
    return { driver, levels, accepted, replayed, ledger, exactlyOnce, rssIdleMb, rssPeakMb };
  } finally {
    await Promise.all(services.map((service) => service.stop()));
    await database.drop();
    rmSync(dir, { recursive: true, force: true });
  }
}
