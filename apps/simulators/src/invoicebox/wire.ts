import { JsonObject } from './types';

/**
 * Serialises like PHP `json_encode($v, JSON_UNESCAPED_UNICODE)`: `/` becomes `\/`, Cyrillic stays raw
 * UTF-8, U+2028/U+2029 are escaped. A receiver that re-serialises instead of hashing the raw body fails.
 */
export function phpJsonEncode(value: unknown): string {
  return JSON.stringify(value)
    .replace(/\//g, '\\/')
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029');
}

/** ATOM / RFC 3339 with an offset and no fractional seconds, as PHP `Y-m-d\TH:i:sP` writes UTC. */
export function atom(ms: number): string {
  return new Date(Math.floor(ms / 1000) * 1000).toISOString().replace(/\.\d{3}Z$/, '+00:00');
}

const DATETIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:Z|[+-]\d{2}:?\d{2})$/;

export function parseDateTime(text: string): number | null {
  if (!DATETIME.test(text)) return null;
  const ms = Date.parse(text);
  return Number.isNaN(ms) ? null : ms;
}

export interface FieldError {
  name: string;
  code: string;
  message: string;
}

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly fields: FieldError[] = [],
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }

  body(): JsonObject {
    return {
      error: {
        message: this.message,
        code: this.code,
        fields: this.fields.map((f) => ({ name: f.name, code: f.code, message: f.message })),
      },
    };
  }
}

export function wrongValue(name: string, message = ''): FieldError {
  return { name, code: 'wrong_value', message };
}

export function isJsonObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
