import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { acquireSqliteProcessLock } from '../../../apps/bridge/src/process/sqlite-process-lock';
import { DataSource } from 'typeorm';
import { TypeormJobLock, createDataSourceOptions, createTestDatabase } from '@bridge/persistence';
import { freePort } from '../../support/free-port';
import { Simulators, runCliHere, runCliProcess, startSimulators, writeSiteConfig } from './support/ops-stack';

/** `PASS  cafe-1 r_keeper  detail` → { verdict, name, detail } per line of the report. */
function checksOf(stdout: string): Array<{ verdict: string; name: string; detail: string }> {
  return stdout
    .split('\n')
    .map((line) => /^(PASS|WARN|FAIL)\s+(.+?)\s{2,}(.*)$/.exec(line))
    .filter((match): match is RegExpExecArray => match !== null)
    .map(([, verdict, name, detail]) => ({ verdict, name, detail }));
}

describe('pos-bridge doctor', () => {
  let sims: Simulators;
  let dir: string;

  beforeAll(async () => {
    sims = await startSimulators(`http://127.0.0.1:${await freePort()}`);
    dir = mkdtempSync(join(tmpdir(), 'doctor-'));
  });

  afterAll(() => sims?.close());

  const config = (options: { cafeToken?: string; databaseUrl?: string } = {}) =>
    writeSiteConfig(sims, {
      databaseUrl: options.databaseUrl ?? `sqlite:${join(dir, 'bridge.db')}`,
      cafeToken: options.cafeToken,
      dir: mkdtempSync(join(dir, 'config-')),
    });

  it('passes every check against the demo simulators and exits 0', async () => {
    const { env } = config();
    expect((await runCliHere(['migrate'], env)).code).toBe(0);
    const run = await runCliProcess(['doctor'], env);
    expect(run.code).toBe(0);
    expect(checksOf(run.stdout)).toEqual([
      { verdict: 'PASS', name: 'config', detail: expect.stringContaining('2 site(s)') },
      { verdict: 'PASS', name: 'database', detail: expect.stringContaining('schema up to date') },
      { verdict: 'PASS', name: 'cafe-1 r_keeper', detail: expect.stringMatching(/^r_keeper 7\./) },
      { verdict: 'PASS', name: 'cafe-1 invoicebox', detail: 'API token accepted' },
      { verdict: 'PASS', name: 'hotel-1 FIAS PMS', detail: expect.stringContaining('FIAS link alive') },
      { verdict: 'PASS', name: 'hotel-1 invoicebox', detail: 'API token accepted' },
    ]);
    expect(run.stdout).toContain('doctor: all 6 checks passed');
  });

  it('names the Invoicebox account whose token is wrong, never shows the token, and exits 1', async () => {
    const wrongToken = 'wrong-token-0123456789';
    const run = await runCliProcess(['doctor'], config({ cafeToken: wrongToken }).env);
    expect(run.code).toBe(1);
    const checks = checksOf(run.stdout);
    expect(checks.filter((c) => c.verdict === 'FAIL')).toEqual([
      { verdict: 'FAIL', name: 'cafe-1 invoicebox', detail: expect.stringMatching(/^UPSTREAM\.AUTH: /) },
    ]);
    expect(run.stdout).toContain('doctor: 1 of 6 checks failed');
    expect(run.stdout + run.stderr).not.toContain(wrongToken);
  });

  it('leaves the FIAS link of a running bridge alone: not checked, not taken over', async () => {
    const { env } = config();
    const lock = acquireSqliteProcessLock(join(dir, 'bridge.db'));
    try {
      const run = await runCliProcess(['doctor'], env);
      expect(run.code).toBe(0);
      expect(checksOf(run.stdout)).toContainEqual({
        verdict: 'WARN',
        name: 'hotel-1 FIAS PMS',
        detail: expect.stringContaining('not checked: the running bridge'),
      });
      expect(checksOf(run.stdout)).toContainEqual(
        expect.objectContaining({ verdict: 'PASS', name: 'cafe-1 r_keeper' }),
      );
    } finally {
      lock.release();
    }
  });

  it('on PostgreSQL, checks a FIAS link under its lease, and leaves it alone while a bridge holds the lease', async () => {
    const database = await createTestDatabase('bridge_doctor');
    const dataSource = await new DataSource(createDataSourceOptions(database.url)).initialize();
    try {
      const { env } = config({ databaseUrl: database.url });
      expect((await runCliHere(['migrate'], env)).code).toBe(0);
      const free = await runCliHere(['doctor', '--site', 'hotel-1', '--json'], env);
      expect(JSON.parse(free.stdout)).toMatchObject({
        ok: true,
        checks: expect.arrayContaining([
          { name: 'hotel-1 FIAS PMS', verdict: 'pass', detail: expect.any(String) },
        ]),
      });
      let release: () => void = () => undefined;
      const held = new Promise<void>((resolve) => (release = resolve));
      let holding: () => void = () => undefined;
      const acquired = new Promise<void>((resolve) => (holding = resolve));
      const bridge = new TypeormJobLock(dataSource).tryRun('pos-link:hotel-1', 15_000, async () => {
        holding();
        await held;
      });
      await acquired;
      const taken = await runCliHere(['doctor', '--site', 'hotel-1', '--json'], env);
      release();
      await bridge;
      expect(taken.code).toBe(0);
      expect(JSON.parse(taken.stdout)).toMatchObject({
        checks: expect.arrayContaining([
          {
            name: 'hotel-1 FIAS PMS',
            verdict: 'warn',
            detail: expect.stringContaining('not checked: a running bridge process holds the link lease'),
          },
        ]),
      });
    } finally {
      await dataSource.destroy();
      await database.drop();
    }
  });

  it('says which database check failed: unreachable PostgreSQL', async () => {
    const port = await freePort();
    const run = await runCliHere(['doctor', '--site', 'cafe-1', '--json'], {
      ...config({ databaseUrl: `postgres://bridge:db-secret-pass@127.0.0.1:${port}/bridge` }).env,
    });
    expect(run.code).toBe(1);
    const report = JSON.parse(run.stdout) as {
      ok: boolean;
      checks: Array<{ name: string; verdict: string; detail: string }>;
    };
    expect(report.ok).toBe(false);
    expect(report.checks.find((c) => c.name === 'database')).toEqual({
      name: 'database',
      verdict: 'fail',
      detail: expect.stringContaining(`postgres://bridge:***@127.0.0.1:${port}/bridge`),
    });
    expect(run.stdout + run.stderr).not.toContain('db-secret-pass');
  });

  it('exits 2 and lists the problems of a configuration it cannot read', async () => {
    const file = join(dir, 'broken.yaml');
    writeFileSync(file, 'server: { port: 1 }\nsites: []\n');
    const run = await runCliHere(['doctor', '--config', file], {});
    expect(run.code).toBe(2);
    expect(checksOf(run.stdout)).toEqual(
      expect.arrayContaining([
        { verdict: 'FAIL', name: 'config', detail: 'database: is required' },
        { verdict: 'FAIL', name: 'config', detail: 'sites: must list at least one site' },
      ]),
    );
  });

  it('names the POS that does not answer once its simulator is stopped, and exits 1', async () => {
    await sims.rkeeper.close();
    const run = await runCliProcess(['doctor', '--timeout', '2'], config().env);
    expect(run.code).toBe(1);
    const failed = checksOf(run.stdout).filter((c) => c.verdict === 'FAIL');
    expect(failed).toEqual([
      { verdict: 'FAIL', name: 'cafe-1 r_keeper', detail: expect.stringMatching(/^UPSTREAM\.UNAVAILABLE: /) },
    ]);
  });
});
