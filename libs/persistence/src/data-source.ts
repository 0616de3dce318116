import path from 'node:path';
import type { Database } from 'better-sqlite3';
import { DataSource, DataSourceOptions } from 'typeorm';
import { ENTITIES } from './entities';
import { MIGRATIONS } from './migrations';

export interface DataSourceSettings {
  poolSize?: number;
  busyTimeoutMs?: number;
  migrationsRun?: boolean;
  logging?: boolean;
}

export type DatabaseTarget = { kind: 'sqlite'; path: string } | { kind: 'postgres'; url: string };

const DEFAULT_POOL_SIZE = 10;
const DEFAULT_BUSY_TIMEOUT_MS = 5_000;

/** `sqlite:<path>` (`sqlite::memory:`, `sqlite:///absolute`), or `postgres://` / `postgresql://`. */
export function parseDatabaseUrl(databaseUrl: string): DatabaseTarget {
  const url = databaseUrl.trim();
  if (/^postgres(ql)?:\/\//i.test(url)) return { kind: 'postgres', url };
  const sqlite = /^sqlite:(.+)$/i.exec(url);
  if (sqlite) {
    const location = sqlite[1].startsWith('//') ? sqlite[1].slice(2) : sqlite[1];
    if (location === ':memory:') return { kind: 'sqlite', path: location };
    if (location.trim() === '') throw new Error(`No SQLite file in database url "${databaseUrl}"`);
    return { kind: 'sqlite', path: path.resolve(location) };
  }
  throw new Error(`Unsupported database url "${redact(url)}": use sqlite:<path> or postgres://...`);
}

export function createDataSourceOptions(
  databaseUrl: string,
  settings: DataSourceSettings = {},
): DataSourceOptions {
  const target = parseDatabaseUrl(databaseUrl);
  const common = {
    entities: ENTITIES,
    migrations: MIGRATIONS,
    migrationsTableName: 'migrations',
    migrationsTransactionMode: 'each',
    migrationsRun: settings.migrationsRun ?? false,
    synchronize: false,
    logging: settings.logging ?? false,
  } as const;
  if (target.kind === 'postgres') {
    return {
      ...common,
      type: 'postgres',
      url: target.url,
      poolSize: settings.poolSize ?? DEFAULT_POOL_SIZE,
      applicationName: 'pos-bridge',
    };
  }
  const busyTimeoutMs = settings.busyTimeoutMs ?? DEFAULT_BUSY_TIMEOUT_MS;
  const inMemory = target.path === ':memory:';
  return {
    ...common,
    type: 'better-sqlite3',
    database: target.path,
    timeout: busyTimeoutMs,
    prepareDatabase: (db: Database) => {
      const wal = !inMemory && db.pragma('journal_mode = WAL', { simple: true }) === 'wal';
      // NORMAL: COMMIT does not sync; SqliteGroupCommit fsyncs the WAL off the event loop after every batch
      // and answers nobody before that, so a confirmed payment is on disk, even through a power cut. Where
      // the file system refuses WAL (some network shares), COMMIT must sync by itself: FULL.
      db.pragma(wal || inMemory ? 'synchronous = NORMAL' : 'synchronous = FULL');
      db.pragma(`busy_timeout = ${busyTimeoutMs}`);
      db.pragma('foreign_keys = ON');
    },
  };
}

/** Any constant: names the advisory lock that serialises migrations between processes. */
const MIGRATION_LOCK = 7_381_920_245;

/**
 * Several bridge processes may start at once on one PostgreSQL: the first takes a session advisory lock and
 * migrates, the others wait for it and then find nothing left to do (instead of failing on a half-created table).
 */
export async function runMigrations(dataSource: DataSource): Promise<string[]> {
  const migrate = async () =>
    (await dataSource.runMigrations({ transaction: 'each' })).map((migration) => migration.name);
  if (dataSource.options.type !== 'postgres') return migrate();
  const runner = dataSource.createQueryRunner();
  try {
    await runner.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK]);
    try {
      return await migrate();
    } finally {
      await runner.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK]);
    }
  } finally {
    await runner.release();
  }
}

function redact(url: string): string {
  return url.replace(/\/\/[^@/]*@/, '//***@');
}
