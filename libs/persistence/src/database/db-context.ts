import { DataSource, EntityManager } from 'typeorm';
import { isPostgres } from './raw-query';
import { SqliteGroupCommit } from './sqlite-group-commit';

export interface DbContext {
  readonly postgres: boolean;
  run<T>(work: (manager: EntityManager) => Promise<T>): Promise<T>;
  /** For work that only reads and needs no transaction of its own: it may run at once, on committed data. */
  read<T>(work: (manager: EntityManager) => Promise<T>): Promise<T>;
  transaction<T>(work: (manager: EntityManager) => Promise<T>): Promise<T>;
}

class PostgresContext implements DbContext {
  readonly postgres = true;

  constructor(private readonly dataSource: DataSource) {}

  run<T>(work: (manager: EntityManager) => Promise<T>): Promise<T> {
    return work(this.dataSource.manager);
  }

  read<T>(work: (manager: EntityManager) => Promise<T>): Promise<T> {
    return work(this.dataSource.manager);
  }

  transaction<T>(work: (manager: EntityManager) => Promise<T>): Promise<T> {
    return this.dataSource.transaction(work);
  }
}

// better-sqlite3 is one connection: concurrent work is written in batches, one transaction each (see
// SqliteGroupCommit); code already inside a unit of work runs there, it must not wait for itself.
class SqliteContext implements DbContext {
  readonly postgres = false;
  private readonly batches: SqliteGroupCommit;

  constructor(dataSource: DataSource) {
    this.batches = new SqliteGroupCommit(dataSource);
  }

  run<T>(work: (manager: EntityManager) => Promise<T>): Promise<T> {
    return this.batches.run(work);
  }

  read<T>(work: (manager: EntityManager) => Promise<T>): Promise<T> {
    return this.batches.read(work);
  }

  transaction<T>(work: (manager: EntityManager) => Promise<T>): Promise<T> {
    return this.batches.run(work);
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

  read<T>(work: (manager: EntityManager) => Promise<T>): Promise<T> {
    return work(this.manager);
  }

  transaction<T>(work: (manager: EntityManager) => Promise<T>): Promise<T> {
    return work(this.manager);
  }
}

const contexts = new WeakMap<DataSource, DbContext>();

/** One context per DataSource, so the Store and the JobLock of one SQLite file share its batches. */
export function dbContextFor(dataSource: DataSource): DbContext {
  let context = contexts.get(dataSource);
  if (!context) {
    context = isPostgres(dataSource) ? new PostgresContext(dataSource) : new SqliteContext(dataSource);
    contexts.set(dataSource, context);
  }
  return context;
}

export { isPostgres, rawQuery } from './raw-query';
