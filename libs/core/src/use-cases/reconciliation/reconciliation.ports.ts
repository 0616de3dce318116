import { Payment } from '../../domain/payment';
import { ReconciliationReport } from './reconciliation-report';

/** The bridge's ledger as the daily reconciliation reads it, and where its reports are kept. */
export abstract class ReconciliationStore {
  /** Payments of a site whose money arrived (paidAt, else when recorded) in [from, to). */
  abstract listPaymentsPaidBetween(siteId: string, from: Date, to: Date): Promise<Payment[]>;
  /** Inserts, or replaces the report of the same site and day. */
  abstract saveReport(report: ReconciliationReport, csv: string): Promise<void>;
  abstract findReport(siteId: string, date: string): Promise<ReconciliationReport | null>;
  /** Newest day first. */
  abstract listReports(
    filter: { siteId?: string; sinceDate?: string },
    limit: number,
  ): Promise<ReconciliationReport[]>;
}

/** Keeps each report as files for people and spreadsheets (JSON and CSV); returns where they went. */
export abstract class ReconciliationReportFiles {
  abstract write(
    report: ReconciliationReport,
    content: { json: string; csv: string },
  ): Promise<{ json: string; csv: string }>;
}

export class ReconciliationPolicy {
  /** The sites' calendar: a report covers one day of it. */
  timeZone = 'Europe/Moscow';
  /** Bills read back from the POS/PMS at once. */
  concurrency = 4;
  /** How long a run waits for another run of the same site and day before giving up. */
  waitForOtherRunMs = 10 * 60_000;

  constructor(values: Partial<ReconciliationPolicy> = {}) {
    Object.assign(this, values);
  }
}
