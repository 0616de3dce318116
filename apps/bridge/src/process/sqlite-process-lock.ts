import { closeSync, mkdirSync, openSync, readFileSync, unlinkSync, writeSync } from 'node:fs';
import { hostname } from 'node:os';
import { dirname, resolve } from 'node:path';

export class DatabaseInUseError extends Error {
  constructor(
    readonly lockPath: string,
    readonly holder: string,
  ) {
    super(
      `Another bridge process (${holder}) is using this SQLite database. SQLite serves one process: stop the other ` +
        `one, or move to PostgreSQL to run several (docs/operations.md). Lock file: ${lockPath}`,
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
 * settlements with no row locks to stop it. The lock file names its holder; a holder that died (its pid
 * is gone on this host) does not block a restart.
 */
export function acquireSqliteProcessLock(databaseFile: string, pid: number = process.pid): ProcessLock {
  const lockPath = `${databaseFile}.lock`;
  mkdirSync(dirname(lockPath), { recursive: true });
  const me = `pid ${pid} on ${hostname()}`;
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = openSync(lockPath, 'wx');
      writeSync(fd, JSON.stringify({ pid, host: hostname(), since: new Date().toISOString() }));
      closeSync(fd);
      return {
        release() {
          try {
            if (readHolder(lockPath)?.pid === pid) unlinkSync(lockPath);
          } catch {
            // Already gone: nothing to release.
          }
        },
      };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const holder = readHolder(lockPath);
      if (holder && holder.host === hostname() && !isAlive(holder.pid)) {
        unlinkSync(lockPath);
        continue;
      }
      throw new DatabaseInUseError(lockPath, holder ? `pid ${holder.pid} on ${holder.host}` : 'unknown');
    }
  }
  throw new DatabaseInUseError(lockPath, me);
}

function readHolder(lockPath: string): { pid: number; host: string } | null {
  try {
    const parsed = JSON.parse(readFileSync(lockPath, 'utf8')) as { pid?: unknown; host?: unknown };
    return typeof parsed.pid === 'number' && typeof parsed.host === 'string' ? { pid: parsed.pid, host: parsed.host } : null;
  } catch {
    return null;
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
