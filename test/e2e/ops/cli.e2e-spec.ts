import { existsSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { DataSource } from 'typeorm';
import { billFromSnapshot, localDate, newId } from '@bridge/core';
import {
  TypeormCounters,
  TypeormStore,
  createDataSourceOptions,
  createTestDatabase,
} from '@bridge/persistence';
import { aBillSnapshot } from '@bridge/testing';
import { MIGRATIONS } from '../../../libs/persistence/src/migrations';
import { acquireSqliteProcessLock } from '../../../apps/bridge/src/process/sqlite-process-lock';
import { Stack, startStack } from '../../support/stack';
import { waitFor } from '../../support/wait-for';
import { billWhen, issueLink, openOrder, settlementWhen } from '../rkeeper/support';
import { runCliHere } from './support/ops-stack';

/** A config the CLI can read: only the database matters to these commands. */
function configFor(databaseUrl: string): { BRIDGE_CONFIG: string } {
  const dir = mkdtempSync(join(tmpdir(), 'cli-config-'));
  const path = join(dir, 'bridge.yaml');
  writeFileSync(
    path,
    `server: { port: 3000, publicUrl: "http://127.0.0.1:3000", adminToken: cli-admin-token-0123456789 }
database: { url: "${databaseUrl}" }
invoicebox: { apiUrl: "http://127.0.0.1:9" }
sites:
  - id: cafe-1
    kind: rkeeper
    name: Cafe
    merchant: { merchantId: m-1, apiToken: cli-token-0123456789, notificationKey: cli-key-0123456789 }
    rkeeper:
      url: https://127.0.0.1:9/rk7api/v0/xmlinterface.xml
      username: HTTPUSER
      password: cli-password
      tlsInsecure: true
      paymentCurrencyId: 1030240
      prepayReasonId: 5
      stationCode: 1
      cashierCode: 5
`,
  );
  return { BRIDGE_CONFIG: path };
}

async function withDataSource<T>(
  databaseUrl: string,
  work: (dataSource: DataSource) => Promise<T>,
): Promise<T> {
  const dataSource = await new DataSource(createDataSourceOptions(databaseUrl)).initialize();
  try {
    return await work(dataSource);
  } finally {
    await dataSource.destroy();
  }
}

const withStore = <T>(databaseUrl: string, work: (store: TypeormStore) => Promise<T>) =>
  withDataSource(databaseUrl, (dataSource) => work(new TypeormStore(dataSource)));

const withCounters = <T>(databaseUrl: string, work: (counters: TypeormCounters) => Promise<T>) =>
  withDataSource(databaseUrl, (dataSource) => work(new TypeormCounters(dataSource)));

async function addBill(databaseUrl: string, externalId: string): Promise<void> {
  const snapshot = aBillSnapshot()
    .withLine('Борщ', 45_000)
    .with({ externalId, label: `Стол ${externalId}` })
    .build();
  const { bill } = billFromSnapshot(snapshot, { id: newId(), siteId: 'cafe-1', now: new Date() });
  await withStore(databaseUrl, (store) => store.bills.save(bill));
}

async function billLabels(env: NodeJS.ProcessEnv): Promise<string[]> {
  const run = await runCliHere(['bills', '--site', 'cafe-1', '--json'], env);
  expect(run.code).toBe(0);
  return (JSON.parse(run.stdout) as Array<{ label: string }>).map((bill) => bill.label).sort();
}

describe('pos-bridge migrate', () => {
  it('creates the whole schema in an empty PostgreSQL database, then has nothing left to do', async () => {
    const database = await createTestDatabase('bridge_cli_migrate');
    try {
      const env = configFor(database.url);
      const first = await runCliHere(['migrate'], env);
      expect(first.code).toBe(0);
      expect(first.stdout.split('\n').filter((line) => line.startsWith('applied '))).toEqual(
        MIGRATIONS.map((migration) => `applied ${migration.name}`),
      );
      const client = new Client({ connectionString: database.url });
      await client.connect();
      try {
        const { rows } = await client.query<{ count: string }>('SELECT COUNT(*) AS count FROM migrations');
        expect(Number(rows[0].count)).toBe(MIGRATIONS.length);
        await client.query('SELECT id FROM settlements LIMIT 1');
      } finally {
        await client.end();
      }
      const second = await runCliHere(['migrate'], env);
      expect(second.code).toBe(0);
      expect(second.stdout).toContain(`schema up to date (${MIGRATIONS.length} migrations)`);
    } finally {
      await database.drop();
    }
  });

  it('brings an existing SQLite file of an older version up to date, keeping its data', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cli-sqlite-'));
    const url = `sqlite:${join(dir, 'bridge.db')}`;
    const older = new DataSource({ ...createDataSourceOptions(url), migrations: [MIGRATIONS[0]] });
    await older.initialize();
    await older.runMigrations();
    await older.destroy();
    await addBill(url, '5');
    const env = configFor(url);
    expect((await runCliHere(['bills', '--site', 'cafe-1'], env)).code).toBe(3);

    const run = await runCliHere(['migrate'], env);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain(`${MIGRATIONS.length - 1} migration(s) applied`);
    expect(await billLabels(env)).toEqual(['Стол 5']);
  });

  it('refuses while a bridge process holds the SQLite file, with exit code 3', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cli-locked-'));
    const file = join(dir, 'bridge.db');
    const lock = acquireSqliteProcessLock(file);
    try {
      const run = await runCliHere(['migrate'], configFor(`sqlite:${file}`));
      expect(run.code).toBe(3);
      expect(run.stderr).toContain('Another bridge process');
    } finally {
      lock.release();
    }
  });
});

describe('pos-bridge backup and restore (SQLite)', () => {
  it('backs up while the database is in use, and restores the backup with the bridge stopped', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cli-backup-'));
    const url = `sqlite:${join(dir, 'data', 'bridge.db')}`;
    const env = configFor(url);
    expect((await runCliHere(['migrate'], env)).code).toBe(0);
    await addBill(url, '1');
    const backupFile = join(dir, 'bridge-backup.db');

    const backup = await withStore(url, async (store) => {
      // A connection stays open and writes meanwhile, as the running bridge would.
      const running = runCliHere(['backup', backupFile], env);
      await store.events.append({ at: new Date(), siteId: 'cafe-1', type: 'test.write', data: {} });
      return running;
    });
    expect(backup.code).toBe(0);
    expect(backup.stdout).toMatch(
      /backup written to .*bridge-backup\.db \(integrity ok, \d+ migrations, 1 bills\)/,
    );
    expect((await runCliHere(['backup', backupFile], env)).code).toBe(2);

    await addBill(url, '2');
    expect(await billLabels(env)).toEqual(['Стол 1', 'Стол 2']);
    // Counters that moved on after the backup must not go back with it.
    await withCounters(url, async (counters) => {
      for (let i = 0; i < 7; i++) await counters.next('rkeeper.license-seq:{I}');
      await counters.raiseTo('fias.posting-number:hotel-1', 900);
    });

    const lock = acquireSqliteProcessLock(join(dir, 'data', 'bridge.db'));
    try {
      expect((await runCliHere(['restore', backupFile], env)).code).toBe(3);
    } finally {
      lock.release();
    }
    const restore = await runCliHere(['restore', backupFile], env);
    expect(restore.code).toBe(0);
    expect(restore.stdout).toContain('the previous database is kept as');
    expect(restore.stdout).toContain('2 counters that must not go back');
    expect(await billLabels(env)).toEqual(['Стол 1']);
    await withCounters(url, async (counters) => {
      expect(await counters.next('rkeeper.license-seq:{I}')).toBe(7);
      expect(await counters.current('fias.posting-number:hotel-1')).toBe(900);
    });
    const kept = readdirSync(join(dir, 'data')).find((name) => name.startsWith('bridge.db.before-restore-'));
    expect(kept).toBeDefined();
    expect(await billLabels(configFor(`sqlite:${join(dir, 'data', kept ?? '')}`))).toEqual([
      'Стол 1',
      'Стол 2',
    ]);

    const notABackup = join(dir, 'not-a-backup.db');
    writeFileSync(notABackup, 'hello');
    expect((await runCliHere(['restore', notABackup], env)).code).toBe(1);
    expect(await billLabels(env)).toEqual(['Стол 1']);
  });

  it('points PostgreSQL users to pg_dump', async () => {
    const run = await runCliHere(
      ['backup', join(tmpdir(), 'x.db')],
      configFor('postgres://u:p@127.0.0.1:9/db'),
    );
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('pg_dump');
  });
});

describe('pos-bridge against a running bridge', () => {
  let stack: Stack;
  let env: { BRIDGE_CONFIG: string };

  beforeAll(async () => {
    stack = await startStack({ invoiceboxPollIntervalSeconds: 3600 });
    const dir = mkdtempSync(join(tmpdir(), 'cli-stack-'));
    writeFileSync(join(dir, 'bridge.yaml'), stack.configYaml);
    env = { BRIDGE_CONFIG: join(dir, 'bridge.yaml') };
  });

  afterAll(() => stack?.close());

  it('replays a saved webhook through the same verification and use case, as channel replay', async () => {
    stack.sandbox.control.holdNotifications('webhook');
    const guid = openOrder(stack, 9);
    const bill = await billWhen(stack, guid, (b) => b.status === 'open', 'the order at table 9');
    const link = await issueLink(stack, bill.id);
    stack.sandbox.control.payOrder(link.providerOrderId ?? '');
    const delivery = await waitFor(
      () =>
        stack.sandbox
          .deliveries()
          .find(
            (d) =>
              d.channel === 'webhook' && d.orderId === link.providerOrderId && d.orderStatus === 'completed',
          ),
      { what: 'the held webhook' },
    );
    const file = join(mkdtempSync(join(tmpdir(), 'replay-')), 'notification.json');
    writeFileSync(file, delivery.body);

    const forged = await runCliHere(['replay-notification', file, '--signature', 'a'.repeat(40)], env);
    expect(forged.code).toBe(1);
    expect(forged.stdout).toContain('rejected (signature)');
    expect(await stack.store.payments.listByBill(bill.id)).toEqual([]);

    const replayed = await runCliHere(
      ['replay-notification', file, '--signature', delivery.signature ?? ''],
      env,
    );
    expect(replayed.code).toBe(0);
    expect(replayed.stdout).toMatch(/^accepted/);
    const [payment] = await stack.store.payments.listByBill(bill.id);
    expect(payment).toMatchObject({ channel: 'replay', providerOrderId: link.providerOrderId });
    await settlementWhen(
      stack,
      bill.id,
      (s) => s.status === 'applied',
      'the replayed payment applied by the bridge',
    );

    const again = await runCliHere(
      ['replay-notification', file, '--signature', delivery.signature ?? '', '--json'],
      env,
    );
    expect(again.code).toBe(0);
    expect(JSON.parse(again.stdout)).toMatchObject({ siteId: 'cafe-1', outcome: { kind: 'duplicate' } });
  });

  it('lists the sites and the bills the bridge stored', async () => {
    const sites = await runCliHere(['sites', '--json'], env);
    expect(sites.code).toBe(0);
    expect(JSON.parse(sites.stdout)).toMatchObject({
      notifications: 'webhook',
      sites: [{ id: 'cafe-1', kind: 'rkeeper', openBills: expect.any(Number), needsAttention: 0 }],
    });
    const table = await runCliHere(['bills', '--site', 'cafe-1', '--status', 'closed'], env);
    expect(table.code).toBe(0);
    expect(table.stdout.split('\n')[0]).toMatch(
      /^ID\s+LABEL\s+STATUS\s+TOTAL\s+PAID\s+DUE\s+CURRENCY\s+UPDATED$/,
    );
    expect(table.stdout).toContain('Стол 9');
  });

  it('reconciles a day: clean when all agree, exit 1 and the mismatch when Invoicebox has a payment the bridge missed', async () => {
    const today = localDate(new Date(), 'Europe/Moscow');
    const clean = await runCliHere(['reconcile', '--date', today, '--site', 'cafe-1'], env);
    expect(clean.stdout).toContain(`cafe-1 ${today}: clean`);
    expect(clean.code).toBe(0);

    const guid = openOrder(stack, 10);
    const bill = await billWhen(stack, guid, (b) => b.status === 'open', 'the order at table 10');
    const link = await issueLink(stack, bill.id);
    stack.sandbox.control.payOrder(link.providerOrderId ?? '');
    const missed = await runCliHere(['reconcile', '--date', today, '--json'], env);
    expect(missed.code).toBe(1);
    const { reports } = JSON.parse(missed.stdout) as {
      reports: Array<{ siteId: string; status: string; mismatches: Array<{ kind: string; action: string }> }>;
    };
    expect(reports).toEqual([
      expect.objectContaining({
        siteId: 'cafe-1',
        status: 'mismatches',
        mismatches: [expect.objectContaining({ kind: 'confirmed_unknown_to_bridge', action: 'recorded' })],
      }),
    ]);
    await settlementWhen(stack, bill.id, (s) => s.status === 'applied', 'the recorded payment applied');
  });

  it('says what is wrong with its arguments, with exit code 2', async () => {
    const cases: Array<[string[], string]> = [
      [['bills'], '--site is required'],
      [['bills', '--site', 'nowhere'], 'No site nowhere'],
      [['bills', '--site', 'cafe-1', '--status', 'paid'], '--status must be one of'],
      [['reconcile', '--date', '2026-02-30'], 'is not a date'],
      [['replay-notification'], 'one file is required'],
      [['doctor', '--unknown'], "Unknown option '--unknown'"],
      [['frobnicate'], 'unknown command "frobnicate"'],
    ];
    for (const [args, message] of cases) {
      const run = await runCliHere(args, env);
      expect({ args, code: run.code }).toEqual({ args, code: 2 });
      expect(run.stderr).toContain(message);
    }
    expect(existsSync(env.BRIDGE_CONFIG)).toBe(true);
  });
});
