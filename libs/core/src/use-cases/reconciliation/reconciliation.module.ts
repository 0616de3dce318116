import { DynamicModule, Module, Provider } from '@nestjs/common';
import { CoreModule } from '../../core.module';
import { ReconciliationStore } from './reconciliation.ports';
import { RunDailyReconciliation } from './run-daily-reconciliation.use-case';

/** The daily reconciliation, given the bindings of ReconciliationStore, ReconciliationReportFiles and ReconciliationPolicy. */
@Module({})
export class ReconciliationModule {
  static forRoot(ports: Provider[]): DynamicModule {
    return {
      module: ReconciliationModule,
      imports: [CoreModule],
      providers: [...ports, RunDailyReconciliation],
      exports: [RunDailyReconciliation, ReconciliationStore],
    };
  }
}
