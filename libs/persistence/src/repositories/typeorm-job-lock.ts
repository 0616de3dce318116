import { randomUUID } from 'node:crypto';
import { Logger } from '@nestjs/common';
import { Clock, JobLock, LockedRun, SystemClock } from '@bridge/core';
import { DataSource } from 'typeorm';
import { DbContext, dbContextFor, rawQuery } from '../database/db-context';

/** A dead holder keeps the key until `ttlMs` runs out. Not renewed: `ttlMs` must exceed the job's longest run. */
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

  async tryRun<T>(key: string, ttlMs: number, work: () => Promise<T>): Promise<LockedRun<T>> {
    const owner = randomUUID();
    if (!(await this.acquire(key, owner, ttlMs))) return { ran: false };
    try {
      return { ran: true, result: await work() };
    } finally {
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
