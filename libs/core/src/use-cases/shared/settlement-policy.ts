/** How hard the bridge tries before a person is asked. Values come from the config. */
export class SettlementPolicy {
  maxAttempts = 20;
  baseDelayMs = 1_000;
  maxDelayMs = 5 * 60_000;
  /** A settlement in flight longer than this is presumed abandoned and read back. */
  leaseMs = 60_000;
  /** After an unknown outcome, wait a little so the POS/PMS settles before it is read back. */
  readBackDelayMs = 2_000;
  batchSize = 50;
  /** Settlements of different bills applied at once. */
  concurrency = 8;

  constructor(values: Partial<SettlementPolicy> = {}) {
    Object.assign(this, values);
  }

  /** Exponential backoff with ±20% jitter so retries of many settlements spread out. */
  delayFor(attempts: number, random: () => number = Math.random): number {
    const exponential = this.baseDelayMs * 2 ** Math.max(0, attempts - 1);
    const capped = Math.min(this.maxDelayMs, exponential);
    return Math.round(capped * (0.8 + 0.4 * random()));
  }
}
