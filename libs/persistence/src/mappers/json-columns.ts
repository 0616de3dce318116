/** A JSON column that does not hold what we wrote there: a bug or a hand edit, never data to guess at. */
export class CorruptColumnError extends Error {
  constructor(table: string, column: string, id: string | number, detail: string) {
    super(`${table}.${column} of ${id} is corrupt: ${detail}`);
    this.name = 'CorruptColumnError';
  }
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function parseJsonColumn(text: string, table: string, column: string, id: string | number): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    throw new CorruptColumnError(table, column, id, error instanceof Error ? error.message : String(error));
  }
}

export function parseJsonObject(
  text: string,
  table: string,
  column: string,
  id: string | number,
): Record<string, unknown> {
  const value = parseJsonColumn(text, table, column, id);
  if (!isRecord(value)) throw new CorruptColumnError(table, column, id, 'not a JSON object');
  return value;
}

export function parseStringRecord(
  text: string,
  table: string,
  column: string,
  id: string | number,
): Record<string, string> {
  const value = parseJsonObject(text, table, column, id);
  const result: Record<string, string> = {};
  for (const [key, item] of Object.entries(value)) {
    if (typeof item !== 'string') throw new CorruptColumnError(table, column, id, `"${key}" is not a string`);
    result[key] = item;
  }
  return result;
}

/** undefined in the domain is NULL in the row, so an update clears the column. */
export function nullable<T>(value: T | undefined): T | null {
  return value === undefined ? null : value;
}

export function optional<T>(value: T | null): T | undefined {
  return value === null ? undefined : value;
}
