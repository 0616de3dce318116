import { MigrationInterface, QueryRunner, Table, TableColumnOptions, TableIndex, TableUnique } from 'typeorm';

// Staff alerts: a durable outbox fed from the audit log through a cursor. Portable schema API only.

const text = (name: string, nullable = false): TableColumnOptions => ({
  name,
  type: 'text',
  isNullable: nullable,
});
const bigint = (name: string, nullable = false): TableColumnOptions => ({
  name,
  type: 'bigint',
  isNullable: nullable,
});

export class AlertOutbox1796200000000 implements MigrationInterface {
  readonly name = 'AlertOutbox1796200000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.createTable(
      new Table({
        name: 'alert_deliveries',
        columns: [
          { name: 'id', type: 'text', isPrimary: true, primaryKeyConstraintName: 'alert_deliveries_pkey' },
          text('endpoint_key'),
          text('site_id'),
          bigint('event_id'),
          text('event_type'),
          text('body'),
          text('status'),
          { name: 'attempts', type: 'integer', isNullable: false },
          bigint('next_attempt_at'),
          text('last_error', true),
          bigint('delivered_at', true),
          bigint('created_at'),
          bigint('updated_at'),
        ],
        uniques: [
          new TableUnique({
            name: 'uq_alert_deliveries_endpoint_event',
            columnNames: ['endpoint_key', 'event_id'],
          }),
        ],
        indices: [
          new TableIndex({ name: 'ix_alert_deliveries_due', columnNames: ['status', 'next_attempt_at'] }),
        ],
      }),
    );
    await queryRunner.createTable(
      new Table({
        name: 'alert_cursors',
        columns: [
          { name: 'name', type: 'text', isPrimary: true, primaryKeyConstraintName: 'alert_cursors_pkey' },
          bigint('last_event_id'),
          bigint('updated_at'),
        ],
      }),
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropTable('alert_cursors');
    await queryRunner.dropTable('alert_deliveries');
  }
}
