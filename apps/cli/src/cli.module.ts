import { DynamicModule, INestApplicationContext, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { CoreModule } from '@bridge/core';
import { PersistenceModule } from '@bridge/persistence';
import { ConfigModule } from '../../bridge/src/config/config.module';
import { LoadedConfig } from '../../bridge/src/config/load-config';
import { MailModule } from '../../bridge/src/mail/mail.module';
import { reconciliationModule } from '../../bridge/src/scheduler/reconciliation.wiring';
import { PortsModule } from '../../bridge/src/sites/ports.module';
import { CliLogger } from './cli-logger';
import { CliVendorsModule } from './cli-vendors.module';

export interface CliParts {
  database: boolean;
  /** The POS/PMS adapters and the payment provider of every site: starting them connects (FIAS links). */
  upstreams: boolean;
  useCases: boolean;
  ownedLinks?: ReadonlySet<string>;
}

/**
 * The bridge's own modules, without HTTP, the scheduler, the alert dispatcher or the metrics: only what a command
 * needs, so `bills` does not connect to a POS and `doctor` does not need the database to check one.
 */
@Module({})
export class CliModule {
  static forRoot(loaded: LoadedConfig, parts: CliParts): DynamicModule {
    const imports: DynamicModule['imports'] = [ConfigModule.forRoot(loaded)];
    if (parts.database || parts.useCases) {
      imports.push(
        {
          ...PersistenceModule.forRoot({ databaseUrl: loaded.config.database.url, migrationsRun: false }),
          global: true,
        },
        PortsModule,
      );
    }
    if (parts.upstreams || parts.useCases)
      imports.push(CliVendorsModule.forRoot(parts.ownedLinks ?? new Set()));
    if (parts.useCases) imports.push(MailModule, CoreModule, reconciliationModule());
    return { module: CliModule, imports };
  }
}

export function createCliContext(
  loaded: LoadedConfig,
  parts: CliParts,
  logger: CliLogger,
): Promise<INestApplicationContext> {
  return NestFactory.createApplicationContext(CliModule.forRoot(loaded, parts), {
    logger,
    abortOnError: false,
  });
}
