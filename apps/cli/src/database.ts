import { existsSync, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { createDataSourceOptions, parseDatabaseUrl } from '@bridge/persistence';
import { DataSource, DataSourceOptions } from 'typeorm';
import {
  DatabaseInUseError,
  ProcessLock,
  acquireSqliteProcessLock,
  sqliteFileOf,
} from '../../bridge/src/process/sqlite-process-lock';
import { CliError, EXIT } from './exit-codes';
import { describeDatabaseUrl } from './output';

const CONNECT_TIMEOUT_MS = 10_000;

/** A connection of the CLI's own, never migrating by itself. `create`: a missing SQLite file may be made. */
export async function openDatabase(databaseUrl: string, options: { create: boolean }): Promise<DataSource> {
  const target = parseDatabaseUrl(databaseUrl);
  if (target.kind === 'sqlite' && target.path !== ':memory:') {
    if (!options.create && !existsSync(target.path)) {
      throw new CliError(
        EXIT.database,
        `No database at ${target.path} yet: start the bridge once or run \`pos-bridge migrate\``,
      );
    }
    mkdirSync(dirname(target.path), { recursive: true });
  }
  const base = createDataSourceOptions(databaseUrl, { migrationsRun: false, poolSize: 2 });
  // pg waits for a connection forever by default; a doctor must say "unreachable" instead.
  const dataSourceOptions: DataSourceOptions =
    base.type === 'postgres' ? { ...base, extra: { connectionTimeoutMillis: CONNECT_TIMEOUT_MS } } : base;
  try {
    return await new DataSource(dataSourceOptions).initialize();
  } catch (error) {
    throw new CliError(
      EXIT.database,
      `Cannot open the database ${describeDatabaseUrl(databaseUrl)}: ${error instanceof Error ? error.message : String(error)}`,
    );
  }
}

export async function pendingMigrations(dataSource: DataSource): Promise<string[]> {
  const runner = dataSource.createQueryRunner();
  try {
    const executed = (await runner.hasTable('migrations'))
      ? new Set(
          ((await runner.query('SELECT name FROM migrations')) as Array<{ name: string }>).map(
            (row) => row.name,
          ),
        )
      : new Set<string>();
    return dataSource.migrations
      .map((migration) => migration.name ?? migration.constructor.name)
      .filter((name) => !executed.has(name));
  } finally {
    await runner.release();
  }
}

export async function assertSchemaCurrent(dataSource: DataSource): Promise<void> {
  const pending = await pendingMigrations(dataSource);
  if (pending.length > 0) {
    throw new CliError(
      EXIT.database,
      `The database schema is behind by ${pending.length} migration(s): run \`pos-bridge migrate\` (the bridge also migrates when it starts)`,
    );
  }
}

/** SQLite only: work that must not run beside a bridge process (migrations, restore) holds its lock. */
export async function withSqliteLock<T>(databaseUrl: string, work: () => Promise<T>): Promise<T> {
  const file = sqliteFileOf(databaseUrl);
  if (!file) return work();
  let lock: ProcessLock;
  try {
    lock = acquireSqliteProcessLock(file);
  } catch (error) {
    if (error instanceof DatabaseInUseError) throw new CliError(EXIT.database, error.message);
    throw error;
  }
  try {
    return await work();
  } finally {
    lock.release();
  }
}
