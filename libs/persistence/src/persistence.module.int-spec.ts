import { Test } from '@nestjs/testing';
import { JobLock, Store } from '@bridge/core';
import { DataSource } from 'typeorm';
import { PersistenceModule } from './persistence.module';
import { TypeormJobLock } from './repositories/typeorm-job-lock';
import { TypeormStore } from './repositories/typeorm-store';
import { TEST_DRIVERS, TestDatabase, createTestDatabase } from './testing/test-database';

describe.each(TEST_DRIVERS)('PersistenceModule on %s', (driver) => {
  let db: TestDatabase;

  beforeEach(async () => {
    db = await createTestDatabase('persistence_test', { driver });
  });

  afterEach(async () => {
    await db?.drop();
  });

  it('provides the Store, the JobLock and the DataSource, migrated, and closes the DataSource on shutdown', async () => {
    const app = await Test.createTestingModule({
      imports: [PersistenceModule.forRoot({ databaseUrl: db.url, migrationsRun: true })],
    }).compile();
    await app.init();

    const store = app.get(Store);
    const dataSource = app.get(DataSource);
    await store.ping();
    const run = await app.get(JobLock).tryRun('k', 1_000, async () => store.settlements.countByStatus());

    expect(store).toBeInstanceOf(TypeormStore);
    expect(app.get(JobLock)).toBeInstanceOf(TypeormJobLock);
    expect(run).toEqual({ ran: true, result: expect.objectContaining({ pending: 0 }) });
    expect(await dataSource.showMigrations()).toBe(false);

    await app.close();
    expect(dataSource.isInitialized).toBe(false);
  });

  it('leaves migrations to the caller when asked to', async () => {
    const app = await Test.createTestingModule({
      imports: [PersistenceModule.forRoot({ databaseUrl: db.url, migrationsRun: false })],
    }).compile();
    await app.init();
    try {
      expect(await app.get(DataSource).showMigrations()).toBe(true);
    } finally {
      await app.close();
    }
  });
});
