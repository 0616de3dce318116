import { DEFAULT_READ_RETRY, backoffDelay, parseRetryAfter, retryDelay } from './invoicebox.retry';

describe('read retry policy', () => {
  const now = Date.parse('2026-03-01T10:00:00Z');

  it('reads Retry-After as seconds or as an HTTP date', () => {
    expect(parseRetryAfter('7', now)).toBe(7000);
    expect(parseRetryAfter(' 0 ', now)).toBe(0);
    expect(parseRetryAfter('Sun, 01 Mar 2026 10:00:03 GMT', now)).toBe(3000);
    expect(parseRetryAfter('Sun, 01 Mar 2026 09:59:00 GMT', now)).toBe(0);
    expect(parseRetryAfter('soon', now)).toBeUndefined();
    expect(parseRetryAfter(undefined, now)).toBeUndefined();
  });

  it('backs off exponentially with jitter between half and all of the step, capped', () => {
    const policy = { ...DEFAULT_READ_RETRY, baseDelayMs: 100, maxDelayMs: 1000 };

    expect([1, 2, 3, 4, 5].map((attempt) => backoffDelay(attempt, policy, () => 0))).toEqual([
      50, 100, 200, 400, 500,
    ]);
    expect([1, 2, 3, 4, 5].map((attempt) => backoffDelay(attempt, policy, () => 1))).toEqual([
      100, 200, 400, 800, 1000,
    ]);
  });

  it('waits at least what Retry-After asks, and gives up when it asks for more than the cap', () => {
    expect(retryDelay(1, 2000, DEFAULT_READ_RETRY, () => 0.5)).toBe(2000);
    expect(retryDelay(1, undefined, DEFAULT_READ_RETRY, () => 1)).toBe(250);
    expect(
      retryDelay(1, DEFAULT_READ_RETRY.maxRetryAfterMs + 1, DEFAULT_READ_RETRY, () => 0),
    ).toBeUndefined();
  });
});
