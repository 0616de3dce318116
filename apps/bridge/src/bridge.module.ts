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
import { FolioLinkController } from './http/api/folio-link.controller';
import { AlertsModule } from './alerts/alerts.module';
import { OperatorApiModule } from './http/api/operator-api.module';
import { DashboardModule } from './http/dashboard/dashboard.module';
import { GuestModule } from './http/guest/guest.module';
import { HealthController } from './http/health/health.controller';
import { InvoiceboxWebhookController } from './http/webhooks/invoicebox-webhook.controller';
import { RkeeperNotifyController } from './http/webhooks/rkeeper-notify.controller';
import { InvoiceboxWsListener } from './notifications/invoicebox-ws.listener';
import { MailModule } from './mail/mail.module';
import { loggerParams } from './observability/logger';
import { METRICS_CONTROLLERS, METRICS_PROVIDERS } from './observability/metrics.providers';
import { OrderRefreshService } from './precheck/order-refresh.service';
import { PrecheckLinkService } from './precheck/precheck-link.service';
import { BillSyncJob } from './scheduler/bill-sync.job';
import { DailyReconciliationJob } from './scheduler/daily-reconciliation.job';
import { ReconcileJob } from './scheduler/reconcile.job';
import { reconciliationModule } from './scheduler/reconciliation.wiring';
import { SettlementWorker } from './scheduler/settlement.worker';
import { PortsModule } from './sites/ports.module';
import { PosLinkLeases } from './sites/pos-link-leases';
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
    const jobs: Provider[] =
      options.scheduler === false
        ? []
        : [SettlementWorker, BillSyncJob, ReconcileJob, InvoiceboxWsListener, DailyReconciliationJob];
    return {
      module: BridgeModule,
      imports: [
        ConfigModule.forRoot(loaded),
        LoggerModule.forRoot(loggerParams(config.logLevel ?? 'info')),
        TerminusModule,
        {
          ...PersistenceModule.forRoot({ databaseUrl: config.database.url, migrationsRun: true }),
          global: true,
        },
        PortsModule,
        VendorsModule,
        MailModule,
        CoreModule,
        OperatorApiModule,
        DashboardModule,
        GuestModule,
        AlertsModule.forRoot({ scheduler: options.scheduler !== false }),
        reconciliationModule(),
      ],
      controllers: [
        HealthController,
        InvoiceboxWebhookController,
        RkeeperNotifyController,
        FolioLinkController,
        ...METRICS_CONTROLLERS,
      ],
      providers: [
        ...jobs,
        PosLinkLeases,
        PrecheckLinkService,
        OrderRefreshService,
        AdminTokenGuard,
        ...METRICS_PROVIDERS,
        { provide: APP_FILTER, useClass: BridgeExceptionFilter },
      ],
    };
  }
}
