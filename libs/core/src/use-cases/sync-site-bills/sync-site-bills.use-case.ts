import { Injectable, Logger } from '@nestjs/common';
import { BillSummary, PosAdapterRegistry } from '../../ports/pos-adapter.port';
import { Clock } from '../../ports/clock.port';
import { JobLock } from '../../ports/job-lock.port';
import { Store } from '../../ports/store.port';
import { BillUpdater } from '../shared/bill-updater';
import { LinkCanceller } from '../shared/link-canceller';
import { describeError } from '../shared/audit';
import { mapWithConcurrency } from '../shared/concurrency';

const READ_CONCURRENCY = 4;

export interface SyncSiteBillsInput {
  siteId: string;
  /** Bills whose version the POS cannot tell cheaply are re-read when last seen longer ago than this. */
  slowRefreshMs?: number;
}

export interface SyncReport {
  ran: boolean;
  listed: number;
  fetched: number;
  changed: number;
  closed: number;
  failed: number;
}

/**
 * One sync cycle of a site: one list call, then a read only for bills whose version changed, appeared
 * or disappeared — the cost grows with the changes, not with the number of open bills.
 */
@Injectable()
export class SyncSiteBills {
  private readonly logger = new Logger(SyncSiteBills.name);

  constructor(
    private readonly store: Store,
    private readonly pos: PosAdapterRegistry,
    private readonly updater: BillUpdater,
    private readonly canceller: LinkCanceller,
    private readonly jobLock: JobLock,
    private readonly clock: Clock,
  ) {}

  async execute(input: SyncSiteBillsInput): Promise<SyncReport> {
    // The lease is renewed while the sync runs: its TTL is how long a dead holder blocks the site's sync.
    const run = await this.jobLock.tryRun(`sync:${input.siteId}`, 15_000, () => this.sync(input));
    return run.ran ? run.result : { ran: false, listed: 0, fetched: 0, changed: 0, closed: 0, failed: 0 };
  }

  private async sync(input: SyncSiteBillsInput): Promise<SyncReport> {
    const adapter = this.pos.forSite(input.siteId);
    const [listed, known] = await Promise.all([
      adapter.listOpenBills(),
      this.store.bills.listOpenVersions(input.siteId),
    ]);
    const knownByExternalId = new Map(known.map((k) => [k.externalId, k]));
    const listedIds = new Set(listed.map((s) => s.externalId));
    const now = this.clock.now().getTime();
    const slowRefreshMs = input.slowRefreshMs ?? 60_000;

    const toRead: string[] = [];
    for (const summary of listed) {
      if (this.needsRead(summary, knownByExternalId.get(summary.externalId), now, slowRefreshMs)) {
        toRead.push(summary.externalId);
      }
    }
    const disappeared = known.filter((k) => !listedIds.has(k.externalId)).map((k) => k.externalId);

    const report: SyncReport = {
      ran: true,
      listed: listed.length,
      fetched: 0,
      changed: 0,
      closed: 0,
      failed: 0,
    };
    await mapWithConcurrency([...toRead, ...disappeared], READ_CONCURRENCY, async (externalId) => {
      try {
        const attributes =
          (await this.store.bills.findByExternalId(input.siteId, externalId))?.attributes ?? {};
        const snapshot = await adapter.getBill({ externalId, attributes });
        report.fetched += 1;
        const update = await this.updater.apply(input.siteId, externalId, snapshot);
        if (update.changed) report.changed += 1;
        if (update.bill && update.bill.status !== 'open') report.closed += 1;
        await Promise.all(update.superseded.map((link) => this.canceller.cancel(link)));
      } catch (error) {
        report.failed += 1;
        this.logger.warn(
          { siteId: input.siteId, externalId, err: describeError(error) },
          'Bill could not be synced',
        );
      }
    });
    return report;
  }

  private needsRead(
    summary: BillSummary,
    known: { externalVersion: string; lastSeenAt: Date } | undefined,
    now: number,
    slowRefreshMs: number,
  ): boolean {
    if (!known) return true;
    if (summary.externalVersion === null) return now - known.lastSeenAt.getTime() >= slowRefreshMs;
    return summary.externalVersion !== known.externalVersion;
  }
}
