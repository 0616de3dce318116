import { DataSource, Table } from 'typeorm';
import { LIVE_LINK_STATUSES } from '@bridge/core';
import { runMigrations } from '../data-source';
import { ENTITIES } from '../entities';
import { UNIQUE_KEYS } from '../database/schema-names';
import { openDataSource } from '../testing/harness';
import { TEST_DRIVERS, TestDatabase, createTestDatabase } from '../testing/test-database';
import { MIGRATIONS } from '.';

const TABLES = [
  'bills',
  'payment_links',
  'payments',
  'settlements',
  'notification_inbox',
  'events',
  'job_leases',
  'alert_deliveries',
  'alert_cursors',
  'reconciliation_reports',
  'counters',
];

interface TableShape {
  name: string;
  columns: string[];
  indices: string[];
  uniques: string[];
  foreignKeys: string[];
}

async function schemaOf(dataSource: DataSource): Promise<TableShape[]> {
  const runner = dataSource.createQueryRunner();
  try {
    const tables = await runner.getTables(TABLES);
    return tables
      .map((table: Table) => ({
        name: table.name,
        columns: table.columns
          .map((c) => `${c.name} ${c.type}${c.isNullable ? ' null' : ''}${c.isPrimary ? ' pk' : ''}`)
          .sort(),
        indices: table.indices
          .map((i) => `${i.name}${i.isUnique ? ' unique' : ''}(${i.columnNames.join(',')})`)
          .sort(),
        uniques: table.uniques.map((u) => `${u.name}(${u.columnNames.join(',')})`).sort(),
        foreignKeys: table.foreignKeys.map((f) => `${f.name}->${f.referencedTableName}`).sort(),
      }))
      .sort((a, b) => a.name.localeCompare(b.name));
  } finally {
    await runner.release();
  }
}

/** name → "[unique ]table(col,col)[ where ...]", read from the database itself (TypeORM's loader reorders columns). */
async function indexDefinitions(dataSource: DataSource): Promise<Record<string, string>> {
  const postgres = dataSource.options.type === 'postgres';
  const rows: { name: string; sql: string }[] = postgres
    ? await dataSource.query(
        `SELECT indexname AS name, indexdef AS sql FROM pg_indexes WHERE schemaname = 'public'`,
      )
    : await dataSource.query(`SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL`);
  const definitions: Record<string, string> = {};
  for (const row of rows) {
    const match =
      /CREATE (UNIQUE )?INDEX \S+ ON (?:public\.)?"?(\w+)"?(?: USING btree)? \(([^)]*)\)\s*(WHERE .*)?$/i.exec(
        row.sql.trim(),
      );
    if (!match) continue;
    const [, unique, table, columns, where] = match;
    const normalized = `${unique ? 'unique ' : ''}${table}(${columns.replace(/["\s]/g, '')})`;
    definitions[row.name] = where ? `${normalized} ${where.toLowerCase()}` : normalized;
  }
  return definitions;
}

describe.each(TEST_DRIVERS)('migrations on %s', (driver) => {
  let db: TestDatabase;
  let dataSource: DataSource;

  beforeAll(async () => {
    db = await createTestDatabase('persistence_test', { driver });
    dataSource = await openDataSource(db);
  });

  afterAll(async () => {
    await dataSource?.destroy();
    await db?.drop();
  });

  it('builds the schema from empty, and a second run changes nothing', async () => {
    expect(await schemaOf(dataSource)).toEqual([]);

    const first = await runMigrations(dataSource);
    const schema = await schemaOf(dataSource);
    const second = await runMigrations(dataSource);

    expect(first).toEqual(MIGRATIONS.map((migration) => new migration().name));
    expect(second).toEqual([]);
    expect(await schemaOf(dataSource)).toEqual(schema);
    expect(schema.map((table) => table.name)).toEqual([...TABLES].sort());
  });

  it('creates every index the hot queries use, columns in order', async () => {
    const indices = await indexDefinitions(dataSource);

    expect(indices).toMatchObject({
      ix_bills_site_status: 'bills(site_id,status,table_code)',
      ix_events_bill_id: 'events(bill_id)',
      ix_events_site_at: 'events(site_id,at)',
      ix_payment_links_polling: 'payment_links(site_id,status,last_polled_at)',
      ix_payment_links_provider_order_id: 'payment_links(provider_order_id)',
      ix_settlements_due: 'settlements(status,next_attempt_at)',
      ix_settlements_lease_expires_at: 'settlements(lease_expires_at)',
    });
    expect(indices.ux_payment_links_live_bill).toMatch(/^unique payment_links\(bill_id\) where /);
    const predicateStatuses = indices.ux_payment_links_live_bill.match(/'[a-z_]+'/g);
    expect(predicateStatuses).toEqual(LIVE_LINK_STATUSES.map((status) => `'${status}'`));
  });

  it('names every unique key the error translation knows', async () => {
    const schema = await schemaOf(dataSource);
    const named = schema.flatMap((table) => [
      ...table.uniques.map((u) => `${table.name}.${u}`),
      ...table.indices
        .filter((i) => i.includes(' unique('))
        .map((i) => `${table.name}.${i.replace(' unique', '')}`),
    ]);
    const expected = UNIQUE_KEYS.filter((key) => !key.name.endsWith('_pkey')).map(
      (key) => `${key.table}.${key.name}(${key.columns.join(',')})`,
    );

    expect(named.sort()).toEqual(expected.sort());
  });

  it('has a column for every entity property', async () => {
    const schema = await schemaOf(dataSource);
    for (const entity of ENTITIES) {
      const metadata = dataSource.getMetadata(entity);
      const table = schema.find((t) => t.name === metadata.tableName);
      const columns = table?.columns.map((c) => c.split(' ')[0]);
      expect(columns?.sort()).toEqual(metadata.columns.map((c) => c.databaseName).sort());
    }
  });

  it('reverts and re-applies cleanly', async () => {
    for (let i = 0; i < MIGRATIONS.length; i++) await dataSource.undoLastMigration({ transaction: 'each' });
    expect(await schemaOf(dataSource)).toEqual([]);

    await runMigrations(dataSource);
    expect((await schemaOf(dataSource)).map((table) => table.name)).toEqual([...TABLES].sort());
  });
});
