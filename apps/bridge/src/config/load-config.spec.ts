import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError, loadConfig, parseConfig } from './load-config';

const VALID = `
server:
  port: 3000
  publicUrl: https://pay.example.ru
  adminToken: \${ADMIN}
database:
  url: sqlite:./data/bridge.db
invoicebox:
  apiUrl: https://api.invoicebox.ru
  notifications: webhook
sites:
  - id: cafe-1
    kind: rkeeper
    name: Cafe
    merchant: { merchantId: m-1, apiToken: \${CAFE1_TOKEN}, notificationKey: \${CAFE1_KEY} }
    rkeeper:
      url: https://10.0.0.5:8086/rk7api/v0/xmlinterface.xml
      username: HTTPUSER
      password: \${RK_PASSWORD}
      tlsInsecure: true
      paymentCurrencyId: 1030240
      prepayReasonId: 5
      stationCode: 1
      cashierCode: 5
  - id: hotel-1
    kind: fias
    name: Hotel
    merchant: { merchantId: m-2, apiToken: t, notificationKey: k }
    fias: { host: 10.0.0.9, port: 5010, workstation: BRIDGE1, salesOutlet: 10, paymentMethod: IBOX }
`;

const ENV = { ADMIN: 'a-long-admin-token-123', CAFE1_TOKEN: 'tok', CAFE1_KEY: 'key', RK_PASSWORD: 'pw' };

function problemsOf(text: string, env: NodeJS.ProcessEnv = ENV): string[] {
  try {
    parseConfig(text, env);
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  return [];
}

describe('configuration', () => {
  it('accepts the contract example with secrets from the environment and fills defaults', () => {
    const config = parseConfig(VALID, ENV);
    expect(config.server.adminToken).toBe('a-long-admin-token-123');
    expect(config.sites[0].merchant.apiToken).toBe('tok');
    expect(config.sites[0].fiscal.vatCode).toBe('RUS_VAT20');
    expect(config.sites[0].pollIntervalSeconds).toBe(5);
    expect(config.sites[1].fias?.paymentMethod).toBe('IBOX');
    expect(config.settlement.maxAttempts).toBe(20);
  });

  it('names the file when BRIDGE_CONFIG points nowhere', () => {
    expect(() => loadConfig({ env: { BRIDGE_CONFIG: '/nonexistent/bridge.yaml' } })).toThrow(
      /BRIDGE_CONFIG: file \/nonexistent\/bridge.yaml does not exist/,
    );
  });

  it('falls back to the demo profile when there is no config file at all', () => {
    const dir = mkdtempSync(join(tmpdir(), 'cfg-'));
    expect(() => loadConfig({ env: {}, cwd: dir })).toThrow(/no config\/bridge.yaml and no demo profile/);
    const loaded = loadConfig({
      env: { DEMO_RKEEPER_FINGERPRINT: `${'AB:'.repeat(31)}AB` },
      cwd: process.cwd(),
    });
    expect(loaded.demo).toBe(true);
    expect(loaded.config.sites.map((s) => s.id)).toEqual(['cafe-1', 'hotel-1']);
  });

  it('reads an explicit file', () => {
    const dir = mkdtempSync(join(tmpdir(), 'cfg-'));
    const path = join(dir, 'bridge.yaml');
    writeFileSync(path, VALID);
    const loaded = loadConfig({ env: { ...ENV, BRIDGE_CONFIG: path } });
    expect(loaded.demo).toBe(false);
    expect(loaded.path).toBe(path);
  });

  it('reports invalid YAML with its line', () => {
    expect(problemsOf('server:\n  port: [3000\n')).toEqual([
      expect.stringMatching(/invalid YAML at line \d/),
    ]);
  });

  it('lists every problem, one line each, naming the key', () => {
    const broken = VALID.replace('publicUrl: https://pay.example.ru', 'publicUrl: not a url')
      .replace('kind: fias', 'kind: opera')
      .replace('      username: HTTPUSER\n', '')
      .replace('notificationKey: ${CAFE1_KEY}', 'notificationKey: ${MISSING_KEY}');
    const problems = problemsOf(broken);
    expect(problems).toEqual(
      expect.arrayContaining([
        'server.publicUrl: must be an http(s) URL such as https://pay.example.ru',
        'sites[1].kind: must be one of rkeeper, fias',
        'sites[0].rkeeper.username: is required',
        'sites[0].merchant.notificationKey: environment variable MISSING_KEY is not set',
      ]),
    );
    expect(problems).toHaveLength(4);
  });

  it('refuses unknown keys and a missing section', () => {
    const problems = problemsOf(
      VALID.replace('database:\n  url: sqlite:./data/bridge.db\n', 'databse:\n  url: x\n'),
    );
    expect(problems).toEqual(
      expect.arrayContaining(['database: is required', 'databse: is not a known setting']),
    );
  });

  it('refuses a malformed database URL and a weak admin token', () => {
    const problems = problemsOf(VALID.replace('sqlite:./data/bridge.db', 'mysql://x'), {
      ...ENV,
      ADMIN: 'short',
    });
    expect(problems).toEqual(
      expect.arrayContaining([
        'database.url: must be sqlite:<path> or postgres://user:pass@host:5432/db',
        'server.adminToken: must be at least 16 characters: it guards the operator API',
      ]),
    );
  });

  it('trusts X-Forwarded-For from loopback by default, or from the proxies listed, and refuses what is not an address', () => {
    expect(parseConfig(VALID, ENV).server.trustProxy).toEqual(['loopback']);
    const listed = VALID.replace(
      '  adminToken: ${ADMIN}',
      '  adminToken: ${ADMIN}\n  trustProxy: [loopback, 172.17.0.1, 10.0.0.0/8, "fd00::/8"]',
    );
    expect(parseConfig(listed, ENV).server.trustProxy).toEqual([
      'loopback',
      '172.17.0.1',
      '10.0.0.0/8',
      'fd00::/8',
    ]);

    const wrong = VALID.replace(
      '  adminToken: ${ADMIN}',
      '  adminToken: ${ADMIN}\n  trustProxy: [proxy.local, 10.0.0.0/33]',
    );
    expect(problemsOf(wrong)).toEqual([
      'server.trustProxy: must list IP addresses, CIDR ranges (10.0.0.0/8) or loopback, linklocal, uniquelocal',
    ]);
  });

  it('requires a pinned fingerprint unless TLS checks are explicitly turned off', () => {
    const problems = problemsOf(VALID.replace('      tlsInsecure: true\n', ''));
    expect(problems).toEqual([
      expect.stringMatching(/^sites\[0\]\.rkeeper\.tlsFingerprint: must be the SHA-256 fingerprint/),
    ]);
  });
});

describe('configuration rules across keys', () => {
  it('wants a settlement lease longer than one attempt at the slowest POS/PMS', () => {
    const short = `${VALID}\nsettlement:\n  leaseMs: 60000\n`;
    expect(problemsOf(short)).toEqual([
      'settlement.leaseMs: must be longer than one settlement attempt (90000 ms, from sites[1].fias.postingTimeoutMs)',
    ]);
    expect(problemsOf(`${VALID}\nsettlement:\n  leaseMs: 120000\n`)).toEqual([]);
  });
});
