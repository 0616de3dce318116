import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseInUseError, acquireSqliteProcessLock, sqliteFileOf } from './sqlite-process-lock';

describe('SQLite single-process lock', () => {
  const file = () => join(mkdtempSync(join(tmpdir(), 'lock-')), 'bridge.db');

  it('knows which URLs are SQLite files', () => {
    expect(sqliteFileOf('sqlite:./data/bridge.db')).toMatch(/\/data\/bridge\.db$/);
    expect(sqliteFileOf('sqlite::memory:')).toBeNull();
    expect(sqliteFileOf('postgres://u:p@h:5432/db')).toBeNull();
  });

  it('refuses a second holder clearly, and lets it in after the first releases', () => {
    const db = file();
    const first = acquireSqliteProcessLock(db);
    // a live process other than us: our parent
    expect(() => acquireSqliteProcessLock(db, process.ppid)).toThrow(DatabaseInUseError);
    expect(() => acquireSqliteProcessLock(db, process.ppid)).toThrow(/Another bridge process \(pid \d+ on .+\) is using this SQLite database/);
    first.release();
    expect(existsSync(`${db}.lock`)).toBe(false);
    acquireSqliteProcessLock(db, process.ppid).release();
  });

  it('takes over the lock of a process that died', async () => {
    const db = file();
    const child = spawn(process.execPath, ['-e', '0']);
    const deadPid = await new Promise<number>((resolve) => child.once('exit', () => resolve(child.pid ?? 0)));
    writeFileSync(`${db}.lock`, JSON.stringify({ pid: deadPid, host: hostname(), since: new Date().toISOString() }));
    const lock = acquireSqliteProcessLock(db);
    lock.release();
  });
});
