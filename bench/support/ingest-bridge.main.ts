import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { bootstrapBridge } from '../../apps/bridge/src/bootstrap';
import { loadConfig } from '../../apps/bridge/src/config/load-config';
import { limitHeapGrowth } from '../../apps/bridge/src/process/heap-growth';

/**
 * The bridge's HTTP service exactly as main.ts builds it, minus the scheduled jobs: settlements stay
 * pending, so the webhook benchmark measures ingest alone, not the POS side.
 */
async function main(): Promise<void> {
  limitHeapGrowth();
  const loaded = loadConfig({ env: process.env });
  const app = await bootstrapBridge(loaded, { factory: NestFactory, scheduler: false });
  await app.listen(loaded.config.server.port, loaded.config.server.host ?? '127.0.0.1');
}

void main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
