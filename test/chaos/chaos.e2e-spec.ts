import { DEFAULT_CHAOS, formatChaosReport, runChaos } from './chaos';

/**
 * The bounded chaos run of `npm test` (about a minute): three bridge processes on PostgreSQL, one killed
 * every few seconds, Invoicebox failing and repeating itself, r_keeper stalling and locking orders.
 * `npm run chaos -- --payments 2000 ...` runs a longer one (docs/reliability.md).
 */
describe('chaos: several bridge processes, killed at random, against a faulty Invoicebox and r_keeper', () => {
  it('applies every confirmed payment exactly once or hands it to a person with a reason', async () => {
    const report = await runChaos({
      ...DEFAULT_CHAOS,
      log: process.env.BRIDGE_TEST_LOGS ? (line) => process.stderr.write(`chaos: ${line}\n`) : undefined,
    });
    process.stdout.write(`${formatChaosReport(report)}\n`);

    expect(report.confirmed).toBeGreaterThanOrEqual(DEFAULT_CHAOS.payments * 0.9);
    expect(report.kills).toBeGreaterThanOrEqual(5);
    expect(report.appliedTwice).toBe(0);
    expect(report.lostOrders).toEqual([]);
    expect(report.lost).toBe(0);
    const waiting = Object.values(report.waiting).reduce((a, b) => a + b, 0);
    expect(report.applied + waiting).toBe(report.confirmed);
    expect(Object.keys(report.waiting).every((reason) => reason !== 'no reason given')).toBe(true);
  }, 240_000);
});
