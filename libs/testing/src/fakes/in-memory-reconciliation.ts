import {
  Payment,
  ReconciliationReport,
  ReconciliationReportFiles,
  ReconciliationStore,
  Store,
} from '@bridge/core';

/** Reads the day's payments from an in-memory Store; keeps reports in a map. */
export class InMemoryReconciliationStore extends ReconciliationStore {
  private readonly reports = new Map<string, { report: ReconciliationReport; csv: string }>();

  constructor(private readonly store: Store) {
    super();
  }

  async listPaymentsPaidBetween(siteId: string, from: Date, to: Date): Promise<Payment[]> {
    const bills = await this.store.bills.list({ siteId }, { limit: Number.MAX_SAFE_INTEGER });
    const payments = (await Promise.all(bills.map((b) => this.store.payments.listByBill(b.id)))).flat();
    return payments.filter((p) => {
      const at = (p.paidAt ?? p.createdAt).getTime();
      return at >= from.getTime() && at < to.getTime();
    });
  }

  async saveReport(report: ReconciliationReport, csv: string): Promise<void> {
    this.reports.set(report.id, { report: structuredClone(report), csv });
  }

  async findReport(siteId: string, date: string): Promise<ReconciliationReport | null> {
    const found = this.reports.get(`${siteId}:${date}`);
    return found ? structuredClone(found.report) : null;
  }

  async listReports(
    filter: { siteId?: string; sinceDate?: string },
    limit: number,
  ): Promise<ReconciliationReport[]> {
    return [...this.reports.values()]
      .map((r) => r.report)
      .filter(
        (r) =>
          (filter.siteId === undefined || r.siteId === filter.siteId) && r.date >= (filter.sinceDate ?? ''),
      )
      .sort((a, b) => b.date.localeCompare(a.date))
      .slice(0, limit)
      .map((r) => structuredClone(r));
  }

  csvOf(siteId: string, date: string): string | undefined {
    return this.reports.get(`${siteId}:${date}`)?.csv;
  }
}

/** Keeps what would have been written to the reports folder. */
export class MemoryReportFiles extends ReconciliationReportFiles {
  readonly written = new Map<string, { json: string; csv: string }>();

  async write(
    report: ReconciliationReport,
    content: { json: string; csv: string },
  ): Promise<{ json: string; csv: string }> {
    this.written.set(report.id, content);
    return {
      json: `memory:${report.date}/${report.siteId}.json`,
      csv: `memory:${report.date}/${report.siteId}.csv`,
    };
  }
}
