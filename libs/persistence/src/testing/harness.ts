import { DataSource } from 'typeorm';
import { DataSourceSettings, createDataSourceOptions, runMigrations } from '../data-source';
import { TestDatabase } from './test-database';

export async function openDataSource(
  db: TestDatabase,
  settings: DataSourceSettings = {},
): Promise<DataSource> {
  return new DataSource(createDataSourceOptions(db.url, settings)).initialize();
}

export async function openMigrated(db: TestDatabase): Promise<DataSource> {
  const dataSource = await openDataSource(db);
  await runMigrations(dataSource);
  return dataSource;
}

/** Children before parents, for the foreign keys. */
const TABLES = [
  'settlements',
  'payments',
  'payment_links',
  'bills',
  'notification_inbox',
  'events',
  'job_leases',
];

export async function emptyTables(dataSource: DataSource): Promise<void> {
  for (const table of TABLES) await dataSource.query(`DELETE FROM "${table}"`);
}

export async function countRows(dataSource: DataSource, table: string): Promise<number> {
  const rows: unknown = await dataSource.query(`SELECT COUNT(*) AS "count" FROM "${table}"`);
  if (!Array.isArray(rows) || rows.length !== 1) throw new Error(`No count from ${table}`);
  const row: unknown = rows[0];
  const count: unknown = typeof row === 'object' && row !== null ? Reflect.get(row, 'count') : undefined;
  return Number(count);
}
