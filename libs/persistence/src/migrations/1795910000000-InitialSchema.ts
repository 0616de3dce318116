import {
  MigrationInterface,
  QueryRunner,
  Table,
  TableColumnOptions,
  TableForeignKey,
  TableIndex,
  TableUnique,
} from 'typeorm';

// Portable schema API only: the same migration runs on SQLite and PostgreSQL. Times are epoch ms and
// money is minor units, both in bigint columns. Names are literal: a migration is history, never refactored.

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
const integer = (name: string): TableColumnOptions => ({ name, type: 'integer', isNullable: false });
const id = (table: string): TableColumnOptions => ({
  name: 'id',
  type: 'text',
  isPrimary: true,
  primaryKeyConstraintName: `${table}_pkey`,
});

export class InitialSchema1795910000000 implements MigrationInterface {
  readonly name = 'InitialSchema1795910000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const postgres = queryRunner.dataSource.driver.options.type === 'postgres';

    await queryRunner.createTable(
      new Table({
        name: 'bills',
        columns: [
          id('bills'),
          text('site_id'),
          text('external_id'),
          text('kind'),
          text('label'),
          text('table_code', true),
          text('room_number', true),
          text('guest_name', true),
          text('guest_email', true),
          text('currency'),
          text('lines'),
          bigint('total_minor'),
          bigint('paid_minor'),
          bigint('amount_due_minor'),
          text('external_version'),
          text('fingerprint'),
          integer('revision'),
          text('status'),
          text('attributes'),
          bigint('first_seen_at'),
          bigint('last_seen_at'),
          bigint('closed_at', true),
          bigint('updated_at'),
        ],
        uniques: [
          new TableUnique({ name: 'uq_bills_site_external_id', columnNames: ['site_id', 'external_id'] }),
        ],
        indices: [
          new TableIndex({ name: 'ix_bills_site_status', columnNames: ['site_id', 'status', 'table_code'] }),
        ],
      }),
    );

    await queryRunner.createTable(
      new Table({
        name: 'payment_links',
        columns: [
          id('payment_links'),
          text('site_id'),
          text('bill_id'),
          text('bill_external_id'),
          text('bill_version'),
          text('bill_fingerprint'),
          integer('attempt'),
          text('merchant_order_id'),
          bigint('amount_minor'),
          text('currency'),
          text('status'),
          text('provider_order_id', true),
          text('payment_url', true),
          bigint('expires_at'),
          text('status_reason', true),
          bigint('created_at'),
          bigint('updated_at'),
          bigint('last_polled_at', true),
        ],
        uniques: [
          new TableUnique({ name: 'uq_payment_links_merchant_order_id', columnNames: ['merchant_order_id'] }),
        ],
        foreignKeys: [
          new TableForeignKey({
            name: 'fk_payment_links_bill',
            columnNames: ['bill_id'],
            referencedTableName: 'bills',
            referencedColumnNames: ['id'],
          }),
        ],
        indices: [
          // At most one live link per bill: the database, not luck, refuses a second one.
          new TableIndex({
            name: 'ux_payment_links_live_bill',
            columnNames: ['bill_id'],
            isUnique: true,
            where: `"status" IN ('creating', 'active')`,
          }),
          new TableIndex({
            name: 'ix_payment_links_polling',
            columnNames: ['site_id', 'status', 'last_polled_at'],
          }),
          new TableIndex({ name: 'ix_payment_links_provider_order_id', columnNames: ['provider_order_id'] }),
          new TableIndex({ name: 'ix_payment_links_bill_version', columnNames: ['bill_id', 'bill_version'] }),
        ],
      }),
    );

    await queryRunner.createTable(
      new Table({
        name: 'payments',
        columns: [
          id('payments'),
          text('site_id'),
          text('bill_id'),
          text('link_id'),
          text('provider_order_id'),
          text('provider_status'),
          bigint('amount_minor'),
          text('currency'),
          text('channel'),
          text('status'),
          bigint('paid_at', true),
          bigint('excess_minor'),
          text('excess_status'),
          bigint('refunded_minor'),
          bigint('created_at'),
          bigint('updated_at'),
        ],
        uniques: [
          new TableUnique({
            name: 'uq_payments_provider_order_status',
            columnNames: ['provider_order_id', 'provider_status'],
          }),
        ],
        foreignKeys: [
          new TableForeignKey({
            name: 'fk_payments_link',
            columnNames: ['link_id'],
            referencedTableName: 'payment_links',
            referencedColumnNames: ['id'],
          }),
        ],
        indices: [
          new TableIndex({ name: 'ix_payments_bill_id', columnNames: ['bill_id'] }),
          new TableIndex({ name: 'ix_payments_excess', columnNames: ['excess_status', 'site_id'] }),
        ],
      }),
    );

    await queryRunner.createTable(
      new Table({
        name: 'settlements',
        columns: [
          id('settlements'),
          text('payment_id'),
          text('site_id'),
          text('bill_id'),
          text('bill_external_id'),
          bigint('amount_minor'),
          text('currency'),
          text('status'),
          integer('attempts'),
          bigint('next_attempt_at'),
          text('mode', true),
          bigint('applied_amount_minor', true),
          text('external_ref', true),
          text('last_error_code', true),
          text('last_error_message', true),
          text('attention_reason', true),
          text('lease_owner', true),
          bigint('lease_expires_at', true),
          bigint('sent_at', true),
          bigint('applied_at', true),
          text('resolution_note', true),
          text('resolved_by', true),
          integer('version'),
          bigint('created_at'),
          bigint('updated_at'),
        ],
        uniques: [new TableUnique({ name: 'uq_settlements_payment_id', columnNames: ['payment_id'] })],
        foreignKeys: [
          new TableForeignKey({
            name: 'fk_settlements_payment',
            columnNames: ['payment_id'],
            referencedTableName: 'payments',
            referencedColumnNames: ['id'],
          }),
        ],
        indices: [
          new TableIndex({ name: 'ix_settlements_due', columnNames: ['status', 'next_attempt_at'] }),
          new TableIndex({ name: 'ix_settlements_lease_expires_at', columnNames: ['lease_expires_at'] }),
          new TableIndex({ name: 'ix_settlements_bill_id', columnNames: ['bill_id'] }),
        ],
      }),
    );

    await queryRunner.createTable(
      new Table({
        name: 'notification_inbox',
        columns: [
          id('notification_inbox'),
          text('site_id'),
          text('channel'),
          text('provider_order_id'),
          text('provider_status'),
          bigint('received_at'),
          text('body'),
        ],
        uniques: [
          new TableUnique({
            name: 'uq_notification_inbox_provider_order_status',
            columnNames: ['provider_order_id', 'provider_status'],
          }),
        ],
      }),
    );

    await queryRunner.createTable(
      new Table({
        name: 'events',
        columns: [
          {
            name: 'id',
            // SQLite only auto-increments an INTEGER PRIMARY KEY (its 64-bit rowid).
            type: postgres ? 'bigint' : 'integer',
            isPrimary: true,
            isGenerated: true,
            generationStrategy: 'increment',
            primaryKeyConstraintName: 'events_pkey',
          },
          bigint('at'),
          text('site_id'),
          text('type'),
          text('bill_id', true),
          text('link_id', true),
          text('payment_id', true),
          text('settlement_id', true),
          text('data'),
        ],
        indices: [
          new TableIndex({ name: 'ix_events_bill_id', columnNames: ['bill_id'] }),
          new TableIndex({ name: 'ix_events_site_at', columnNames: ['site_id', 'at'] }),
        ],
      }),
    );

    await queryRunner.createTable(
      new Table({
        name: 'job_leases',
        columns: [
          { name: 'key', type: 'text', isPrimary: true, primaryKeyConstraintName: 'job_leases_pkey' },
          text('owner'),
          bigint('expires_at'),
        ],
      }),
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    for (const table of [
      'job_leases',
      'events',
      'notification_inbox',
      'settlements',
      'payments',
      'payment_links',
      'bills',
    ]) {
      await queryRunner.dropTable(table);
    }
  }
}
