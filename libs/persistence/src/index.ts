export { PersistenceModule } from './persistence.module';
export type { PersistenceModuleOptions } from './persistence.module';
export { createDataSourceOptions, parseDatabaseUrl, runMigrations } from './data-source';
export type { DataSourceSettings, DatabaseTarget } from './data-source';
export { TypeormStore } from './repositories/typeorm-store';
export { TypeormJobLock } from './repositories/typeorm-job-lock';
export { CorruptColumnError } from './mappers/json-columns';
export { TEST_DRIVERS, createTestDatabase } from './testing/test-database';
export type { TestDatabase, TestDatabaseOptions, TestDriver } from './testing/test-database';
