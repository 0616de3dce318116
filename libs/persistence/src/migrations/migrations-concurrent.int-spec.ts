import { DataSource } from 'typeorm';
import { runMigrations } from '../data-source';
import { openDataSource } from '../testing/harness';
import { TestDatabase, createTestDatabase } from '../testing/test-database';
import { MIGRATIONS } from '.';

// Several bridge processes starting together on one empty PostgreSQL database.
describe('migrations run by several processes at once on PostgreSQL', () => {
  let db: TestDatabase;
  let sources: DataSource[] = [];

  beforeAll(async () => {
    db = await createTestDatabase('persistence_test');
    sources = await Promise.all([0, 1, 2].map(() => openDataSource(db)));
  });

  afterAll(async () => {
    await Promise.all(sources.map((s) => s.destroy()));
    await db?.drop();
  });

  it('applies each migration once and lets every process start', async () => {
    const applied = await Promise.all(sources.map((source) => runMigrations(source)));

    expect(applied.flat().sort()).toEqual(MIGRATIONS.map((m) => new m().name).sort());
    const rows: unknown[] = await sources[0].query('SELECT name FROM migrations');
    expect(rows).toHaveLength(MIGRATIONS.length);
  });
});
