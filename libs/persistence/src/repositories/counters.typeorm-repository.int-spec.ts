import { DataSource } from 'typeorm';
import { openDataSource, openMigrated } from '../testing/harness';
import { TEST_DRIVERS, TestDatabase, createTestDatabase } from '../testing/test-database';
import { TypeormCounters } from './counters.typeorm-repository';

// Two DataSources stand for two bridge processes, or one bridge before and after a restart.
describe.each(TEST_DRIVERS)('TypeormCounters on %s', (driver) => {
  let db: TestDatabase;
  let first: DataSource;
  let second: DataSource;

  beforeAll(async () => {
    db = await createTestDatabase('persistence_test', { driver });
    first = await openMigrated(db);
    second = await openDataSource(db);
  });

  afterAll(async () => {
    await second?.destroy();
    await first?.destroy();
    await db?.drop();
  });

  it('counts from 0, one more on each call, and goes on where it stopped after a restart', async () => {
    const before = new TypeormCounters(first);
    expect([await before.next('seq-a'), await before.next('seq-a'), await before.next('seq-a')]).toEqual([
      0, 1, 2,
    ]);

    const restarted = new TypeormCounters(second);
    expect(await restarted.next('seq-a')).toBe(3);
    expect(await restarted.next('seq-b')).toBe(0);
  });

  it('never hands the same value to two concurrent callers in two processes', async () => {
    const one = new TypeormCounters(first);
    const two = new TypeormCounters(second);

    const values = await Promise.all(
      Array.from({ length: 40 }, (_, i) => (i % 2 === 0 ? one : two).next('seq-concurrent')),
    );

    expect([...values].sort((a, b) => a - b)).toEqual(Array.from({ length: 40 }, (_, i) => i));
  });

  it('raises a mark and never lowers it', async () => {
    const sut = new TypeormCounters(first);
    expect(await sut.current('mark')).toBe(0);

    await sut.raiseTo('mark', 120);
    await sut.raiseTo('mark', 80);

    expect(await new TypeormCounters(second).current('mark')).toBe(120);
  });
});
