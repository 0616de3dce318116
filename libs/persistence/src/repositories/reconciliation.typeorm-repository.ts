import { Payment, ReconciliationReport, ReconciliationStore } from '@bridge/core';
import { DataSource } from 'typeorm';
import { DbContext, dbContextFor, rawQuery } from '../database/db-context';
import { PaymentEntity } from '../entities/payment.entity';
import { ReconciliationReportEntity } from '../entities/reconciliation-report.entity';
import { CorruptColumnError, isRecord, parseJsonColumn } from '../mappers/json-columns';
import { paymentToDomain } from '../mappers/payment.mapper';

/** The ledger queries and the report table of the daily reconciliation. */
export class TypeormReconciliationStore extends ReconciliationStore {
  private readonly db: DbContext;

  constructor(dataSource: DataSource) {
    super();
    this.db = dbContextFor(dataSource);
  }

  listPaymentsPaidBetween(siteId: string, from: Date, to: Date): Promise<Payment[]> {
    return this.db.run(async (manager) => {
      const rows = await manager
        .createQueryBuilder(PaymentEntity, 'p')
        .where('p.siteId = :siteId', { siteId })
        .andWhere('COALESCE(p.paidAt, p.createdAt) >= :from', { from: from.getTime() })
        .andWhere('COALESCE(p.paidAt, p.createdAt) < :to', { to: to.getTime() })
        .orderBy('p.createdAt', 'ASC')
        .addOrderBy('p.id', 'ASC')
        .getMany();
      return rows.map(paymentToDomain);
    });
  }

  async saveReport(report: ReconciliationReport, csv: string): Promise<void> {
    await this.db.run((manager) =>
      rawQuery(
        manager,
        `INSERT INTO "reconciliation_reports" ("id", "site_id", "report_date", "status", "mismatch_count", "body", "csv", "generated_at")
         VALUES (?, ?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT ("id") DO UPDATE SET "status" = excluded."status", "mismatch_count" = excluded."mismatch_count",
           "body" = excluded."body", "csv" = excluded."csv", "generated_at" = excluded."generated_at"`,
        [
          report.id,
          report.siteId,
          report.date,
          report.status,
          report.mismatches.length,
          JSON.stringify(report),
          csv,
          Date.parse(report.generatedAt),
        ],
      ),
    );
  }

  findReport(siteId: string, date: string): Promise<ReconciliationReport | null> {
    return this.db.run(async (manager) => {
      const row = await manager.findOneBy(ReconciliationReportEntity, { siteId, reportDate: date });
      return row ? reportOf(row) : null;
    });
  }

  listReports(
    filter: { siteId?: string; sinceDate?: string },
    limit: number,
  ): Promise<ReconciliationReport[]> {
    return this.db.run(async (manager) => {
      const query = manager.createQueryBuilder(ReconciliationReportEntity, 'r');
      if (filter.siteId !== undefined) query.andWhere('r.siteId = :siteId', { siteId: filter.siteId });
      if (filter.sinceDate !== undefined)
        query.andWhere('r.reportDate >= :since', { since: filter.sinceDate });
      const rows = await query
        .orderBy('r.reportDate', 'DESC')
        .addOrderBy('r.siteId', 'ASC')
        .limit(limit)
        .getMany();
      return rows.map(reportOf);
    });
  }

  /** The CSV exactly as it was written with the report. */
  findCsv(siteId: string, date: string): Promise<string | null> {
    return this.db.run(async (manager) => {
      const row = await manager.findOneBy(ReconciliationReportEntity, { siteId, reportDate: date });
      return row ? row.csv : null;
    });
  }
}

function reportOf(row: ReconciliationReportEntity): ReconciliationReport {
  const body = parseJsonColumn(row.body, 'reconciliation_reports', 'body', row.id);
  if (!isRecord(body) || body.id !== row.id || !Array.isArray(body.mismatches))
    throw new CorruptColumnError('reconciliation_reports', 'body', row.id, 'not a reconciliation report');
  // Written by saveReport from a ReconciliationReport and checked above: the shape is ours.
  return body as unknown as ReconciliationReport;
}
