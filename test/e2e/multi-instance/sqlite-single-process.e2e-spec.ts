import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  InvoiceboxSandbox,
  RkeeperSimulator,
  startInvoiceboxSandbox,
  startRkeeperSimulator,
} from '@bridge/simulators';
import { BridgeProcess, spawnBridge } from '../../support/bridge-process';
import { freePort } from '../../support/free-port';
import { CAFE_MERCHANT, STACK_ADMIN_TOKEN } from '../../support/stack';

const ROOT = join(__dirname, '..', '..', '..');

async function writeConfig(
  dir: string,
  name: string,
  database: string,
  sim: RkeeperSimulator,
  sandbox: InvoiceboxSandbox,
) {
  const port = await freePort();
  const path = join(dir, `${name}.yaml`);
  writeFileSync(
    path,
    `
logLevel: warn
server: { port: ${port}, host: 127.0.0.1, publicUrl: "http://127.0.0.1:${port}", adminToken: ${STACK_ADMIN_TOKEN} }
database: { url: "sqlite:${database}" }
invoicebox: { apiUrl: "${sandbox.url}", notifications: webhook }
sites:
  - id: cafe-1
    kind: rkeeper
    name: Cafe
    merchant: { merchantId: "${CAFE_MERCHANT.merchantId}", apiToken: "${CAFE_MERCHANT.token}", notificationKey: "${CAFE_MERCHANT.notificationKey}" }
    rkeeper:
      url: "${sim.url}"
      username: "${sim.username}"
      password: "${sim.password}"
      tlsFingerprint: "${sim.certificateFingerprint}"
      paymentCurrencyId: 1030240
      prepayReasonId: 5
      stationCode: 1
      cashierCode: 5
`,
  );
  return { path, url: `http://127.0.0.1:${port}` };
}

/** SQLite serves one bridge process: a second one on the same file must refuse to start, saying why. */
describe('SQLite: a second bridge process on the same database', () => {
  let sandbox: InvoiceboxSandbox;
  let rkeeper: RkeeperSimulator;
  let first: BridgeProcess | undefined;

  beforeAll(async () => {
    sandbox = await startInvoiceboxSandbox({ merchants: [CAFE_MERCHANT] });
    rkeeper = await startRkeeperSimulator({});
  });

  afterAll(async () => {
    await first?.kill('SIGKILL');
    await Promise.all([sandbox?.close(), rkeeper?.close()]);
  });

  it('exits 1 naming the other process, and the first keeps serving', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'bridge-sqlite-two-'));
    const database = join(dir, 'bridge.db');
    const one = await writeConfig(dir, 'one', database, rkeeper, sandbox);
    const two = await writeConfig(dir, 'two', database, rkeeper, sandbox);
    first = await spawnBridge({ configPath: one.path, url: one.url });

    const second = await new Promise<{ code: number | null; stderr: string }>((resolve) => {
      const child = spawn(
        process.execPath,
        ['-r', '@swc-node/register', join(ROOT, 'apps/bridge/src/main.ts')],
        {
          cwd: ROOT,
          env: { ...process.env, SWC_NODE_PROJECT: join(ROOT, 'tsconfig.json'), BRIDGE_CONFIG: two.path },
          stdio: ['ignore', 'ignore', 'pipe'],
        },
      );
      let stderr = '';
      child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
      child.once('exit', (code) => resolve({ code, stderr }));
    });

    expect(second.code).toBe(1);
    expect(second.stderr).toContain(`Another bridge process (pid ${first.child.pid} on`);
    expect(second.stderr).toContain('move to PostgreSQL to run several');
    await expect(fetch(`${two.url}/healthz`)).rejects.toThrow();
    expect((await fetch(`${one.url}/healthz`)).ok).toBe(true);
  });
});
