import path from 'node:path';
import { createDataSourceOptions, parseDatabaseUrl } from './data-source';
import { ENTITIES } from './entities';
import { MIGRATIONS } from './migrations';

describe('parseDatabaseUrl', () => {
  it.each([
    ['sqlite:./data/bridge.db', path.resolve('data/bridge.db')],
    ['sqlite:/var/lib/bridge/bridge.db', '/var/lib/bridge/bridge.db'],
    ['sqlite:///var/lib/bridge/bridge.db', '/var/lib/bridge/bridge.db'],
    ['sqlite::memory:', ':memory:'],
  ])('reads %s as a SQLite file', (url, file) => {
    expect(parseDatabaseUrl(url)).toEqual({ kind: 'sqlite', path: file });
  });

  it.each(['postgres://bridge:secret@db:5432/bridge', 'postgresql://db/bridge?sslmode=require'])(
    'passes %s to pg as it is',
    (url) => {
      expect(parseDatabaseUrl(url)).toEqual({ kind: 'postgres', url });
    },
  );

  it('refuses anything else without echoing the password', () => {
    expect(() => parseDatabaseUrl('mysql://root:hunter2@db/bridge')).toThrow(
      /Unsupported database url "mysql:\/\/\*\*\*@db\/bridge"/,
    );
    expect(() => parseDatabaseUrl('sqlite:')).toThrow();
  });
});

describe('createDataSourceOptions', () => {
  it('builds better-sqlite3 options with explicit entities and migrations, never synchronize', () => {
    const options = createDataSourceOptions('sqlite:./data/bridge.db', { busyTimeoutMs: 1_234 });

    expect(options).toMatchObject({
      type: 'better-sqlite3',
      database: path.resolve('data/bridge.db'),
      timeout: 1_234,
      synchronize: false,
      migrationsRun: false,
      migrationsTableName: 'migrations',
      entities: ENTITIES,
      migrations: MIGRATIONS,
    });
  });

  it('builds pg options with the pool size and lets the caller run migrations', () => {
    const options = createDataSourceOptions('postgres://db/bridge', { poolSize: 25, migrationsRun: true });

    expect(options).toMatchObject({
      type: 'postgres',
      url: 'postgres://db/bridge',
      poolSize: 25,
      synchronize: false,
      migrationsRun: true,
      entities: ENTITIES,
      migrations: MIGRATIONS,
    });
  });
});
