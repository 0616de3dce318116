/** How hard alerts are retried: about seven hours of attempts before a delivery is marked failed. */
export class AlertPolicy {
  baseDelayMs = 5_000;
  maxDelayMs = 3_600_000;
  maxAttempts = 16;
  timeoutMs = 5_000;
  tickMs = 1_000;
  batchSize = 50;

  constructor(values: Partial<AlertPolicy> = {}) {
    Object.assign(this, values);
  }

  delayFor(attempts: number): number {
    return Math.min(this.maxDelayMs, this.baseDelayMs * 2 ** Math.max(0, attempts - 1));
  }
}
