import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseInUseError, acquireSqliteProcessLock, sqliteFileOf } from './sqlite-process-lock';

const HOLD_LOCK = `
const Database = require('better-sqlite3');
const db = new Database(process.argv[1] + '.lock', { timeout: 0 });
db.pragma('locking_mode = EXCLUSIVE');
db.exec('BEGIN EXCLUSIVE');
require('fs').writeFileSync(process.argv[1] + '.lock-holder', 'pid ' + process.pid + ' on test');
process.stdout.write('locked\\n');
setInterval(() => {}, 1000);
`;

describe('SQLite single-process lock', () => {
  const file = () => join(mkdtempSync(join(tmpdir(), 'lock-')), 'bridge.db');

  it('knows which URLs are SQLite files', () => {
    expect(sqliteFileOf('sqlite:./data/bridge.db')).toMatch(/\/data\/bridge\.db$/);
    expect(sqliteFileOf('sqlite::memory:')).toBeNull();
    expect(sqliteFileOf('postgres://u:p@h:5432/db')).toBeNull();
  });

  it('refuses a second process clearly, and lets the next one in when the holder is killed', async () => {
    const db = file();
    const holder = spawn(process.execPath, ['-e', HOLD_LOCK, db], {
      cwd: process.cwd(),
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    await new Promise<void>((resolve) => holder.stdout.once('data', () => resolve()));
    expect(() => acquireSqliteProcessLock(db)).toThrow(DatabaseInUseError);
    expect(() => acquireSqliteProcessLock(db)).toThrow(
      /Another bridge process \(pid \d+ on test\) is using this SQLite database/,
    );
    holder.kill('SIGKILL');
    await new Promise((resolve) => holder.once('exit', resolve));
    const lock = acquireSqliteProcessLock(db);
    lock.release();
  });

  it('is taken again after a release in the same process', () => {
    const db = file();
    acquireSqliteProcessLock(db).release();
    acquireSqliteProcessLock(db).release();
  });
});
