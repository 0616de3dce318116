import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FiasPostingNumberAllocator, FileFiasPostingNumberStore } from '@bridge/fias';
import {
  TEST_DRIVERS,
  TestDatabase,
  createDataSourceOptions,
  createTestDatabase,
  runMigrations,
} from '@bridge/persistence';
import { DataSource } from 'typeorm';
import { DatabaseFiasPostingNumberStore } from './fias-posting-numbers';

describe.each(TEST_DRIVERS)('FIAS posting numbers in the bridge database on %s', (driver) => {
  let db: TestDatabase;
  let processA: DataSource;
  let processB: DataSource;
  let folder: string;

  beforeAll(async () => {
    db = await createTestDatabase('fias_posting', { driver });
    processA = await new DataSource(createDataSourceOptions(db.url)).initialize();
    await runMigrations(processA);
    processB = await new DataSource(createDataSourceOptions(db.url)).initialize();
    folder = mkdtempSync(join(tmpdir(), 'fias-pn-'));
  });

  afterAll(async () => {
    await processB?.destroy();
    await processA?.destroy();
    await db?.drop();
  });

  it('never hands out a number twice when the link moves to another process', async () => {
    const onA = new FiasPostingNumberAllocator(new DatabaseFiasPostingNumberStore(processA, 'hotel-1'), 20);
    const fromA = [await onA.allocate(), await onA.allocate(), await onA.allocate()];

    const onB = new FiasPostingNumberAllocator(new DatabaseFiasPostingNumberStore(processB, 'hotel-1'), 20);
    const fromB = [await onB.allocate(), await onB.allocate()];

    expect(fromA).toEqual([1, 2, 3]);
    // A reserved 1-20 before using 1: B starts after the whole block.
    expect(fromB).toEqual([21, 22]);
    const otherSite = new FiasPostingNumberAllocator(new DatabaseFiasPostingNumberStore(processB, 'hotel-2'));
    expect(await otherSite.allocate()).toBe(1);
  });

  it('continues above the mark in the file, keeps both marks, and a database from a backup cannot lower it', async () => {
    const file = join(folder, 'fias-hotel-3.posting-numbers.json');
    writeFileSync(file, JSON.stringify({ highWater: 5_000 }));
    const store = new DatabaseFiasPostingNumberStore(
      processA,
      'hotel-3',
      new FileFiasPostingNumberStore(file),
    );

    const allocator = new FiasPostingNumberAllocator(store, 10);
    expect(await allocator.allocate()).toBe(5_001);
    await store.save(100);

    expect(await new DatabaseFiasPostingNumberStore(processB, 'hotel-3').load()).toBe(5_010);
    expect(await new FileFiasPostingNumberStore(file).load()).toBe(5_010);

    // The database comes back from a backup taken before any of this: the file still holds the mark.
    await processA.query(`DELETE FROM "counters" WHERE "name" = 'fias.posting-number:hotel-3'`);
    const afterRestore = new FiasPostingNumberAllocator(
      new DatabaseFiasPostingNumberStore(processB, 'hotel-3', new FileFiasPostingNumberStore(file)),
    );
    expect(await afterRestore.allocate()).toBe(5_011);
  });
});
