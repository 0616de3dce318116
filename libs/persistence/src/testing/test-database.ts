import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Client } from 'pg';

export type TestDriver = 'sqlite' | 'postgres';

export const TEST_DRIVERS: readonly TestDriver[] = ['sqlite', 'postgres'];

/** The PostgreSQL the tests use: local, trust auth (see .ci). */
const DEFAULT_POSTGRES_ADMIN_URL = 'postgres://postgres@127.0.0.1:5432/postgres';

export interface TestDatabase {
  driver: TestDriver;
  url: string;
  drop(): Promise<void>;
}

export interface TestDatabaseOptions {
  driver?: TestDriver;
  postgresAdminUrl?: string;
}

/** An empty database of its own (PostgreSQL by default): `<prefix>_<pid>_<random>`, or a SQLite file in a temp folder. */
export async function createTestDatabase(
  prefix = 'bridge_test',
  options: TestDatabaseOptions = {},
): Promise<TestDatabase> {
  if (!/^[a-z][a-z0-9_]*$/.test(prefix))
    throw new Error(`Test database prefix "${prefix}" must be lower snake_case`);
  const driver = options.driver ?? 'postgres';
  if (driver === 'sqlite') {
    const dir = await mkdtemp(path.join(os.tmpdir(), `${prefix}-`));
    return {
      driver,
      url: `sqlite:${path.join(dir, 'db', 'bridge.db')}`,
      drop: () => rm(dir, { recursive: true, force: true }),
    };
  }
  const adminUrl = options.postgresAdminUrl ?? DEFAULT_POSTGRES_ADMIN_URL;
  const name = `${prefix}_${process.pid}_${randomBytes(6).toString('hex')}`;
  await withAdmin(adminUrl, (client) => client.query(`CREATE DATABASE "${name}"`));
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return {
    driver,
    url: url.toString(),
    drop: () =>
      withAdmin(adminUrl, (client) => client.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`)),
  };
}

async function withAdmin(adminUrl: string, work: (client: Client) => Promise<unknown>): Promise<void> {
  const client = new Client({ connectionString: adminUrl });
  await client.connect();
  try {
    await work(client);
  } finally {
    await client.end();
  }
}
