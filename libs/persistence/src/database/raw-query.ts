import type { Database as SqliteDatabase, Statement } from 'better-sqlite3';
import type { PoolClient } from 'pg';
import { DataSource, EntityManager, QueryFailedError, QueryResult } from 'typeorm';

export function isPostgres(dataSource: DataSource): boolean {
  return dataSource.options.type === 'postgres';
}

/** `?` placeholders (never inside literals); the structured result carries the affected rows on both drivers. */
export async function rawQuery(
  manager: EntityManager,
  sql: string,
  parameters: unknown[],
): Promise<QueryResult> {
  const sqlite = sqliteConnectionOf(manager.dataSource);
  if (sqlite) return sqliteQuery(sqlite, sql, parameters);
  const postgres = isPostgres(manager.dataSource);
  const ownRunner = manager.queryRunner === undefined;
  const runner = manager.queryRunner ?? manager.dataSource.createQueryRunner();
  try {
    if (!postgres) return await runner.query(sql, parameters, true);
    const client: PoolClient = await runner.connect();
    return await postgresQuery(client, postgresText(sql), parameters);
  } finally {
    if (ownRunner) await runner.release();
  }
}

const postgresTexts = new Map<string, { text: string; name: string }>();

function postgresText(sql: string): { text: string; name: string } {
  let prepared = postgresTexts.get(sql);
  if (!prepared) {
    let position = 0;
    prepared = { text: sql.replace(/\?/g, () => `$${++position}`), name: `bridge_${postgresTexts.size + 1}` };
    postgresTexts.set(sql, prepared);
  }
  return prepared;
}

/**
 * A named statement on the runner's own connection: PostgreSQL parses and plans it once per connection, and
 * the call skips TypeORM's per-query machinery. Errors are wrapped as TypeORM's would be.
 */
async function postgresQuery(
  client: PoolClient,
  statement: { text: string; name: string },
  parameters: unknown[],
): Promise<QueryResult> {
  try {
    const answer = await client.query({ name: statement.name, text: statement.text, values: parameters });
    const result = new QueryResult();
    result.records = answer.rows;
    result.raw = answer.rows;
    result.affected = answer.rowCount ?? undefined;
    return result;
  } catch (error) {
    throw new QueryFailedError(
      statement.text,
      parameters,
      isErrorLike(error) ? error : new Error(String(error)),
    );
  }
}

const statements = new WeakMap<SqliteDatabase, Map<string, Statement>>();
const STATEMENT_CACHE_SIZE = 200;

export function sqliteConnectionOf(dataSource: DataSource): SqliteDatabase | undefined {
  if (dataSource.options.type !== 'better-sqlite3') return undefined;
  const connection: unknown = Reflect.get(dataSource.driver, 'databaseConnection');
  return typeof connection === 'object' && connection !== null && 'prepare' in connection
    ? (connection as SqliteDatabase)
    : undefined;
}

/**
 * better-sqlite3 has one connection and runs synchronously: the statement goes straight to it, prepared
 * once, without TypeORM's per-query promises and events. Errors are wrapped as TypeORM's would be.
 */
function sqliteQuery(db: SqliteDatabase, sql: string, parameters: unknown[]): QueryResult {
  let cache = statements.get(db);
  if (!cache) {
    cache = new Map();
    statements.set(db, cache);
  }
  const values = parameters.map((value) => (typeof value === 'boolean' ? Number(value) : value));
  const result = new QueryResult();
  try {
    let statement = cache.get(sql);
    if (!statement) {
      statement = db.prepare(sql);
      cache.set(sql, statement);
      if (cache.size > STATEMENT_CACHE_SIZE) cache.delete(cache.keys().next().value ?? sql);
    }
    if (statement.reader) {
      result.records = statement.all(...values);
      result.raw = result.records;
    } else {
      const changed = statement.run(...values);
      result.affected = changed.changes;
      result.raw = changed.lastInsertRowid;
    }
  } catch (error) {
    // Not `instanceof Error`: the addon's errors may come from another realm (jest gives each file its own).
    throw new QueryFailedError(sql, values, isErrorLike(error) ? error : new Error(String(error)));
  }
  return result;
}

function isErrorLike(value: unknown): value is Error {
  return typeof value === 'object' && value !== null && 'message' in value;
}
