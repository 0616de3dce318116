import { DataSource } from 'typeorm';
import { DbContext, dbContextFor, rawQuery } from '../database/db-context';

/**
 * Named counters in the bridge database that never go back: each step is committed (and on SQLite synced)
 * before its value is handed out, and one row update makes concurrent callers, in any process, see
 * different values.
 */
export class TypeormCounters {
  private readonly db: DbContext;

  constructor(dataSource: DataSource) {
    this.db = dbContextFor(dataSource);
  }

  /** 0 the first time for `name`, then one more on each call. */
  async next(name: string): Promise<number> {
    const result = await this.db.run((manager) =>
      rawQuery(
        manager,
        `INSERT INTO "counters" ("name", "value") VALUES (?, 1)
         ON CONFLICT ("name") DO UPDATE SET "value" = "counters"."value" + 1
         RETURNING "value"`,
        [name],
      ),
    );
    return valueOf(result.records, name) - 1;
  }

  /** Where the counter stands (0 if it never moved). */
  async current(name: string): Promise<number> {
    const result = await this.db.run((manager) =>
      rawQuery(manager, `SELECT "value" FROM "counters" WHERE "name" = ?`, [name]),
    );
    return result.records.length === 0 ? 0 : valueOf(result.records, name);
  }

  /** Moves the counter up to `value`; a lower value leaves it where it is. */
  async raiseTo(name: string, value: number): Promise<void> {
    await this.db.run((manager) =>
      rawQuery(
        manager,
        `INSERT INTO "counters" ("name", "value") VALUES (?, ?)
         ON CONFLICT ("name") DO UPDATE SET "value" =
           CASE WHEN excluded."value" > "counters"."value" THEN excluded."value" ELSE "counters"."value" END`,
        [name, value],
      ),
    );
  }
}

function valueOf(records: unknown[], name: string): number {
  const row: unknown = records[0];
  const raw = typeof row === 'object' && row !== null ? Reflect.get(row, 'value') : undefined;
  const value = Number(raw);
  if (!Number.isSafeInteger(value)) throw new Error(`Counter ${name} holds ${String(raw)}, not an integer`);
  return value;
}
