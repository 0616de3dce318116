import { Injectable } from '@nestjs/common';
import { Clock, describeError } from '@bridge/core';

export interface SiteHealthState {
  status: 'up' | 'degraded' | 'unknown';
  checkedAt?: string;
  lastSuccessAt?: string;
  error?: { code: string; message: string };
}

/** What the last sync said about each site's POS/PMS; shown in /readyz details without calling it again. */
@Injectable()
export class SiteHealth {
  private readonly states = new Map<string, SiteHealthState>();

  constructor(private readonly clock: Clock) {}

  recordSuccess(siteId: string): void {
    const now = this.clock.now().toISOString();
    this.states.set(siteId, { status: 'up', checkedAt: now, lastSuccessAt: now });
  }

  recordFailure(siteId: string, error: unknown): void {
    const previous = this.states.get(siteId);
    this.states.set(siteId, {
      status: 'degraded',
      checkedAt: this.clock.now().toISOString(),
      lastSuccessAt: previous?.lastSuccessAt,
      error: describeError(error),
    });
  }

  get(siteId: string): SiteHealthState {
    return this.states.get(siteId) ?? { status: 'unknown' };
  }
}
