/** Timers that `close()`/`reset()` can cancel at once, so nothing outlives the sandbox. */
export class Timers {
  private readonly handles = new Set<NodeJS.Timeout>();
  private readonly sleepers = new Map<NodeJS.Timeout, () => void>();

  after(ms: number, task: () => void): NodeJS.Timeout {
    const handle = setTimeout(() => {
      this.handles.delete(handle);
      task();
    }, ms);
    this.handles.add(handle);
    return handle;
  }

  cancel(handle: NodeJS.Timeout | null): void {
    if (handle === null) return;
    clearTimeout(handle);
    this.handles.delete(handle);
  }

  /** Resolves after `ms`, or at once when the timers are cleared. */
  sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const handle = setTimeout(() => {
        this.sleepers.delete(handle);
        resolve();
      }, ms);
      this.sleepers.set(handle, resolve);
    });
  }

  clear(): void {
    for (const handle of this.handles) clearTimeout(handle);
    this.handles.clear();
    for (const [handle, wake] of this.sleepers) {
      clearTimeout(handle);
      wake();
    }
    this.sleepers.clear();
  }
}
