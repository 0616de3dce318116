import { describeError } from '@bridge/core';

export interface UpstreamCall {
  siteId: string;
  vendor: string;
  operation: string;
  seconds: number;
  /** `down`: a health check that answered, saying the upstream is not usable. */
  outcome: 'ok' | 'error' | 'down';
  code: string;
}

export type UpstreamCallListener = (call: UpstreamCall) => void;

export class UpstreamCallFeed {
  private readonly listeners = new Set<UpstreamCallListener>();

  subscribe(listener: UpstreamCallListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  emit(call: UpstreamCall): void {
    for (const listener of this.listeners) listener(call);
  }
}

const LIFECYCLE = new Set<PropertyKey>(['start', 'stop', 'constructor']);

type Method = (...args: unknown[]) => unknown;

/**
 * The adapter behind a Proxy rather than a wrapper class, so `instanceof RkeeperPosAdapter` and the vendor's own
 * methods keep working. Every asynchronous method called from outside is timed; the adapter's calls to itself
 * are not, because methods run with the adapter itself as `this`.
 */
export function metered<T extends object>(
  target: T,
  labels: { siteId: string; vendor: string },
  feed: UpstreamCallFeed,
): T {
  const cache = new Map<PropertyKey, { original: Method; wrapper: Method }>();
  return new Proxy(target, {
    get(object, property) {
      const value: unknown = Reflect.get(object, property, object);
      if (typeof value !== 'function') return value;
      const original = value as Method;
      const cached = cache.get(property);
      if (cached?.original === original) return cached.wrapper;
      const wrapper: Method =
        typeof property === 'string' && !LIFECYCLE.has(property)
          ? (...args) => timed(original, object, args, { ...labels, operation: property }, feed)
          : original.bind(object);
      cache.set(property, { original, wrapper });
      return wrapper;
    },
  });
}

function timed(
  method: Method,
  self: object,
  args: unknown[],
  labels: { siteId: string; vendor: string; operation: string },
  feed: UpstreamCallFeed,
): unknown {
  const started = process.hrtime.bigint();
  const seconds = () => Number(process.hrtime.bigint() - started) / 1e9;
  const result = method.apply(self, args);
  if (!isThenable(result)) return result;
  return Promise.resolve(result).then(
    (value: unknown) => {
      const down = typeof value === 'object' && value !== null && 'ok' in value && value.ok === false;
      feed.emit({ ...labels, seconds: seconds(), outcome: down ? 'down' : 'ok', code: '' });
      return value;
    },
    (error: unknown) => {
      feed.emit({ ...labels, seconds: seconds(), outcome: 'error', code: describeError(error).code });
      throw error;
    },
  );
}

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return typeof value === 'object' && value !== null && 'then' in value && typeof value.then === 'function';
}
