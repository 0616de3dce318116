import { AsyncLocalStorage } from 'node:async_hooks';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { DataSource, EntityManager } from 'typeorm';
import { rawQuery } from './raw-query';

/** A batch stops taking units here even while more wait, so the first unit's wait stays bounded. */
export const MAX_UNITS_PER_BATCH = 128;

interface Outcome {
  ok: boolean;
  deliver(): void;
}

interface Unit {
  /** Runs the work inside the batch; its outcome is only delivered once the batch's fate is known. */
  execute(manager: EntityManager): Promise<Outcome>;
  fail(error: unknown): void;
}

interface OpenUnit {
  manager: EntityManager;
  open: boolean;
}

/**
 * Group commit for the single better-sqlite3 connection. Every unit of work that arrives while a batch is
 * being written joins the next one: one physical transaction, a SAVEPOINT per unit (a unit that throws
 * rolls back to its own savepoint only), one COMMIT, so one fsync for the lot under synchronous=FULL.
 * No unit hears its outcome (result or error) before that COMMIT: an answer given earlier could rest on
 * rows of a neighbour that never reach the disk. If the COMMIT fails, every unit of the batch fails.
 */
export class SqliteGroupCommit {
  private readonly queue: Unit[] = [];
  private readonly current = new AsyncLocalStorage<OpenUnit>();
  private draining = false;
  private writing = false;
  private committed = 0;

  constructor(private readonly dataSource: DataSource) {}

  /** Physical transactions committed so far. */
  get commits(): number {
    return this.committed;
  }

  /** Inside a running unit `work` joins it (it must not wait for itself); otherwise it is a unit of its own. */
  run<T>(work: (manager: EntityManager) => Promise<T>): Promise<T> {
    const running = this.current.getStore();
    if (running?.open) return work(running.manager);
    return new Promise<T>((resolve, reject) => {
      this.queue.push({
        execute: async (manager) => {
          try {
            const value = await work(manager);
            return { ok: true, deliver: () => resolve(value) };
          } catch (error) {
            return { ok: false, deliver: () => reject(error) };
          }
        },
        fail: reject,
      });
      this.schedule();
    });
  }

  /**
   * Between batches the connection has no transaction open, so a read runs at once and sees only committed
   * rows. Batches start from a timer callback, never in the middle of a read's chain of promises.
   */
  read<T>(work: (manager: EntityManager) => Promise<T>): Promise<T> {
    const running = this.current.getStore();
    if (running?.open) return work(running.manager);
    if (this.writing) return this.run(work);
    return work(this.dataSource.manager);
  }

  private schedule(): void {
    if (this.draining) return;
    this.draining = true;
    void this.drain();
  }

  // Each batch waits one turn of the event loop first, so that requests read from the sockets meanwhile join it.
  private async drain(): Promise<void> {
    try {
      while (this.queue.length > 0) {
        await nextTurn();
        await this.commitBatch(this.queue.splice(0, MAX_UNITS_PER_BATCH));
      }
    } finally {
      this.draining = false;
    }
  }

  private async commitBatch(units: Unit[]): Promise<void> {
    const runner = this.dataSource.createQueryRunner();
    const outcomes: Outcome[] = [];
    this.writing = true;
    try {
      await rawQuery(runner.manager, 'BEGIN IMMEDIATE', []);
      for (const unit of units) outcomes.push(await this.runUnit(runner.manager, unit));
      await rawQuery(runner.manager, 'COMMIT', []);
      this.committed += 1;
    } catch (error) {
      // SQLite rolls some failures back by itself; then there is nothing left to roll back.
      await rawQuery(runner.manager, 'ROLLBACK', []).catch(() => undefined);
      for (const unit of units) unit.fail(error);
      return;
    } finally {
      this.writing = false;
    }
    for (const outcome of outcomes) outcome.deliver();
  }

  private async runUnit(manager: EntityManager, unit: Unit): Promise<Outcome> {
    await rawQuery(manager, 'SAVEPOINT "unit"', []);
    const open: OpenUnit = { manager, open: true };
    let outcome: Outcome;
    try {
      outcome = await this.current.run(open, () => unit.execute(manager));
    } finally {
      open.open = false;
    }
    if (!outcome.ok) await rawQuery(manager, 'ROLLBACK TO "unit"', []);
    await rawQuery(manager, 'RELEASE "unit"', []);
    return outcome;
  }
}
