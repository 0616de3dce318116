import Database from 'better-sqlite3';
import { copyFileSync, existsSync, renameSync, rmSync } from 'node:fs';
import { resolve } from 'node:path';
import { sqliteFileOf } from '../../../bridge/src/process/sqlite-process-lock';
import { withSqliteLock } from '../database';
import { CliError, EXIT } from '../exit-codes';
import { CliIo, Command, loadBridgeConfig, parseCommandArgs } from './common';

export const backupCommand: Command = {
  name: 'backup',
  usage: 'backup <file> [--force] [--config <file>]',
  summary: 'copy the SQLite database to <file>, safely while the bridge runs (PostgreSQL: pg_dump)',
  async run(args, io) {
    const { values, positionals } = parseCommandArgs(this, args, {
      force: { type: 'boolean', default: false },
    });
    const target = oneFile(positionals, io, this.usage);
    const source = sqliteDatabaseOf(loadBridgeConfig(io, values.config).config.database.url);
    if (!existsSync(source)) throw new CliError(EXIT.database, `No database at ${source} to back up`);
    if (existsSync(target) && !values.force)
      throw new CliError(EXIT.usage, `${target} exists: choose another name or pass --force`);
    const partial = `${target}.partial`;
    rmSync(partial, { force: true });
    const db = new Database(source, { fileMustExist: true, timeout: 5_000 });
    try {
      // SQLite's online backup copies a consistent snapshot page by page while the bridge keeps writing.
      await db.backup(partial, {
        progress: ({ totalPages, remainingPages }) => {
          const done =
            totalPages === 0 ? 100 : Math.floor(((totalPages - remainingPages) / totalPages) * 100);
          io.output.progress(`backing up ${source}: ${done}%`);
          return 1_000;
        },
      });
    } finally {
      db.close();
    }
    let summary: string;
    try {
      summary = verifyCopy(partial);
    } catch (error) {
      rmSync(partial, { force: true });
      throw error;
    }
    renameSync(partial, target);
    io.output.line(`backup written to ${target} (${summary})`);
    return EXIT.ok;
  },
};

export const restoreCommand: Command = {
  name: 'restore',
  usage: 'restore <file> [--config <file>]',
  summary: 'replace the SQLite database with a backup (the bridge must be stopped; the old file is kept)',
  async run(args, io) {
    const { values, positionals } = parseCommandArgs(this, args, {});
    const backup = oneFile(positionals, io, this.usage);
    if (!existsSync(backup)) throw new CliError(EXIT.usage, `No backup at ${backup}`);
    const loaded = loadBridgeConfig(io, values.config);
    const database = sqliteDatabaseOf(loaded.config.database.url);
    const summary = verifyCopy(backup);
    return withSqliteLock(loaded.config.database.url, async () => {
      let keptAs: string | undefined;
      if (existsSync(database)) {
        // Fold the WAL into the main file first, so the file kept aside is complete on its own.
        const current = new Database(database, { fileMustExist: true });
        try {
          current.pragma('wal_checkpoint(TRUNCATE)');
        } finally {
          current.close();
        }
        keptAs = `${database}.before-restore-${new Date().toISOString().replace(/[:.]/g, '-')}`;
        renameSync(database, keptAs);
      }
      for (const leftover of [`${database}-wal`, `${database}-shm`]) rmSync(leftover, { force: true });
      const restoring = `${database}.restoring`;
      copyFileSync(backup, restoring);
      const carried = keptAs ? carryCountersForward(keptAs, restoring) : 0;
      renameSync(restoring, database);
      io.output.line(`restored ${database} from ${backup} (${summary})`);
      if (keptAs) io.output.line(`the previous database is kept as ${keptAs}`);
      if (carried > 0)
        io.output.line(
          `${carried} counters that must not go back (licence seqNumber, FIAS P#) kept their latest value`,
        );
      io.output.line('start the bridge: it applies any newer migrations and carries on from the backup');
      return EXIT.ok;
    });
  },
};

/**
 * The r_keeper licence seqNumber and the FIAS P# mark must never go back, but a backup holds older values:
 * the restored file gets the higher of its own and the replaced database's. The number of counters raised.
 */
function carryCountersForward(replaced: string, restored: string): number {
  const hasCounters = (db: Database.Database) =>
    db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'counters'").get() !== undefined;
  const previous = new Database(replaced, { readonly: true, fileMustExist: true });
  let latest: Array<{ name: string; value: number }>;
  try {
    latest = hasCounters(previous)
      ? (previous.prepare('SELECT "name", "value" FROM "counters"').all() as Array<{
          name: string;
          value: number;
        }>)
      : [];
  } finally {
    previous.close();
  }
  if (latest.length === 0) return 0;
  const target = new Database(restored, { fileMustExist: true });
  try {
    // A backup from before the counters existed: nothing to raise (the bridge creates the table on start).
    if (!hasCounters(target)) return 0;
    const raise = target.prepare(
      `INSERT INTO "counters" ("name", "value") VALUES (?, ?)
       ON CONFLICT ("name") DO UPDATE SET "value" = excluded."value" WHERE excluded."value" > "counters"."value"`,
    );
    let raised = 0;
    target.transaction(() => {
      for (const counter of latest) raised += raise.run(counter.name, counter.value).changes;
    })();
    return raised;
  } finally {
    target.close();
  }
}

function oneFile(positionals: string[], io: CliIo, usage: string): string {
  if (positionals.length !== 1)
    throw new CliError(EXIT.usage, `one file is required\nusage: pos-bridge ${usage}`);
  return resolve(io.cwd, positionals[0]);
}

function sqliteDatabaseOf(databaseUrl: string): string {
  const file = sqliteFileOf(databaseUrl);
  if (!file) {
    throw new CliError(
      EXIT.usage,
      'backup and restore are for the SQLite file; for PostgreSQL use pg_dump / pg_restore (docs/operations.md)',
    );
  }
  return file;
}

/** A copy that SQLite itself says is sound and that holds a bridge schema, or an error. */
function verifyCopy(file: string): string {
  let db: Database.Database;
  try {
    db = new Database(file, { readonly: true, fileMustExist: true });
  } catch (error) {
    throw new CliError(
      EXIT.failed,
      `${file} is not a SQLite database: ${error instanceof Error ? error.message : String(error)}`,
    );
  }
  try {
    const integrity = db.pragma('integrity_check', { simple: true });
    if (integrity !== 'ok')
      throw new CliError(EXIT.failed, `${file} failed the integrity check: ${String(integrity)}`);
    const hasSchema = db
      .prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'migrations'")
      .get();
    if (!hasSchema) throw new CliError(EXIT.failed, `${file} is not a bridge database (no migrations table)`);
    const { count } = db.prepare('SELECT COUNT(*) AS count FROM migrations').get() as { count: number };
    const bills = db.prepare('SELECT COUNT(*) AS count FROM bills').get() as { count: number };
    return `integrity ok, ${count} migrations, ${bills.count} bills`;
  } catch (error) {
    if (error instanceof CliError) throw error;
    throw new CliError(
      EXIT.failed,
      `${file} cannot be read: ${error instanceof Error ? error.message : String(error)}`,
    );
  } finally {
    db.close();
  }
}
