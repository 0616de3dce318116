import { Column, Entity, PrimaryColumn } from 'typeorm';
import { epochMillis } from './column-transformers';

@Entity('reconciliation_reports')
export class ReconciliationReportEntity {
  /** `<siteId>:<date>`. */
  @PrimaryColumn({ name: 'id', type: 'text' })
  id!: string;

  @Column({ name: 'site_id', type: 'text' })
  siteId!: string;

  /** The site's calendar day, YYYY-MM-DD: sorts as text. */
  @Column({ name: 'report_date', type: 'text' })
  reportDate!: string;

  @Column({ name: 'status', type: 'text' })
  status!: string;

  @Column({ name: 'mismatch_count', type: 'integer' })
  mismatchCount!: number;

  @Column({ name: 'body', type: 'text' })
  body!: string;

  @Column({ name: 'csv', type: 'text' })
  csv!: string;

  @Column({ name: 'generated_at', type: 'bigint', transformer: epochMillis })
  generatedAt!: Date;
}
