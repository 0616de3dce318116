import { DynamicModule, Module, Provider } from '@nestjs/common';
import { APP_FILTER } from '@nestjs/core';
import { TerminusModule } from '@nestjs/terminus';
import { LoggerModule } from 'nestjs-pino';
import { CoreModule } from '@bridge/core';
import { PersistenceModule } from '@bridge/persistence';
import { ConfigModule } from './config/config.module';
import { LoadedConfig } from './config/load-config';
import { BridgeExceptionFilter } from './errors/bridge-exception.filter';
import { AdminTokenGuard } from './http/admin-token.guard';
import { BillsController } from './http/api/bills.controller';
import { SitesController } from './http/api/sites.controller';
import { HealthController } from './http/health/health.controller';
import { InvoiceboxWebhookController } from './http/webhooks/invoicebox-webhook.controller';
import { loggerParams } from './observability/logger';
import { BillSyncJob } from './scheduler/bill-sync.job';
import { ReconcileJob } from './scheduler/reconcile.job';
import { SettlementWorker } from './scheduler/settlement.worker';
import { PortsModule } from './sites/ports.module';
import { VendorsModule } from './sites/vendors.module';

export interface BridgeModuleOptions {
  /** Off in tests that drive the use cases themselves; on in the service. */
  scheduler?: boolean;
}

/** The composition root: binds every core port to the adapter the configuration chose. */
@Module({})
export class BridgeModule {
  static forRoot(loaded: LoadedConfig, options: BridgeModuleOptions = {}): DynamicModule {
    const { config } = loaded;
    const jobs: Provider[] = options.scheduler === false ? [] : [SettlementWorker, BillSyncJob, ReconcileJob];
    return {
      module: BridgeModule,
      imports: [
        ConfigModule.forRoot(loaded),
        LoggerModule.forRoot(loggerParams(config.logLevel ?? 'info')),
        TerminusModule,
        { ...PersistenceModule.forRoot({ databaseUrl: config.database.url, migrationsRun: true }), global: true },
        PortsModule,
        VendorsModule,
        CoreModule,
      ],
      controllers: [HealthController, InvoiceboxWebhookController, BillsController, SitesController],
      providers: [...jobs, AdminTokenGuard, { provide: APP_FILTER, useClass: BridgeExceptionFilter }],
    };
  }
}
