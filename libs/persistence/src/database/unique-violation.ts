import { DuplicateRecordError } from '@bridge/core';
import { QueryFailedError } from 'typeorm';
import { UNIQUE_KEYS } from './schema-names';

const SQLITE_UNIQUE_CODES = new Set(['SQLITE_CONSTRAINT_UNIQUE', 'SQLITE_CONSTRAINT_PRIMARYKEY']);
const PG_UNIQUE_VIOLATION = '23505';
const SQLITE_UNIQUE_MESSAGE = /UNIQUE constraint failed: (.+)$/;

const BY_COLUMNS = new Map(UNIQUE_KEYS.map((key) => [columnsKey(key.table, key.columns), key.name]));

function columnsKey(table: string, columns: readonly string[]): string {
  return `${table}(${columns.join(',')})`;
}

function stringProperty(value: object, name: string): string | undefined {
  const property: unknown = Reflect.get(value, name);
  return typeof property === 'string' ? property : undefined;
}

/** PostgreSQL names the constraint; SQLite only lists "table.col" pairs, so we look the name up. */
export function violatedUniqueKey(error: unknown): string | undefined {
  if (!(error instanceof QueryFailedError)) return undefined;
  const driverError: unknown = error.driverError;
  if (typeof driverError !== 'object' || driverError === null) return undefined;
  const code = stringProperty(driverError, 'code');
  if (code === PG_UNIQUE_VIOLATION) {
    return stringProperty(driverError, 'constraint') ?? stringProperty(driverError, 'table') ?? 'unknown';
  }
  if (code === undefined || !SQLITE_UNIQUE_CODES.has(code)) return undefined;
  const match = SQLITE_UNIQUE_MESSAGE.exec(stringProperty(driverError, 'message') ?? '');
  if (!match) return 'unknown';
  const qualified = match[1].split(',').map((column) => column.trim());
  const table = qualified[0].split('.')[0];
  const columns = qualified.map((column) => column.slice(column.indexOf('.') + 1));
  return BY_COLUMNS.get(columnsKey(table, columns)) ?? columnsKey(table, columns);
}

export async function refusingDuplicates<T>(what: string, write: () => Promise<T>): Promise<T> {
  try {
    return await write();
  } catch (error) {
    const constraint = violatedUniqueKey(error);
    if (constraint === undefined) throw error;
    throw new DuplicateRecordError(constraint, `${what} already exists (${constraint})`, { cause: error });
  }
}
