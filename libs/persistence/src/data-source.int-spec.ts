import { existsSync } from 'node:fs';
import path from 'node:path';
import { DataSource } from 'typeorm';
import { PostgresDriver } from 'typeorm/driver/postgres/PostgresDriver';
import { createDataSourceOptions, parseDatabaseUrl } from './data-source';
import { openDataSource } from './testing/harness';
import { TestDatabase, createTestDatabase } from './testing/test-database';

describe('SQLite data source', () => {
  let db: TestDatabase;
  let dataSource: DataSource;

  beforeAll(async () => {
    db = await createTestDatabase('persistence_test', { driver: 'sqlite' });
    dataSource = await openDataSource(db, { busyTimeoutMs: 2_500 });
  });

  afterAll(async () => {
    await dataSource?.destroy();
    await db?.drop();
  });

  it('creates the folder and sets the durability pragmas', async () => {
    const pragma = async (name: string): Promise<unknown> => {
      const rows: Record<string, unknown>[] = await dataSource.query(`PRAGMA ${name}`);
      return Object.values(rows[0])[0];
    };

    const target = parseDatabaseUrl(db.url);
    expect(target.kind === 'sqlite' && existsSync(path.dirname(target.path))).toBe(true);
    expect(await pragma('journal_mode')).toBe('wal');
    expect(await pragma('synchronous')).toBe(1);
    expect(await pragma('busy_timeout')).toBe(2_500);
    expect(await pragma('foreign_keys')).toBe(1);
  });

  it('opens an in-memory database for tests', async () => {
    const memory = await new DataSource(createDataSourceOptions('sqlite::memory:')).initialize();
    try {
      const rows: { one: number }[] = await memory.query('SELECT 1 AS one');
      expect(rows).toEqual([{ one: 1 }]);
    } finally {
      await memory.destroy();
    }
  });
});

describe('PostgreSQL data source', () => {
  let db: TestDatabase;

  beforeAll(async () => {
    db = await createTestDatabase('persistence_test', { driver: 'postgres' });
  });

  afterAll(async () => {
    await db?.drop();
  });

  it('connects with the configured pool size', async () => {
    const dataSource = await openDataSource(db, { poolSize: 3 });
    try {
      const rows: { name: string }[] = await dataSource.query(
        `SELECT current_setting('application_name') AS name`,
      );
      expect(rows).toEqual([{ name: 'pos-bridge' }]);
      expect(dataSource.driver).toBeInstanceOf(PostgresDriver);
      expect((dataSource.driver as PostgresDriver).master.options.max).toBe(3);
    } finally {
      await dataSource.destroy();
    }
  });
});
