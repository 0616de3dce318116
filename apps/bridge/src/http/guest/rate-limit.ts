import { Request, Response } from 'express';

export interface RateLimit {
  limit: number;
  windowMs: number;
}

/** A fixed window per client address: enough to keep a scanner or a loop from hammering the POS. */
export class RateLimiter {
  private readonly windows = new Map<string, { count: number; resetAt: number }>();

  constructor(private readonly rule: RateLimit) {}

  /** Seconds to wait, or 0 when the request may go ahead. */
  take(key: string, now = Date.now()): number {
    if (this.windows.size > 10_000) this.sweep(now);
    const window = this.windows.get(key);
    if (!window || window.resetAt <= now) {
      this.windows.set(key, { count: 1, resetAt: now + this.rule.windowMs });
      return 0;
    }
    window.count += 1;
    return window.count > this.rule.limit ? Math.ceil((window.resetAt - now) / 1000) : 0;
  }

  private sweep(now: number): void {
    for (const [key, window] of this.windows) if (window.resetAt <= now) this.windows.delete(key);
  }
}

export function clientKey(request: Request): string {
  return request.ip ?? request.socket.remoteAddress ?? 'unknown';
}

export function rateLimited(response: Response, retryAfterSeconds: number, html: string): void {
  response.status(429).setHeader('Retry-After', String(retryAfterSeconds));
  response.type('html').send(html);
}
