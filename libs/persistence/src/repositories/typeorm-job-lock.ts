import { randomUUID } from 'node:crypto';
import { Logger } from '@nestjs/common';
import { Clock, JobLock, LockedRun, SystemClock } from '@bridge/core';
import { DataSource } from 'typeorm';
import { DbContext, dbContextFor, rawQuery } from '../database/db-context';

/**
 * Leases in `job_leases`. While the work runs the lease is renewed every third of `ttlMs`, so a long run
 * keeps it and a dead holder loses it `ttlMs` after its last renewal. A renewal that finds the lease gone
 * (or that cannot reach the database before the lease runs out) aborts the work's signal.
 */
export class TypeormJobLock extends JobLock {
  private readonly logger = new Logger(TypeormJobLock.name);
  private readonly db: DbContext;

  constructor(
    dataSource: DataSource,
    private readonly clock: Clock = new SystemClock(),
  ) {
    super();
    this.db = dbContextFor(dataSource);
  }

  async tryRun<T>(
    key: string,
    ttlMs: number,
    work: (lost: AbortSignal) => Promise<T>,
  ): Promise<LockedRun<T>> {
    const owner = randomUUID();
    if (!(await this.acquire(key, owner, ttlMs))) return { ran: false };
    const lost = new AbortController();
    const renewal = this.keepRenewed(key, owner, ttlMs, lost);
    try {
      return { ran: true, result: await work(lost.signal) };
    } finally {
      renewal.stop();
      await this.release(key, owner);
    }
  }

  private acquire(key: string, owner: string, ttlMs: number): Promise<boolean> {
    const now = this.clock.now().getTime();
    const expiresAt = now + ttlMs;
    return this.db.run(async (manager) => {
      const inserted = await rawQuery(
        manager,
        `INSERT INTO "job_leases" ("key", "owner", "expires_at") VALUES (?, ?, ?) ON CONFLICT ("key") DO NOTHING`,
        [key, owner, expiresAt],
      );
      if (inserted.affected === 1) return true;
      const takenOver = await rawQuery(
        manager,
        `UPDATE "job_leases" SET "owner" = ?, "expires_at" = ? WHERE "key" = ? AND "expires_at" <= ?`,
        [owner, expiresAt, key, now],
      );
      return takenOver.affected === 1;
    });
  }

  private keepRenewed(key: string, owner: string, ttlMs: number, lost: AbortController): { stop(): void } {
    let validUntil = this.clock.now().getTime() + ttlMs;
    let renewing = false;
    const timer = setInterval(
      () => {
        if (renewing || lost.signal.aborted) return;
        renewing = true;
        void this.renew(key, owner, ttlMs)
          .then((expiresAt) => {
            if (expiresAt === null) {
              this.logger.warn({ key }, 'Job lease was taken over by another process');
              lost.abort();
            } else validUntil = expiresAt;
          })
          .catch((error: unknown) => {
            if (this.clock.now().getTime() >= validUntil) {
              this.logger.warn({ key, err: error }, 'Job lease could not be renewed before it ran out');
              lost.abort();
            }
          })
          .finally(() => {
            renewing = false;
          });
      },
      Math.max(50, Math.floor(ttlMs / 3)),
    );
    timer.unref();
    return { stop: () => clearInterval(timer) };
  }

  /** The new expiry, or null when the lease is no longer ours (taken over, or run out before we renewed). */
  private async renew(key: string, owner: string, ttlMs: number): Promise<number | null> {
    const now = this.clock.now().getTime();
    const expiresAt = now + ttlMs;
    const result = await this.db.run((manager) =>
      rawQuery(
        manager,
        `UPDATE "job_leases" SET "expires_at" = ? WHERE "key" = ? AND "owner" = ? AND "expires_at" > ?`,
        [expiresAt, key, owner, now],
      ),
    );
    return result.affected === 1 ? expiresAt : null;
  }

  /** Only our own lease: after an expiry someone else may hold the key now. */
  private async release(key: string, owner: string): Promise<void> {
    try {
      await this.db.run((manager) =>
        rawQuery(manager, `DELETE FROM "job_leases" WHERE "key" = ? AND "owner" = ?`, [key, owner]),
      );
    } catch (error) {
      this.logger.warn({ key, err: error }, 'Job lease not released; it will expire');
    }
  }
}
