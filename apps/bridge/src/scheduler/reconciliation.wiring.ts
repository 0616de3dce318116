import { DynamicModule } from '@nestjs/common';
import {
  ReconciliationModule,
  ReconciliationPolicy,
  ReconciliationReportFiles,
  ReconciliationStore,
} from '@bridge/core';
import { TypeormReconciliationStore } from '@bridge/persistence';
import { DataSource } from 'typeorm';
import { BridgeConfig } from '../config/bridge-config';
import { FsReconciliationReportFiles, reportsDirOf } from './reconciliation-report-files';

/** RunDailyReconciliation with its ports: the database, the reports folder, the configured calendar. */
export function reconciliationModule(): DynamicModule {
  return ReconciliationModule.forRoot([
    {
      provide: ReconciliationStore,
      useFactory: (dataSource: DataSource) => new TypeormReconciliationStore(dataSource),
      inject: [DataSource],
    },
    {
      provide: ReconciliationReportFiles,
      useFactory: (config: BridgeConfig) => new FsReconciliationReportFiles(reportsDirOf(config)),
      inject: [BridgeConfig],
    },
    {
      provide: ReconciliationPolicy,
      useFactory: (config: BridgeConfig) =>
        new ReconciliationPolicy({ timeZone: config.reconciliation.timeZone }),
      inject: [BridgeConfig],
    },
  ]);
}
