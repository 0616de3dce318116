import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { NestExpressApplication } from '@nestjs/platform-express';
import { Logger } from 'nestjs-pino';
import { bootstrapBridge } from './bootstrap';
import { ConfigError, loadConfig } from './config/load-config';
import { limitHeapGrowth } from './process/heap-growth';
import { DatabaseInUseError, acquireSqliteProcessLock, sqliteFileOf } from './process/sqlite-process-lock';

async function main(): Promise<void> {
  limitHeapGrowth();
  let loaded;
  try {
    loaded = loadConfig({ env: process.env });
  } catch (error) {
    if (error instanceof ConfigError) {
      // Nothing has started yet: say what is wrong, key by key, and stop.
      process.stderr.write(`${error.message}\n`);
      process.exit(1);
    }
    throw error;
  }
  const sqliteFile = sqliteFileOf(loaded.config.database.url);
  if (sqliteFile) {
    try {
      const lock = acquireSqliteProcessLock(sqliteFile);
      process.once('exit', () => lock.release());
    } catch (error) {
      if (!(error instanceof DatabaseInUseError)) throw error;
      process.stderr.write(`${error.message}\n`);
      process.exit(1);
    }
  }
  const app = await bootstrapBridge(loaded, { factory: NestFactory });
  const logger = app.get(Logger);
  if (loaded.demo) {
    logger.warn(
      `DEMO MODE: no config/bridge.yaml, running the demo profile ${loaded.path} against the local simulators. Never take real payments like this.`,
    );
  }
  await app.listen(loaded.config.server.port, loaded.config.server.host ?? '0.0.0.0');
  logger.log(`POS Bridge listening on ${await app.getUrl()} with ${loaded.config.sites.length} site(s)`);
}

export type { NestExpressApplication };

void main().catch((error: unknown) => {
  process.stderr.write(
    `POS Bridge failed to start: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
  );
  process.exit(1);
});
