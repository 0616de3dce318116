/** Drops undefined properties: TypeORM 1 refuses an undefined value in a where object, on purpose. */
export function compact<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, item]) => item !== undefined)) as Partial<T>;
}
