import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { NestFactory } from '@nestjs/core';
import { SyncSiteBills } from '@bridge/core';
import { bootstrapBridge } from '../apps/bridge/src/bootstrap';
import { parseConfig } from '../apps/bridge/src/config/load-config';
import { BENCH_SITE, bridgeConfigYaml } from './support/config';
import { startRkeeperProcess } from './support/rkeeper-process';
import { median } from './support/stats';

export interface SyncCycle {
  ms: number;
  /** Requests the POS received during the cycle, by command. */
  calls: Record<string, number>;
  totalCalls: number;
  fetched: number;
}

export interface SyncSize {
  orders: number;
  /** The first cycle: every order is new to the bridge. */
  initial: SyncCycle;
  unchanged: SyncCycle[];
  changed: SyncCycle[];
  /** Orders changed at the POS before each changed cycle (1 %). */
  changedPerCycle: number;
  unchangedMedianMs: number;
  changedMedianMs: number;
}

export const DEFAULT_SYNC_SIZES = [10, 100, 1_000, 5_000];

/**
 * One site's sync cycle, timed in this process: the bridge's own use case with its real r_keeper adapter
 * (HTTPS, XML) and an SQLite store, no scheduler, against the simulator running as another process.
 */
export async function benchSyncCost(
  simulatorScript: string,
  sizes: readonly number[],
  cycles: number,
  log: (line: string) => void,
): Promise<SyncSize[]> {
  const results: SyncSize[] = [];
  for (const orders of sizes) results.push(await syncAtSize(simulatorScript, orders, cycles, log));
  return results;
}

async function syncAtSize(
  simulatorScript: string,
  orders: number,
  cycles: number,
  log: (line: string) => void,
): Promise<SyncSize> {
  const dir = mkdtempSync(join(tmpdir(), 'bench-sync-'));
  const rkeeper = await startRkeeperProcess(simulatorScript, 100);
  const config = parseConfig(
    bridgeConfigYaml({
      port: 1,
      databaseUrl: `sqlite:${join(dir, 'bridge.db')}`,
      invoiceboxUrl: 'http://127.0.0.1:9',
      logLevel: 'silent',
      rkeeper: rkeeper.endpoint,
    }),
    {},
    'bench',
  );
  const app = await bootstrapBridge(
    { config, path: 'bench', demo: false },
    { factory: NestFactory, scheduler: false },
  );
  await app.init();
  try {
    const sync = app.get(SyncSiteBills);
    const cycle = async (): Promise<SyncCycle> => {
      await rkeeper.control('DELETE', '/stats');
      const started = performance.now();
      const report = await sync.execute({ siteId: BENCH_SITE });
      const ms = performance.now() - started;
      if (!report.ran || report.failed > 0)
        throw new Error(`sync of ${orders} orders: ${JSON.stringify(report)}`);
      const calls = await rkeeper.requestCounts();
      const totalCalls = Object.values(calls).reduce((sum, n) => sum + n, 0);
      return { ms, calls, totalCalls, fetched: report.fetched };
    };

    await rkeeper.control('POST', '/orders/generate', { count: orders });
    const initial = await cycle();
    if (initial.fetched !== orders) throw new Error(`first sync read ${initial.fetched} of ${orders} orders`);
    const unchanged: SyncCycle[] = [];
    for (let i = 0; i < cycles; i++) unchanged.push(await cycle());
    const changed: SyncCycle[] = [];
    let changedPerCycle = 0;
    for (let i = 0; i < cycles; i++) {
      changedPerCycle = (
        await rkeeper.control<{ guids: string[] }>('POST', '/orders/change', { fraction: 0.01 })
      ).guids.length;
      const result = await cycle();
      if (result.fetched !== changedPerCycle) {
        throw new Error(`sync read ${result.fetched} orders, ${changedPerCycle} had changed`);
      }
      changed.push(result);
    }
    const size: SyncSize = {
      orders,
      initial,
      unchanged,
      changed,
      changedPerCycle,
      unchangedMedianMs: median(unchanged.map((c) => c.ms)),
      changedMedianMs: median(changed.map((c) => c.ms)),
    };
    log(
      `sync ${orders} orders: first ${initial.ms.toFixed(0)} ms; unchanged ${size.unchangedMedianMs.toFixed(1)} ms, ` +
        `${unchanged[0].totalCalls} call(s); 1 % changed ${size.changedMedianMs.toFixed(1)} ms, ${changed[0].totalCalls} calls`,
    );
    return size;
  } finally {
    await app.close();
    await rkeeper.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}
