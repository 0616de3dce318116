import {
  EntityManager,
  EntityMetadata,
  EntityTarget,
  ObjectLiteral,
  QueryResult,
  ValueTransformer,
} from 'typeorm';
import { rawQuery } from './raw-query';

type Column = EntityMetadata['columns'][number];
type Transformer = ValueTransformer | ValueTransformer[] | undefined;

function fromDatabase(transformer: Transformer, value: unknown): unknown {
  if (!transformer) return value;
  if (!Array.isArray(transformer)) return transformer.from(value);
  return transformer.reduceRight((current, one) => one.from(current), value);
}

function toDatabase(transformer: Transformer, value: unknown): unknown {
  if (!transformer) return value;
  if (!Array.isArray(transformer)) return transformer.to(value);
  return transformer.reduce((current, one) => one.to(current), value);
}

const quote = (name: string) => `"${name}"`;

/**
 * Fixed SQL and row mapping for one flat entity, derived once from TypeORM's metadata (column names and
 * transformers). For the hot paths: the query builder costs more CPU than SQLite's work, and the literals it
 * inlines make every statement new text, so none of its prepared statements is ever reused.
 */
export class EntitySql<E extends ObjectLiteral> {
  readonly table: string;
  /** `"id", "site_id", ...`: every column, for SELECT. */
  readonly columnList: string;
  private readonly columns: readonly Column[];
  private readonly insertable: readonly Column[];
  private readonly insertSqlByRows = new Map<number, string>();
  private readonly updateSqlByColumns = new Map<string, { sql: string; set: readonly Column[] }>();
  private upsertSql?: string;

  constructor(private readonly metadata: EntityMetadata) {
    this.table = quote(metadata.tableName);
    this.columns = metadata.columns;
    this.columnList = this.columns.map((column) => quote(column.databaseName)).join(', ');
    this.insertable = this.columns.filter((column) => !column.isGenerated);
  }

  toEntity(row: Record<string, unknown>): E {
    const entity: ObjectLiteral = this.metadata.create();
    for (const column of this.columns) {
      Reflect.set(entity, column.propertyName, fromDatabase(column.transformer, row[column.databaseName]));
    }
    return entity as E;
  }

  async selectOne(manager: EntityManager, where: string, parameters: unknown[]): Promise<E | null> {
    const result = await rawQuery(
      manager,
      `SELECT ${this.columnList} FROM ${this.table} WHERE ${where} LIMIT 1`,
      parameters,
    );
    const row: unknown = result.records[0];
    return row === undefined ? null : this.toEntity(row as Record<string, unknown>);
  }

  /** Generated columns are left to the database; an undefined value is written as NULL. */
  insert(manager: EntityManager, entities: readonly Partial<E>[]): Promise<QueryResult> {
    const parameters: unknown[] = [];
    for (const entity of entities) {
      for (const column of this.insertable) parameters.push(this.databaseValue(entity, column));
    }
    return rawQuery(manager, this.insertSql(entities.length), parameters);
  }

  /**
   * Every column named in `columns` (property names), by primary key `id`, and only where `condition` (SQL
   * over columns, `?` placeholders) holds as well.
   */
  updateById(
    manager: EntityManager,
    entity: E,
    columns: readonly string[],
    condition?: { sql: string; parameters: unknown[] },
  ): Promise<QueryResult> {
    const key = `${columns.join(',')}|${condition?.sql ?? ''}`;
    let update = this.updateSqlByColumns.get(key);
    if (!update) {
      const set = columns.map((name) => this.column(name));
      const assignments = set.map((column) => `${quote(column.databaseName)} = ?`).join(', ');
      const where = condition ? `"id" = ? AND ${condition.sql}` : '"id" = ?';
      update = { sql: `UPDATE ${this.table} SET ${assignments} WHERE ${where}`, set };
      this.updateSqlByColumns.set(key, update);
    }
    const parameters = update.set.map((column) => this.databaseValue(entity, column));
    return rawQuery(manager, update.sql, [
      ...parameters,
      Reflect.get(entity, 'id'),
      ...(condition?.parameters ?? []),
    ]);
  }

  /** Insert, or overwrite every column of the row with the same primary key `id`. */
  upsertById(manager: EntityManager, entity: E): Promise<QueryResult> {
    if (this.upsertSql === undefined) {
      const overwrite = this.insertable
        .filter((column) => column.databaseName !== 'id')
        .map((column) => `${quote(column.databaseName)} = excluded.${quote(column.databaseName)}`);
      this.upsertSql = `${this.insertSql(1)} ON CONFLICT ("id") DO UPDATE SET ${overwrite.join(', ')}`;
    }
    return rawQuery(
      manager,
      this.upsertSql,
      this.insertable.map((column) => this.databaseValue(entity, column)),
    );
  }

  private databaseValue(entity: Partial<E>, column: Column): unknown {
    const value = toDatabase(column.transformer, Reflect.get(entity, column.propertyName));
    return value === undefined ? null : value;
  }

  private insertSql(rows: number): string {
    let sql = this.insertSqlByRows.get(rows);
    if (sql === undefined) {
      const names = this.insertable.map((column) => quote(column.databaseName)).join(', ');
      const tuple = `(${this.insertable.map(() => '?').join(', ')})`;
      sql = `INSERT INTO ${this.table} (${names}) VALUES ${Array.from({ length: rows }, () => tuple).join(', ')}`;
      this.insertSqlByRows.set(rows, sql);
    }
    return sql;
  }

  private column(propertyName: string): Column {
    const column = this.columns.find((c) => c.propertyName === propertyName);
    if (!column) throw new Error(`${this.metadata.name} has no column ${propertyName}`);
    return column;
  }
}

const cache = new WeakMap<EntityMetadata, EntitySql<ObjectLiteral>>();

export function entitySql<E extends ObjectLiteral>(
  manager: EntityManager,
  target: EntityTarget<E>,
): EntitySql<E> {
  const metadata = manager.dataSource.getMetadata(target);
  let sql = cache.get(metadata);
  if (!sql) {
    sql = new EntitySql<ObjectLiteral>(metadata);
    cache.set(metadata, sql);
  }
  return sql as EntitySql<E>;
}
