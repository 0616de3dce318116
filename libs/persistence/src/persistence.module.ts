import { DynamicModule, Inject, Injectable, Module, OnApplicationShutdown } from '@nestjs/common';
import { JobLock, Store } from '@bridge/core';
import { DataSource } from 'typeorm';
import { DataSourceSettings, createDataSourceOptions, runMigrations } from './data-source';
import { TypeormJobLock } from './repositories/typeorm-job-lock';
import { TypeormStore } from './repositories/typeorm-store';

export interface PersistenceModuleOptions extends Omit<DataSourceSettings, 'migrationsRun'> {
  databaseUrl: string;
  migrationsRun: boolean;
}

@Injectable()
class DataSourceCloser implements OnApplicationShutdown {
  constructor(@Inject(DataSource) private readonly dataSource: DataSource) {}

  async onApplicationShutdown(): Promise<void> {
    if (this.dataSource.isInitialized) await this.dataSource.destroy();
  }
}

@Module({})
export class PersistenceModule {
  static forRoot(options: PersistenceModuleOptions): DynamicModule {
    const { databaseUrl, ...settings } = options;
    return {
      module: PersistenceModule,
      providers: [
        {
          provide: DataSource,
          useFactory: async (): Promise<DataSource> => {
            const dataSource = await new DataSource(
              createDataSourceOptions(databaseUrl, { ...settings, migrationsRun: false }),
            ).initialize();
            if (settings.migrationsRun) await runMigrations(dataSource);
            return dataSource;
          },
        },
        {
          provide: Store,
          useFactory: (dataSource: DataSource) => new TypeormStore(dataSource),
          inject: [DataSource],
        },
        {
          provide: JobLock,
          useFactory: (dataSource: DataSource) => new TypeormJobLock(dataSource),
          inject: [DataSource],
        },
        DataSourceCloser,
      ],
      exports: [DataSource, Store, JobLock],
    };
  }
}
