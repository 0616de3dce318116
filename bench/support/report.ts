import { cpus, totalmem } from 'node:os';
import { IngestLevel, IngestRun } from '../webhook-ingest';
import { PaymentLatencyRun, spreadLabel } from '../payment-latency';
import { SyncSize } from '../sync-cost';
import { BarChart, LineChart } from './chart';

export interface BenchResults {
  startedAt: string;
  ingest?: IngestRun[];
  latency?: PaymentLatencyRun;
  sync?: SyncSize[];
}

export const TARGETS = {
  ingestRate: { sqlite: 1_500, postgres: 1_000 },
  ingestP99Ms: 50,
  baselineRatio: 0.5,
  payOrderP95Ms: 150,
  unchangedSyncMs: 300,
  rssPeakMb: 200,
};

const mark = (ok: boolean) => (ok ? 'yes' : '**no**');
const ms = (value: number) => `${value < 10 ? value.toFixed(1) : Math.round(value)}`;
const rate = (value: number) => `${Math.round(value)}/s`;

/** The level the headline reports: the highest rate that still keeps p99 under target with no errors. */
export function headlineLevel(run: IngestRun): IngestLevel {
  const fit = run.levels.filter((l) => l.bridge.latencyMs.p99 < TARGETS.ingestP99Ms && l.bridge.errors === 0);
  const pool = fit.length > 0 ? fit : run.levels;
  return pool.reduce((best, level) =>
    level.bridge.ratePerSecond > best.bridge.ratePerSecond ? level : best,
  );
}

export function summaryTable(results: BenchResults): string {
  const rows: string[][] = [];
  for (const run of results.ingest ?? []) {
    const level = headlineLevel(run);
    const target = TARGETS.ingestRate[run.driver];
    const name = run.driver === 'sqlite' ? 'SQLite' : 'PostgreSQL';
    rows.push([
      `1. Webhook ingest, ${name}: sustained rate (c=${level.connections})`,
      rate(level.bridge.ratePerSecond),
      rate(level.baseline.ratePerSecond),
      level.ratio.toFixed(2),
      `≥ ${target}/s and ≥ ${TARGETS.baselineRatio}× baseline`,
      mark(level.bridge.ratePerSecond >= target && level.ratio >= TARGETS.baselineRatio),
    ]);
    rows.push([
      `1. … p50 / p99 latency at c=${level.connections}`,
      `${ms(level.bridge.latencyMs.p50)} / ${ms(level.bridge.latencyMs.p99)} ms`,
      `${ms(level.baseline.latencyMs.p50)} / ${ms(level.baseline.latencyMs.p99)} ms`,
      '',
      `p99 < ${TARGETS.ingestP99Ms} ms`,
      mark(level.bridge.latencyMs.p99 < TARGETS.ingestP99Ms),
    ]);
    const errors = run.levels.reduce((sum, l) => sum + l.bridge.errors, 0) + run.replayed.errors;
    rows.push([
      `1. … errors; one payment + one settlement per notification (${run.accepted} + ${run.replayed.completed} replayed)`,
      `${errors}; ${run.exactlyOnce ? 'exactly once' : 'MISMATCH'}`,
      '',
      '',
      '0 errors, exactly once',
      mark(errors === 0 && run.exactlyOnce),
    ]);
  }
  for (const scenario of results.latency?.scenarios ?? []) {
    const p = scenario.latencyMs;
    const targeted = scenario.tables >= 100 && scenario.spreadMs === 0;
    rows.push([
      `2. Notification → PayOrder applied, ${scenario.tables} tables paying ${spreadLabel(scenario.spreadMs)} (p50 / p95 / p99, n=${scenario.samples})`,
      `${ms(p.p50)} / ${ms(p.p95)} / ${ms(p.p99)} ms`,
      '',
      '',
      targeted ? `p95 < ${TARGETS.payOrderP95Ms} ms` : '',
      targeted
        ? mark(p.p95 < TARGETS.payOrderP95Ms && scenario.exactlyOnce)
        : scenario.exactlyOnce
          ? ''
          : '**no**',
    ]);
  }
  for (const size of results.sync ?? []) {
    const unchangedCalls = size.unchanged[0]?.totalCalls ?? 0;
    const changedCalls = size.changed[0]?.totalCalls ?? 0;
    const targeted = size.orders >= 5_000;
    rows.push([
      `3. Sync cycle, ${size.orders} open orders: unchanged; 1 % (${size.changedPerCycle}) changed`,
      `${ms(size.unchangedMedianMs)} ms, ${unchangedCalls} call; ${ms(size.changedMedianMs)} ms, ${changedCalls} calls`,
      '',
      '',
      targeted ? `unchanged < ${TARGETS.unchangedSyncMs} ms with 1 call` : 'calls grow with changes',
      targeted
        ? mark(size.unchangedMedianMs < TARGETS.unchangedSyncMs && unchangedCalls === 1)
        : mark(unchangedCalls === 1 && changedCalls === 1 + size.changedPerCycle),
    ]);
  }
  for (const run of results.ingest ?? []) {
    rows.push([
      `4. RSS, webhook service on ${run.driver}: idle / peak of benchmark 1`,
      `${Math.round(run.rssIdleMb)} / ${Math.round(run.rssPeakMb)} MB`,
      '',
      '',
      `peak < ${TARGETS.rssPeakMb} MB`,
      mark(run.rssPeakMb < TARGETS.rssPeakMb),
    ]);
  }
  if (results.latency) {
    rows.push([
      '4. RSS, whole service (scheduler, r_keeper): idle / peak of benchmark 2',
      `${Math.round(results.latency.rssIdleMb)} / ${Math.round(results.latency.rssPeakMb)} MB`,
      '',
      '',
      `peak < ${TARGETS.rssPeakMb} MB`,
      mark(results.latency.rssPeakMb < TARGETS.rssPeakMb),
    ]);
  }
  return table(['Measure', 'Bridge', 'Baseline', 'Ratio', 'Target', 'Met'], rows);
}

export function ingestTable(results: BenchResults): string {
  const rows = (results.ingest ?? []).flatMap((run) =>
    run.levels.map((l) => [
      run.driver,
      String(l.connections),
      rate(l.bridge.ratePerSecond),
      `${ms(l.bridge.latencyMs.p50)} / ${ms(l.bridge.latencyMs.p99)}`,
      l.bridge.cpuMsPerRequest.toFixed(2),
      String(l.bridge.errors),
      rate(l.baseline.ratePerSecond),
      `${ms(l.baseline.latencyMs.p50)} / ${ms(l.baseline.latencyMs.p99)}`,
      l.baseline.cpuMsPerRequest.toFixed(2),
      l.ratio.toFixed(2),
    ]),
  );
  return table(
    [
      'DB',
      'c',
      'Bridge',
      'p50 / p99 ms',
      'CPU ms/req',
      'Errors',
      'Baseline',
      'p50 / p99 ms',
      'CPU ms/req',
      'Ratio',
    ],
    rows,
  );
}

export function syncTable(results: BenchResults): string {
  const rows = (results.sync ?? []).map((s) => [
    String(s.orders),
    `${ms(s.initial.ms)} ms, ${s.initial.totalCalls} calls`,
    `${ms(s.unchangedMedianMs)} ms`,
    JSON.stringify(s.unchanged[0]?.calls ?? {}),
    `${ms(s.changedMedianMs)} ms`,
    JSON.stringify(s.changed[0]?.calls ?? {}),
  ]);
  return table(['Orders', 'First sync', 'Unchanged', 'Calls', '1 % changed', 'Calls'], rows);
}

export function machineLine(): string {
  return `${cpus().length} × ${cpus()[0]?.model ?? 'CPU'}, ${Math.round(totalmem() / 2 ** 30)} GiB, Node.js ${process.version}`;
}

function table(header: string[], rows: string[][]): string {
  const line = (cells: string[]) => `| ${cells.map((c) => c.replace(/\|/g, '\\|')).join(' | ')} |`;
  return [line(header), line(header.map(() => '---')), ...rows.map(line)].join('\n');
}

export function charts(results: BenchResults): Array<LineChart | BarChart> {
  const out: Array<LineChart | BarChart> = [];
  const ingest = results.ingest ?? [];
  if (ingest.length > 0) {
    const colors = { sqlite: '#1f77b4', postgres: '#2ca02c' };
    out.push({
      title: 'Webhook ingest latency (benchmark 1)',
      xLabel: 'concurrent connections',
      yLabel: 'ms',
      xTicks: ingest[0].levels.map((l) => l.connections),
      series: ingest.flatMap((run) => [
        {
          label: `bridge ${run.driver} p99`,
          color: colors[run.driver],
          points: run.levels.map((l) => ({ x: l.connections, y: l.bridge.latencyMs.p99 })),
        },
        {
          label: `baseline ${run.driver} p99`,
          color: colors[run.driver],
          dashed: true,
          points: run.levels.map((l) => ({ x: l.connections, y: l.baseline.latencyMs.p99 })),
        },
      ]),
    });
  }
  if (results.latency) {
    out.push({
      title: 'Notification → PayOrder applied (benchmark 2)',
      yLabel: 'ms',
      groups: results.latency.scenarios.map((s) => ({
        label: `${s.tables} tables ${spreadLabel(s.spreadMs)}`,
        bars: [
          { label: 'p50', value: s.latencyMs.p50, color: '#9ecae1' },
          { label: 'p95', value: s.latencyMs.p95, color: '#4292c6' },
          { label: 'p99', value: s.latencyMs.p99, color: '#08519c' },
        ],
      })),
      marker: {
        value: TARGETS.payOrderP95Ms,
        label: `target p95 < ${TARGETS.payOrderP95Ms} ms at 100 tables`,
      },
    });
  }
  return out;
}
