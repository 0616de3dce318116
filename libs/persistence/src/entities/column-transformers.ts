import { ValueTransformer } from 'typeorm';

/** pg returns `bigint` as a string (it may not fit a double); ours are minor units and epoch ms, which do. */
export function toSafeInteger(value: string | number | bigint): number {
  const n = typeof value === 'number' ? value : Number(value);
  if (!Number.isSafeInteger(n)) throw new RangeError(`Not a safe integer: ${String(value)}`);
  return n;
}

export const bigintNumber: ValueTransformer = {
  to: (value: number | null | undefined): number | null | undefined => value,
  from: (value: string | number | null): number | null => (value === null ? null : toSafeInteger(value)),
};

/** Times are epoch milliseconds in `bigint` columns: portable, and comparable in SQL on both drivers. */
export const epochMillis: ValueTransformer = {
  to: (value: Date | null | undefined): number | null | undefined =>
    value instanceof Date ? value.getTime() : value,
  from: (value: string | number | null): Date | null =>
    value === null ? null : new Date(toSafeInteger(value)),
};
