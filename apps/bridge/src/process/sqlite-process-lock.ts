import Database from 'better-sqlite3';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { dirname, resolve } from 'node:path';

export class DatabaseInUseError extends Error {
  constructor(
    readonly lockPath: string,
    readonly holder: string,
  ) {
    super(
      `Another bridge process (${holder}) is using this SQLite database. SQLite serves one process: stop the other ` +
        `one, or move to PostgreSQL to run several (docs/operations.md). Lock: ${lockPath}`,
    );
    this.name = 'DatabaseInUseError';
  }
}

export interface ProcessLock {
  release(): void;
}

/** `sqlite:./data/bridge.db` → the file path; null for PostgreSQL and in-memory databases. */
export function sqliteFileOf(databaseUrl: string): string | null {
  const match = /^sqlite:(.+)$/.exec(databaseUrl);
  if (!match || match[1] === ':memory:') return null;
  return resolve(match[1].replace(/^\/\/(?=\/)/, ''));
}

/**
 * SQLite is the single-process default: a second bridge on the same file would race the first for
 * settlements with no row locks to stop it. The lock is an exclusive SQLite lock on a side file, held for
 * the life of the process: the operating system drops it when the process dies, however it dies, so a
 * crash never leaves a stale lock behind (a pid file would, and pids repeat inside containers).
 */
export function acquireSqliteProcessLock(databaseFile: string): ProcessLock {
  const lockPath = `${databaseFile}.lock`;
  const holderPath = `${databaseFile}.lock-holder`;
  mkdirSync(dirname(lockPath), { recursive: true });
  const lock = new Database(lockPath, { timeout: 0 });
  try {
    lock.pragma('locking_mode = EXCLUSIVE');
    lock.exec('BEGIN EXCLUSIVE');
  } catch (error) {
    lock.close();
    if ((error as { code?: string }).code !== 'SQLITE_BUSY') throw error;
    throw new DatabaseInUseError(lockPath, readHolder(holderPath));
  }
  writeFileSync(holderPath, `pid ${process.pid} on ${hostname()} since ${new Date().toISOString()}\n`);
  return {
    release() {
      if (lock.open) lock.close();
    },
  };
}

function readHolder(holderPath: string): string {
  try {
    return readFileSync(holderPath, 'utf8').trim();
  } catch {
    return 'holder unknown';
  }
}
