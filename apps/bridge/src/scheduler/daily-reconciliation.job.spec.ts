import { ReconciliationReport, RunDailyReconciliation } from '@bridge/core';
import { InMemoryReconciliationStore, InMemoryStore, ManualClock } from '@bridge/testing';
import { parseConfig } from '../config/load-config';
import { PosLinkLeases } from '../sites/pos-link-leases';
import { DailyReconciliationJob } from './daily-reconciliation.job';

const config = parseConfig(
  `
server: { port: 3000, publicUrl: "http://127.0.0.1:3000", adminToken: "0123456789abcdef0123" }
database: { url: "sqlite::memory:" }
reconciliation: { hour: 4, timeZone: Europe/Moscow }
sites:
  - { id: cafe-1, kind: rkeeper, name: Cafe, merchant: { merchantId: m, apiToken: t, notificationKey: k },
      rkeeper: { url: "https://127.0.0.1:1/x", username: u, password: p, tlsInsecure: true, paymentCurrencyId: 1, prepayReasonId: 5, stationCode: 1, cashierCode: 5 } }
  - { id: cafe-2, kind: rkeeper, name: Cafe 2, merchant: { merchantId: m2, apiToken: t, notificationKey: k },
      rkeeper: { url: "https://127.0.0.1:1/x", username: u, password: p, tlsInsecure: true, paymentCurrencyId: 1, prepayReasonId: 5, stationCode: 1, cashierCode: 5 } }
`,
  {},
);

describe('DailyReconciliationJob', () => {
  const runs: Array<{ siteId?: string; date: string }> = [];
  const reports = new InMemoryReconciliationStore(new InMemoryStore());
  const reconcile = {
    execute: async (input: { siteId?: string; date: string }) => {
      runs.push(input);
      const report = {
        id: `${input.siteId}:${input.date}`,
        siteId: input.siteId,
        date: input.date,
        status: 'clean',
        mismatches: [],
      };
      await reports.saveReport(report as unknown as ReconciliationReport, '');
      return [report as unknown as ReconciliationReport];
    },
  } as unknown as RunDailyReconciliation;
  const links = { holds: (siteId: string) => siteId !== 'cafe-2' } as unknown as PosLinkLeases;

  it('reconciles the previous local day once, after the configured hour, for the sites this process holds', async () => {
    // 00:30 UTC is 03:30 in Moscow: before 04:00.
    const clock = new ManualClock(new Date('2026-11-29T00:30:00Z'));
    const sut = new DailyReconciliationJob(config, reconcile, reports, clock, links);

    await sut.tick();
    expect(runs).toEqual([]);

    clock.advance(60 * 60_000);
    await sut.tick();
    await sut.tick();

    expect(runs).toEqual([{ siteId: 'cafe-1', date: '2026-11-28' }]);
  });
});
