import { DynamicModule, Module } from '@nestjs/common';
import { AlertOutbox } from '@bridge/core';
import { TypeormAlertOutbox } from '@bridge/persistence';
import { DataSource } from 'typeorm';
import { ALERTS_OPTIONS, AlertDispatcher, AlertsOptions } from './alert-dispatcher';
import { AlertPolicy } from './alert-policy';

/** Signed webhooks to staff systems for paid, needs-attention and reconciliation events (docs/alerts.md). */
@Module({})
export class AlertsModule {
  static forRoot(options: AlertsOptions): DynamicModule {
    return {
      module: AlertsModule,
      providers: [
        { provide: ALERTS_OPTIONS, useValue: options },
        { provide: AlertPolicy, useValue: new AlertPolicy() },
        {
          provide: AlertOutbox,
          useFactory: (dataSource: DataSource) => new TypeormAlertOutbox(dataSource),
          inject: [DataSource],
        },
        AlertDispatcher,
      ],
      exports: [AlertOutbox, AlertDispatcher],
    };
  }
}
