export class WireShapeError extends Error {
  constructor(
    readonly path: string,
    readonly expected: string,
  ) {
    super(`${path}: expected ${expected}`);
    this.name = 'WireShapeError';
  }
}

export type WireObject = Readonly<Record<string, unknown>>;

export function isWireObject(value: unknown): value is WireObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export class WireReader {
  private constructor(
    private readonly value: WireObject,
    readonly path: string,
  ) {}

  static of(value: unknown, path = '$'): WireReader {
    if (!isWireObject(value)) throw new WireShapeError(path, 'an object');
    return new WireReader(value, path);
  }

  has(key: string): boolean {
    return this.value[key] !== undefined && this.value[key] !== null;
  }

  raw(key: string): unknown {
    return this.value[key];
  }

  string(key: string): string {
    const value = this.value[key];
    if (typeof value !== 'string') throw new WireShapeError(this.at(key), 'a string');
    return value;
  }

  optionalString(key: string): string | undefined {
    return this.has(key) ? this.string(key) : undefined;
  }

  number(key: string): number {
    const value = this.value[key];
    if (typeof value !== 'number' || !Number.isFinite(value))
      throw new WireShapeError(this.at(key), 'a number');
    return value;
  }

  optionalNumber(key: string): number | undefined {
    return this.has(key) ? this.number(key) : undefined;
  }

  boolean(key: string): boolean {
    const value = this.value[key];
    if (typeof value !== 'boolean') throw new WireShapeError(this.at(key), 'a boolean');
    return value;
  }

  optionalBoolean(key: string): boolean | undefined {
    return this.has(key) ? this.boolean(key) : undefined;
  }

  oneOf<T extends string>(key: string, allowed: readonly T[]): T {
    const value = this.value[key];
    const match = allowed.find((candidate) => candidate === value);
    if (match === undefined) throw new WireShapeError(this.at(key), `one of ${allowed.join(', ')}`);
    return match;
  }

  stringOrNumber(key: string): string | number {
    const value = this.value[key];
    if (typeof value === 'string') return value;
    return this.number(key);
  }

  object(key: string): WireReader {
    return WireReader.of(this.value[key], this.at(key));
  }

  optionalObject(key: string): WireReader | undefined {
    return this.has(key) ? this.object(key) : undefined;
  }

  array<T>(key: string, item: (value: unknown, path: string) => T): T[] {
    const value = this.value[key];
    if (!Array.isArray(value)) throw new WireShapeError(this.at(key), 'an array');
    return value.map((entry: unknown, index) => item(entry, `${this.at(key)}[${index}]`));
  }

  optionalArray<T>(key: string, item: (value: unknown, path: string) => T): T[] | undefined {
    return this.has(key) ? this.array(key, item) : undefined;
  }

  private at(key: string): string {
    return `${this.path}.${key}`;
  }
}

export function compact<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, member]) => member !== undefined)) as T;
}
