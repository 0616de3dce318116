import { runMigrations } from '@bridge/persistence';
import { openDatabase, withSqliteLock } from '../database';
import { EXIT } from '../exit-codes';
import { describeDatabaseUrl } from '../output';
import { Command, loadBridgeConfig, parseCommandArgs } from './common';

export const migrateCommand: Command = {
  name: 'migrate',
  usage: 'migrate [--config <file>]',
  summary: 'bring the database schema up to date (the bridge also does it when it starts)',
  async run(args, io) {
    const { values } = parseCommandArgs(this, args, {});
    const { config } = loadBridgeConfig(io, values.config);
    const url = config.database.url;
    // On SQLite a running bridge holds the lock: it migrated at its own start, and must not be raced.
    return withSqliteLock(url, async () => {
      io.output.progress(`migrating ${describeDatabaseUrl(url)}…`);
      const dataSource = await openDatabase(url, { create: true });
      try {
        const applied = await runMigrations(dataSource);
        for (const name of applied) io.output.line(`applied ${name}`);
        io.output.line(
          applied.length === 0
            ? `schema up to date (${dataSource.migrations.length} migrations)`
            : `${applied.length} migration(s) applied`,
        );
        return EXIT.ok;
      } finally {
        await dataSource.destroy();
      }
    });
  },
};
