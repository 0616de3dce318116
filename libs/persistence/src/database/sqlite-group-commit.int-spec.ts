import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import Database from 'better-sqlite3';
import { DataSource, EntityManager } from 'typeorm';
import { parseDatabaseUrl } from '../data-source';
import { openDataSource } from '../testing/harness';
import { TestDatabase, createTestDatabase } from '../testing/test-database';
import { rawQuery } from './raw-query';
import { SqliteGroupCommit, walFileSync } from './sqlite-group-commit';

const insert = (manager: EntityManager, name: string) =>
  rawQuery(manager, 'INSERT INTO "items" ("name") VALUES (?)', [name]);

describe('SqliteGroupCommit', () => {
  let db: TestDatabase;
  let file: string;
  let dataSource: DataSource;
  let sut: SqliteGroupCommit;

  const committedNames = (): string[] => {
    const reader = new Database(file, { readonly: true });
    try {
      return reader
        .prepare('SELECT "name" FROM "items" ORDER BY "name"')
        .all()
        .map((row) => String((row as { name: unknown }).name));
    } finally {
      reader.close();
    }
  };

  beforeEach(async () => {
    db = await createTestDatabase('group_commit', { driver: 'sqlite' });
    const target = parseDatabaseUrl(db.url);
    if (target.kind !== 'sqlite') throw new Error('expected SQLite');
    file = target.path;
    dataSource = await openDataSource(db);
    await dataSource.query('CREATE TABLE "items" ("name" text PRIMARY KEY)');
    await dataSource.query('CREATE TABLE "children" ("parent" text NOT NULL REFERENCES "items" ("name"))');
    sut = new SqliteGroupCommit(dataSource);
  });

  afterEach(async () => {
    await dataSource.destroy();
    await db.drop();
  });

  it('writes concurrent units in one transaction and answers each with its own result', async () => {
    const before = sut.commits;

    const results = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        sut.run(async (manager) => {
          await insert(manager, `item-${String(i).padStart(2, '0')}`);
          return i;
        }),
      ),
    );

    expect(results).toEqual(Array.from({ length: 20 }, (_, i) => i));
    expect(sut.commits - before).toBe(1);
    expect(committedNames()).toHaveLength(20);
  });

  it('rolls back a failing unit to its savepoint and commits the others', async () => {
    const outcomes = await Promise.allSettled([
      sut.run((manager) => insert(manager, 'a')),
      sut.run(async (manager) => {
        await insert(manager, 'b');
        throw new Error('unit b failed');
      }),
      sut.run((manager) => insert(manager, 'a')),
      sut.run((manager) => insert(manager, 'c')),
    ]);

    expect(outcomes.map((o) => o.status)).toEqual(['fulfilled', 'rejected', 'rejected', 'fulfilled']);
    expect(outcomes[1]).toMatchObject({ reason: new Error('unit b failed') });
    expect(outcomes[2]).toMatchObject({ reason: { driverError: { code: 'SQLITE_CONSTRAINT_PRIMARYKEY' } } });
    expect(committedNames()).toEqual(['a', 'c']);
  });

  it('answers no unit, not even a failed one, before its batch is on disk', async () => {
    const seenAtAnswer: string[][] = [];

    await Promise.allSettled([
      sut.run((manager) => insert(manager, 'first')).then(() => seenAtAnswer.push(committedNames())),
      sut
        .run(async () => {
          throw new Error('refused');
        })
        .catch(() => seenAtAnswer.push(committedNames())),
      sut.run((manager) => insert(manager, 'last')).then(() => seenAtAnswer.push(committedNames())),
    ]);

    expect(seenAtAnswer).toEqual([
      ['first', 'last'],
      ['first', 'last'],
      ['first', 'last'],
    ]);
  });

  it('fails every unit of a batch whose COMMIT fails, and keeps none of its rows', async () => {
    const outcomes = await Promise.allSettled([
      sut.run((manager) => insert(manager, 'kept-only-if-committed')),
      sut.run(async (manager) => {
        await rawQuery(manager, 'PRAGMA defer_foreign_keys = ON', []);
        await rawQuery(manager, 'INSERT INTO "children" ("parent") VALUES (?)', ['nobody']);
      }),
    ]);

    expect(outcomes.map((o) => o.status)).toEqual(['rejected', 'rejected']);
    expect(outcomes[0]).toMatchObject({ reason: { message: expect.stringMatching(/FOREIGN KEY/) } });
    expect(committedNames()).toEqual([]);
    await expect(sut.run((manager) => insert(manager, 'after'))).resolves.toBeDefined();
    expect(committedNames()).toEqual(['after']);
  });

  it('runs work started inside a unit as part of that unit', async () => {
    const result = await sut.run(async (manager) => {
      await insert(manager, 'outer');
      return sut.run(async (inner) => {
        await insert(inner, 'inner');
        return 'nested';
      });
    });

    expect(result).toBe('nested');
    expect(committedNames()).toEqual(['inner', 'outer']);
  });

  it('reads at once between batches, seeing committed rows only', async () => {
    await sut.run((manager) => insert(manager, 'committed'));

    const read = await sut.read((manager) => rawQuery(manager, 'SELECT COUNT(*) AS "n" FROM "items"', []));

    expect(read.records).toEqual([{ n: 1 }]);
  });
});

describe('SqliteGroupCommit and the WAL sync', () => {
  let db: TestDatabase;
  let dataSource: DataSource;

  beforeEach(async () => {
    db = await createTestDatabase('group_commit_sync', { driver: 'sqlite' });
    dataSource = await openDataSource(db);
    await dataSource.query('CREATE TABLE "items" ("name" text PRIMARY KEY)');
  });

  afterEach(async () => {
    await dataSource.destroy();
    await db.drop();
  });

  function heldSync(): { sync: () => Promise<void>; calls: number; release(error?: Error): void } {
    const pending: Array<{ resolve(): void; reject(error: Error): void }> = [];
    const control = {
      calls: 0,
      sync: () =>
        new Promise<void>((resolve, reject) => {
          control.calls += 1;
          pending.push({ resolve, reject });
        }),
      release: (error?: Error) => {
        for (const one of pending.splice(0)) {
          if (error) one.reject(error);
          else one.resolve();
        }
      },
    };
    return control;
  }

  const settledSoon = async (promise: Promise<unknown>): Promise<boolean> => {
    let settled = false;
    void promise.then(
      () => (settled = true),
      () => (settled = true),
    );
    await new Promise((resolve) => setTimeout(resolve, 30));
    return settled;
  };

  it('answers a unit only once the WAL is synced after its COMMIT', async () => {
    const wal = heldSync();
    const sut = new SqliteGroupCommit(dataSource, wal.sync);

    const answer = sut.run((manager) => insert(manager, 'paid'));

    expect(await settledSoon(answer)).toBe(false);
    expect(wal.calls).toBe(1);
    wal.release();
    await expect(answer).resolves.toBeDefined();
  });

  it('lets a read wait for the sync, so it never sees a row that is not on disk yet', async () => {
    const wal = heldSync();
    const sut = new SqliteGroupCommit(dataSource, wal.sync);
    const written = sut.run((manager) => insert(manager, 'paid'));
    await new Promise((resolve) => setTimeout(resolve, 10));

    const read = sut.read((manager) => rawQuery(manager, 'SELECT COUNT(*) AS "n" FROM "items"', []));

    expect(await settledSoon(read)).toBe(false);
    wal.release();
    await written;
    expect((await read).records).toEqual([{ n: 1 }]);
  });

  it('fails every unit of a batch whose sync fails', async () => {
    const wal = heldSync();
    const sut = new SqliteGroupCommit(dataSource, wal.sync);
    const answers = Promise.allSettled([
      sut.run((manager) => insert(manager, 'a')),
      sut.run((manager) => insert(manager, 'b')),
    ]);
    await new Promise((resolve) => setTimeout(resolve, 10));

    wal.release(new Error('EIO: i/o error, fsync'));

    expect((await answers).map((a) => a.status)).toEqual(['rejected', 'rejected']);
  });

  it('by default syncs the -wal file of the database, opened once', async () => {
    const opened: string[] = [];
    const synced: number[] = [];
    const sut = new SqliteGroupCommit(
      dataSource,
      walFileSync(dataSource, {
        openSync: (path, flags) => {
          opened.push(path);
          return fs.openSync(path, flags);
        },
        fsync: (fd, callback) => {
          synced.push(fd);
          fs.fsync(fd, callback);
        },
      }),
    );

    await sut.run((manager) => insert(manager, 'one'));
    await sut.run((manager) => insert(manager, 'two'));

    expect(opened).toEqual([`${String(dataSource.options.database)}-wal`]);
    expect(synced).toHaveLength(2);
  });
});

describe('walFileSync outside WAL mode', () => {
  it('opens and syncs nothing when the database is not in WAL mode (its COMMIT syncs itself)', async () => {
    const db = await createTestDatabase('group_commit_nowal', { driver: 'sqlite' });
    const dataSource = await openDataSource(db);
    try {
      await dataSource.query('PRAGMA journal_mode = DELETE');
      const touched: string[] = [];
      const sync = walFileSync(dataSource, {
        openSync: (path) => {
          touched.push(path);
          return -1;
        },
        fsync: (_fd, callback) => callback(null),
      });

      await sync();

      expect(touched).toEqual([]);
    } finally {
      await dataSource.destroy();
      await db.drop();
    }
  });
});

describe('SqliteGroupCommit across a crash', () => {
  it('keeps every unit that was answered when the process is killed', async () => {
    const db = await createTestDatabase('group_commit_crash', { driver: 'sqlite' });
    try {
      const child = spawn(
        process.execPath,
        ['-r', '@swc-node/register', join(__dirname, 'testing', 'group-commit-writer.ts'), db.url],
        {
          cwd: join(__dirname, '..', '..', '..', '..'),
          env: { ...process.env, SWC_NODE_PROJECT: join(__dirname, '..', '..', '..', '..', 'tsconfig.json') },
          stdio: ['ignore', 'pipe', 'inherit'],
        },
      );
      const answered: string[] = [];
      const exited = new Promise((resolve) => child.once('exit', resolve));
      await new Promise<void>((resolve) => {
        createInterface({ input: child.stdout ?? process.stdin }).on('line', (line) => {
          answered.push(line);
          if (answered.length === 2_000) resolve();
        });
      });
      child.kill('SIGKILL');
      await exited;

      const dataSource = await openDataSource(db);
      try {
        const rows: Array<{ name: string }> = await dataSource.query('SELECT "name" FROM "items"');
        const stored = new Set(rows.map((row) => row.name));
        expect(answered.filter((name) => !stored.has(name))).toEqual([]);
        expect(stored.size).toBeGreaterThanOrEqual(answered.length);
      } finally {
        await dataSource.destroy();
      }
    } finally {
      await db.drop();
    }
  });
});
