import { parseScaledDecimal } from '@bridge/core';
import { ApiError, wrongValue } from './wire';

export type FieldType = 'string' | 'date' | 'money';
type Operator = '_eq' | '_ne' | '_gt' | '_ge' | '_lt' | '_le' | '_start';
const OPERATORS: readonly string[] = ['_eq', '_ne', '_gt', '_ge', '_lt', '_le', '_start'];

interface Condition {
  field: string;
  operator: Operator | 'in';
  values: string[];
}

export interface CollectionQuery {
  conditions: Condition[];
  order: { field: string; direction: 1 | -1 }[];
  page: number;
  pageSize: number;
}

export type FieldValue = string | number | null;

const DEFAULT_PAGE_SIZE = 30;
const MAX_PAGE_SIZE = 100;

/** docs/api/filters.md: `f=v`, `f[]=v`, `f[_ge]=v`, `_order[f]=asc`, and both `page` and `_page` spellings. */
export function parseCollectionQuery(
  params: URLSearchParams,
  fields: Record<string, FieldType>,
): CollectionQuery {
  const conditions: Condition[] = [];
  const order: CollectionQuery['order'] = [];
  const sets = new Map<string, string[]>();
  for (const [key, value] of params) {
    const match = /^([A-Za-z_]+)(?:\[([A-Za-z_]*)\])?$/.exec(key);
    if (!match) continue;
    const [, name, inner] = match;
    if (name === '_order' && inner !== undefined) {
      if (!(inner in fields) || (value !== 'asc' && value !== 'desc'))
        throw new ApiError(422, 'wrong_filter_format', 'Wrong filter format', [wrongValue(key)]);
      order.push({ field: inner, direction: value === 'asc' ? 1 : -1 });
      continue;
    }
    if (!(name in fields)) continue;
    if (inner === '') sets.set(name, [...(sets.get(name) ?? []), value]);
    else if (inner === undefined) conditions.push({ field: name, operator: '_eq', values: [value] });
    else if (OPERATORS.includes(inner))
      conditions.push({ field: name, operator: inner as Operator, values: [value] });
    else throw new ApiError(422, 'wrong_filter_format', 'Wrong filter format', [wrongValue(key)]);
  }
  for (const [field, values] of sets) conditions.push({ field, operator: 'in', values });
  return {
    conditions,
    order,
    page: readPositiveInt(params, ['_page', 'page'], 1, Number.MAX_SAFE_INTEGER),
    pageSize: readPositiveInt(params, ['_pageSize', 'pageSize'], DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE),
  };
}

function readPositiveInt(params: URLSearchParams, names: string[], fallback: number, max: number): number {
  for (const name of names) {
    const text = params.get(name);
    if (text === null) continue;
    const value = Number(text);
    if (!/^\d+$/.test(text) || value < 1 || value > max)
      throw new ApiError(422, 'wrong_filter_format', 'Wrong filter format', [wrongValue(name)]);
    return value;
  }
  return fallback;
}

function comparable(type: FieldType, text: string): string | number | null {
  if (type === 'string') return text;
  if (type === 'money') {
    try {
      return Number(parseScaledDecimal(text, 2));
    } catch {
      return null;
    }
  }
  const ms = Date.parse(/(?:Z|[+-]\d{2}:?\d{2})$/.test(text) || !text.includes('T') ? text : `${text}Z`);
  return Number.isNaN(ms) ? null : ms;
}

function matches(condition: Condition, type: FieldType, actual: FieldValue): boolean {
  const wanted = condition.values.map((v) => comparable(type, v));
  if (wanted.some((w) => w === null))
    throw new ApiError(422, 'wrong_filter_format', 'Wrong filter format', [wrongValue(condition.field)]);
  const [first] = wanted;
  switch (condition.operator) {
    case 'in':
      return wanted.includes(actual);
    case '_eq':
      return actual === first;
    case '_ne':
      return actual !== first;
    case '_start':
      return typeof actual === 'string' && actual.startsWith(String(first));
    default: {
      if (actual === null || first === null || first === undefined) return false;
      if (condition.operator === '_gt') return actual > first;
      if (condition.operator === '_ge') return actual >= first;
      if (condition.operator === '_lt') return actual < first;
      return actual <= first;
    }
  }
}

export interface Page<T> {
  items: T[];
  totalCount: number;
  page: number;
  pageSize: number;
}

export function applyCollectionQuery<T>(
  items: readonly T[],
  query: CollectionQuery,
  fields: Record<string, FieldType>,
  valueOf: (item: T, field: string) => FieldValue,
): Page<T> {
  const filtered = items.filter((item) =>
    query.conditions.every((c) => matches(c, fields[c.field] ?? 'string', valueOf(item, c.field))),
  );
  if (query.order.length > 0) {
    filtered.sort((a, b) => {
      for (const { field, direction } of query.order) {
        const left = valueOf(a, field);
        const right = valueOf(b, field);
        if (left === right) continue;
        if (left === null) return -direction;
        if (right === null) return direction;
        return left < right ? -direction : direction;
      }
      return 0;
    });
  }
  const start = (query.page - 1) * query.pageSize;
  return {
    items: filtered.slice(start, start + query.pageSize),
    totalCount: filtered.length,
    page: query.page,
    pageSize: query.pageSize,
  };
}
