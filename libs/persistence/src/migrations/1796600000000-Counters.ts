import { MigrationInterface, QueryRunner, Table } from 'typeorm';

// Durable counters that must never go back, across restarts and processes (r_keeper licence seqNumber, ...).

export class Counters1796600000000 implements MigrationInterface {
  readonly name = 'Counters1796600000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.createTable(
      new Table({
        name: 'counters',
        columns: [
          { name: 'name', type: 'text', isPrimary: true, primaryKeyConstraintName: 'counters_pkey' },
          { name: 'value', type: 'bigint', isNullable: false },
        ],
      }),
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropTable('counters');
  }
}
