import { MigrationInterface, QueryRunner, Table, TableIndex } from 'typeorm';

// Daily three-way reconciliation reports, one row per site and day (a rerun replaces it). Portable schema API only.

export class ReconciliationReports1796500000000 implements MigrationInterface {
  readonly name = 'ReconciliationReports1796500000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.createTable(
      new Table({
        name: 'reconciliation_reports',
        columns: [
          {
            name: 'id',
            type: 'text',
            isPrimary: true,
            primaryKeyConstraintName: 'reconciliation_reports_pkey',
          },
          { name: 'site_id', type: 'text', isNullable: false },
          { name: 'report_date', type: 'text', isNullable: false },
          { name: 'status', type: 'text', isNullable: false },
          { name: 'mismatch_count', type: 'integer', isNullable: false },
          { name: 'body', type: 'text', isNullable: false },
          { name: 'csv', type: 'text', isNullable: false },
          { name: 'generated_at', type: 'bigint', isNullable: false },
        ],
        indices: [
          new TableIndex({
            name: 'ix_reconciliation_reports_date_site',
            columnNames: ['report_date', 'site_id'],
          }),
        ],
      }),
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropTable('reconciliation_reports');
  }
}
