export type LockedRun<T> = { ran: true; result: T } | { ran: false };

/**
 * Makes sure one job (a site's sync, a reconciliation) runs in one place at a time. `work` gets a signal
 * that aborts when the lock was lost while it ran (an implementation that renews its lease could not).
 */
export abstract class JobLock {
  abstract tryRun<T>(
    key: string,
    ttlMs: number,
    work: (lost: AbortSignal) => Promise<T>,
  ): Promise<LockedRun<T>>;
}

export class InProcessJobLock extends JobLock {
  private readonly running = new Set<string>();

  async tryRun<T>(
    key: string,
    _ttlMs: number,
    work: (lost: AbortSignal) => Promise<T>,
  ): Promise<LockedRun<T>> {
    if (this.running.has(key)) return { ran: false };
    this.running.add(key);
    try {
      return { ran: true, result: await work(new AbortController().signal) };
    } finally {
      this.running.delete(key);
    }
  }
}
