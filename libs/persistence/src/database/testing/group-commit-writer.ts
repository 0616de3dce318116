import { DataSource } from 'typeorm';
import { createDataSourceOptions } from '../../data-source';
import { rawQuery } from '../raw-query';
import { SqliteGroupCommit } from '../sqlite-group-commit';

/** Writes rows in concurrent units for ever and prints each name once its unit is answered (crash test). */
async function main(): Promise<void> {
  const dataSource = await new DataSource(createDataSourceOptions(process.argv[2])).initialize();
  await dataSource.query('CREATE TABLE IF NOT EXISTS "items" ("name" text PRIMARY KEY)');
  const group = new SqliteGroupCommit(dataSource);
  let next = 0;
  const writer = async (): Promise<void> => {
    for (;;) {
      const name = `item-${next++}`;
      await group.run((manager) => rawQuery(manager, 'INSERT INTO "items" ("name") VALUES (?)', [name]));
      process.stdout.write(`${name}\n`);
    }
  };
  await Promise.all(Array.from({ length: 32 }, writer));
}

void main();
