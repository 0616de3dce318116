import { AsyncLocalStorage } from 'node:async_hooks';
import { DataSource, EntityManager, QueryResult } from 'typeorm';
import { AsyncMutex } from './async-mutex';

export interface DbContext {
  readonly postgres: boolean;
  run<T>(work: (manager: EntityManager) => Promise<T>): Promise<T>;
  transaction<T>(work: (manager: EntityManager) => Promise<T>): Promise<T>;
}

class PostgresContext implements DbContext {
  readonly postgres = true;

  constructor(private readonly dataSource: DataSource) {}

  run<T>(work: (manager: EntityManager) => Promise<T>): Promise<T> {
    return work(this.dataSource.manager);
  }

  transaction<T>(work: (manager: EntityManager) => Promise<T>): Promise<T> {
    return this.dataSource.transaction(work);
  }
}

interface OpenTransaction {
  manager: EntityManager;
  open: boolean;
}

// better-sqlite3 is one connection, so concurrent async transactions would interleave: all goes through one
// mutex, except code already inside the running transaction (AsyncLocalStorage), which must not wait for itself.
class SqliteContext implements DbContext {
  readonly postgres = false;
  private readonly mutex = new AsyncMutex();
  private readonly current = new AsyncLocalStorage<OpenTransaction>();

  constructor(private readonly dataSource: DataSource) {}

  run<T>(work: (manager: EntityManager) => Promise<T>): Promise<T> {
    const running = this.current.getStore();
    if (running?.open) return work(running.manager);
    return this.mutex.runExclusive(() => work(this.dataSource.manager));
  }

  transaction<T>(work: (manager: EntityManager) => Promise<T>): Promise<T> {
    const running = this.current.getStore();
    if (running?.open) return work(running.manager);
    return this.mutex.runExclusive(() =>
      this.dataSource.transaction(async (manager) => {
        const transaction: OpenTransaction = { manager, open: true };
        try {
          return await this.current.run(transaction, () => work(manager));
        } finally {
          transaction.open = false;
        }
      }),
    );
  }
}

export class TransactionContext implements DbContext {
  constructor(
    private readonly manager: EntityManager,
    readonly postgres: boolean,
  ) {}

  run<T>(work: (manager: EntityManager) => Promise<T>): Promise<T> {
    return work(this.manager);
  }

  transaction<T>(work: (manager: EntityManager) => Promise<T>): Promise<T> {
    return work(this.manager);
  }
}

const contexts = new WeakMap<DataSource, DbContext>();

/** One context per DataSource, so the Store and the JobLock of one SQLite file share its mutex. */
export function dbContextFor(dataSource: DataSource): DbContext {
  let context = contexts.get(dataSource);
  if (!context) {
    context = isPostgres(dataSource) ? new PostgresContext(dataSource) : new SqliteContext(dataSource);
    contexts.set(dataSource, context);
  }
  return context;
}

export function isPostgres(dataSource: DataSource): boolean {
  return dataSource.options.type === 'postgres';
}

/** `?` placeholders (never inside literals); the structured result carries the affected rows on both drivers. */
export async function rawQuery(
  manager: EntityManager,
  sql: string,
  parameters: unknown[],
): Promise<QueryResult> {
  let position = 0;
  const text = isPostgres(manager.dataSource) ? sql.replace(/\?/g, () => `$${++position}`) : sql;
  const ownRunner = manager.queryRunner === undefined;
  const runner = manager.queryRunner ?? manager.dataSource.createQueryRunner();
  try {
    return await runner.query(text, parameters, true);
  } finally {
    if (ownRunner) await runner.release();
  }
}
