import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { DEFAULT_LATENCY, benchPaymentLatency } from './payment-latency';
import { DEFAULT_SYNC_SIZES, benchSyncCost } from './sync-cost';
import { DEFAULT_INGEST, Driver, IngestOptions, benchWebhookIngest } from './webhook-ingest';
import { buildBundles } from './support/build';
import { renderChartsPng } from './support/chart';
import { ROOT } from './support/processes';
import { BenchResults, charts, ingestTable, machineLine, summaryTable, syncTable } from './support/report';

const RESULTS = join(ROOT, 'bench/results');
const DOC = join(ROOT, 'docs/performance.md');
const DOC_CHART = 'performance-latency.png';
const START = '<!-- bench:results:start -->';
const END = '<!-- bench:results:end -->';

/**
 * `npm run bench [-- --only ingest,latency,sync] [--drivers sqlite,postgres] [--quick] [--docs]`: runs the benchmarks, writes
 * bench/results/<name>.json, prints the table; --docs also refreshes docs/performance.md and its chart.
 */
async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      only: { type: 'string', default: 'ingest,latency,sync' },
      quick: { type: 'boolean', default: false },
      docs: { type: 'boolean', default: false },
      drivers: { type: 'string', default: 'sqlite,postgres' },
    },
  });
  const only = new Set(values.only.split(','));
  const log = (line: string) => process.stdout.write(`${new Date().toISOString().slice(11, 19)} ${line}\n`);
  mkdirSync(RESULTS, { recursive: true });
  const results: BenchResults = { startedAt: new Date().toISOString() };

  log('building the bundles');
  const bundles = await buildBundles({
    'ingest-bridge': 'bench/support/ingest-bridge.main.ts',
    baseline: 'bench/support/baseline-server.main.ts',
    bridge: 'apps/bridge/src/main.ts',
    'rkeeper-simulator': 'apps/simulators/src/rkeeper/rkeeper-simulator.main.ts',
  });

  if (only.has('ingest')) {
    results.ingest = [];
    for (const driver of values.drivers.split(',') as Driver[]) {
      const options = ingestOptions(driver, values.quick);
      results.ingest.push(
        await benchWebhookIngest(
          driver,
          { bridge: bundles['ingest-bridge'], baseline: bundles.baseline },
          options,
          log,
        ),
      );
    }
    write('webhook-ingest', results.ingest);
    write(
      'memory',
      results.ingest.map((run) => ({
        service: `webhook ${run.driver}`,
        idleMb: run.rssIdleMb,
        peakMb: run.rssPeakMb,
      })),
    );
  }
  if (only.has('latency')) {
    const scenarios = values.quick ? DEFAULT_LATENCY.map((s) => ({ ...s, rounds: 1 })) : DEFAULT_LATENCY;
    results.latency = await benchPaymentLatency(
      { bridge: bundles.bridge, simulator: bundles['rkeeper-simulator'] },
      scenarios,
      log,
    );
    write('payment-latency', results.latency);
  }
  if (only.has('sync')) {
    const sizes = values.quick ? DEFAULT_SYNC_SIZES.slice(0, 3) : DEFAULT_SYNC_SIZES;
    results.sync = await benchSyncCost(bundles['rkeeper-simulator'], sizes, values.quick ? 2 : 5, log);
    write('sync-cost', results.sync);
  }

  const report = [
    `Run ${results.startedAt} on ${machineLine()}.`,
    '',
    summaryTable(results),
    ...(results.ingest ? ['', 'Webhook ingest by concurrency:', '', ingestTable(results)] : []),
    ...(results.sync ? ['', 'Sync cycles (median of the cycles):', '', syncTable(results)] : []),
  ].join('\n');
  writeFileSync(join(RESULTS, 'summary.md'), `${report}\n`);
  process.stdout.write(`\n${report}\n`);

  const chartSpecs = charts(results);
  if (chartSpecs.length > 0) {
    const chart = join(RESULTS, 'latency.png');
    await renderChartsPng(
      chartSpecs,
      `npm run bench, ${results.startedAt.slice(0, 10)}, ${machineLine()}`,
      chart,
    );
    log(`chart: ${chart}`);
    if (values.docs) copyFileSync(chart, join(ROOT, 'docs', DOC_CHART));
  }
  const broken = correctnessFailures(results);
  if (broken.length > 0)
    throw new Error(`The bridge did its job wrong under load:\n- ${broken.join('\n- ')}`);
  if (values.docs) {
    const doc = readFileSync(DOC, 'utf8');
    const start = doc.indexOf(START);
    const end = doc.indexOf(END);
    if (start < 0 || end < start) throw new Error(`${DOC} has no ${START} … ${END} section`);
    writeFileSync(DOC, `${doc.slice(0, start + START.length)}\n${report}\n${doc.slice(end)}`);
    log(`updated ${DOC}`);
  }
}

function ingestOptions(driver: Driver, quick: boolean): IngestOptions {
  // PostgreSQL on this machine takes a round trip per statement: fewer notifications keep the run short.
  const scale = (quick ? 0.25 : 1) * (driver === 'postgres' ? 0.6 : 1);
  return {
    ...DEFAULT_INGEST,
    levels: DEFAULT_INGEST.levels.map((level) => ({ ...level, amount: Math.round(level.amount * scale) })),
    warmup: Math.round(DEFAULT_INGEST.warmup * (quick ? 0.5 : 1)),
  };
}

/** Speed targets are reported; a wrong result (an error, a payment lost or applied twice) fails the run. */
function correctnessFailures(results: BenchResults): string[] {
  const failures: string[] = [];
  for (const run of results.ingest ?? []) {
    const errors = run.levels.reduce((sum, level) => sum + level.bridge.errors, 0) + run.replayed.errors;
    if (errors > 0) failures.push(`webhook ingest on ${run.driver}: ${errors} requests failed`);
    if (!run.exactlyOnce)
      failures.push(`webhook ingest on ${run.driver}: ledger ${JSON.stringify(run.ledger)}`);
  }
  for (const scenario of results.latency?.scenarios ?? []) {
    if (!scenario.exactlyOnce) failures.push(`${scenario.tables} tables: not every order paid exactly once`);
  }
  for (const size of results.sync ?? []) {
    const calls = size.unchanged.map((cycle) => cycle.totalCalls);
    if (calls.some((count) => count !== 1))
      failures.push(`sync of ${size.orders} unchanged orders: ${calls} calls`);
  }
  return failures;
}

function write(name: string, value: unknown): void {
  writeFileSync(join(RESULTS, `${name}.json`), `${JSON.stringify(value, null, 2)}\n`);
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exit(1);
  },
);
