import { AsyncLocalStorage } from 'node:async_hooks';
import { closeSync, fsync, openSync } from 'node:fs';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { DataSource, EntityManager } from 'typeorm';
import { rawQuery, sqliteConnectionOf } from './raw-query';

/** Makes everything committed so far durable. */
export type WalSync = () => Promise<void>;

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
 * rolls back to its own savepoint only), one COMMIT, then one fsync of the WAL for the lot.
 * The fsync runs on libuv's thread pool (the connection is synchronous=NORMAL, so COMMIT itself does not
 * sync): the event loop keeps serving requests, and the next batch is written while this one syncs.
 * No unit hears its outcome (result or error) before its batch is on disk: an answer given earlier could
 * rest on rows of a neighbour that never get there. If the COMMIT or the fsync fails, every unit fails.
 */
export class SqliteGroupCommit {
  private readonly queue: Unit[] = [];
  private readonly current = new AsyncLocalStorage<OpenUnit>();
  private draining = false;
  private writing = false;
  private committed = 0;
  /** The fsync of the latest batch while it runs: reads wait for it, so they never see rows not on disk. */
  private syncing: Promise<void> | null = null;
  private readonly syncWal: WalSync;

  constructor(
    private readonly dataSource: DataSource,
    syncWal?: WalSync,
  ) {
    this.syncWal = syncWal ?? walFileSync(dataSource);
  }

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
    // After the wait a batch may be writing again: decide afresh.
    if (this.syncing)
      return this.syncing.then(
        () => this.read(work),
        () => this.read(work),
      );
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
    const synced = this.syncWal();
    const settled = synced.then(
      () => outcomes.forEach((outcome) => outcome.deliver()),
      (error: unknown) => units.forEach((unit) => unit.fail(error)),
    );
    this.syncing = settled;
    void settled.finally(() => {
      if (this.syncing === settled) this.syncing = null;
    });
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

/** A descriptor still open when its DataSource is collected is closed then. */
const openDescriptors = new FinalizationRegistry<{ fd?: number }>((held) => {
  if (held.fd !== undefined) closeSync(held.fd);
});

/**
 * fsync of the `-wal` file through its own descriptor: Linux and Windows flush a file's cached pages
 * whatever handle wrote them. An in-memory database has nothing to sync, nor has one the file system kept
 * out of WAL mode (its COMMIT syncs by itself: see createDataSourceOptions).
 */
export function walFileSync(
  dataSource: DataSource,
  io: {
    openSync(path: string, flags: string): number;
    fsync(fd: number, callback: (error: NodeJS.ErrnoException | null) => void): void;
  } = { openSync, fsync },
): WalSync {
  const file = String(dataSource.options.database ?? ':memory:');
  if (file === ':memory:' || file === '') return () => Promise.resolve();
  const held: { fd?: number } = {};
  openDescriptors.register(dataSource, held);
  let walMode: boolean | undefined;
  return () =>
    new Promise<void>((resolve, reject) => {
      walMode ??= sqliteConnectionOf(dataSource)?.pragma('journal_mode', { simple: true }) === 'wal';
      if (!walMode) return resolve();
      // Opened lazily: the WAL exists from the first COMMIT on, and lives as long as our connection.
      held.fd ??= io.openSync(`${file}-wal`, 'r+');
      io.fsync(held.fd, (error) => (error ? reject(error) : resolve()));
    });
}
