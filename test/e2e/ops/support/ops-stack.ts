import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  FiasSimulator,
  InvoiceboxSandbox,
  RkeeperSimulator,
  startFiasSimulator,
  startInvoiceboxSandbox,
  startRkeeperSimulator,
} from '@bridge/simulators';
import { Output } from '../../../../apps/cli/src/output';
import { runCli } from '../../../../apps/cli/src/cli';
import { CAFE_MERCHANT, HOTEL_MERCHANT, STACK_ADMIN_TOKEN } from '../../../support/stack';

export const ROOT = join(__dirname, '..', '..', '..', '..');

export interface Simulators {
  sandbox: InvoiceboxSandbox;
  rkeeper: RkeeperSimulator;
  fias: FiasSimulator;
  close(): Promise<void>;
}

export async function startSimulators(bridgeUrl: string): Promise<Simulators> {
  const sandbox = await startInvoiceboxSandbox({
    merchants: [
      { ...CAFE_MERCHANT, notificationUrl: `${bridgeUrl}/webhooks/invoicebox/cafe-1` },
      { ...HOTEL_MERCHANT, notificationUrl: `${bridgeUrl}/webhooks/invoicebox/hotel-1` },
    ],
  });
  const rkeeper = await startRkeeperSimulator({});
  const fias = await startFiasSimulator({});
  let closed = false;
  return {
    sandbox,
    rkeeper,
    fias,
    async close() {
      if (closed) return;
      closed = true;
      await Promise.all([sandbox.close(), rkeeper.close().catch(() => undefined), fias.close()]);
    },
  };
}

export interface SiteConfigOptions {
  databaseUrl: string;
  port?: number;
  cafeToken?: string;
  dir?: string;
}

/** A production-shaped config file for the simulators: secrets from the environment, like a real site. */
export function writeSiteConfig(
  sims: Simulators,
  options: SiteConfigOptions,
): { path: string; env: NodeJS.ProcessEnv } {
  const dir = options.dir ?? mkdtempSync(join(tmpdir(), 'bridge-ops-'));
  const path = join(dir, 'bridge.yaml');
  const port = options.port ?? 3000;
  writeFileSync(
    path,
    `logLevel: warn
server:
  port: ${port}
  host: 127.0.0.1
  publicUrl: http://127.0.0.1:${port}
  adminToken: \${BRIDGE_ADMIN_TOKEN}
database:
  url: "${options.databaseUrl}"
invoicebox:
  apiUrl: ${sims.sandbox.url}
  notifications: webhook
  timeoutMs: 3000
sites:
  - id: cafe-1
    kind: rkeeper
    name: Cafe
    merchant: { merchantId: ${CAFE_MERCHANT.merchantId}, apiToken: \${CAFE1_TOKEN}, notificationKey: \${CAFE1_KEY} }
    rkeeper:
      url: ${sims.rkeeper.url}
      username: ${sims.rkeeper.username}
      password: \${RK_PASSWORD}
      tlsFingerprint: "${sims.rkeeper.certificateFingerprint}"
      paymentCurrencyId: 1030240
      prepayReasonId: 5
      stationCode: 1
      cashierCode: 5
      timeoutMs: 2000
  - id: hotel-1
    kind: fias
    name: Hotel
    merchant: { merchantId: ${HOTEL_MERCHANT.merchantId}, apiToken: ${HOTEL_MERCHANT.token}, notificationKey: ${HOTEL_MERCHANT.notificationKey} }
    fias: { host: ${sims.fias.host}, port: ${sims.fias.port}, workstation: BRIDGE1, salesOutlet: 10, paymentMethod: IBOX, postingNumberFile: "${join(dir, 'fias.json')}" }
`,
  );
  return {
    path,
    env: {
      BRIDGE_CONFIG: path,
      BRIDGE_ADMIN_TOKEN: STACK_ADMIN_TOKEN,
      CAFE1_TOKEN: options.cafeToken ?? CAFE_MERCHANT.token,
      CAFE1_KEY: CAFE_MERCHANT.notificationKey,
      RK_PASSWORD: sims.rkeeper.password,
    },
  };
}

export interface CliRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

export function runCliProcess(args: string[], env: NodeJS.ProcessEnv, cwd = ROOT): Promise<CliRun> {
  return new Promise((resolve) => {
    const child = spawn(
      process.execPath,
      ['-r', '@swc-node/register', join(ROOT, 'apps/cli/src/main.ts'), ...args],
      {
        cwd,
        env: { ...process.env, SWC_NODE_PROJECT: join(ROOT, 'tsconfig.json'), ...env },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
    child.once('exit', (code) => resolve({ code, stdout, stderr }));
  });
}

export async function runCliHere(args: string[], env: NodeJS.ProcessEnv, cwd = ROOT): Promise<CliRun> {
  let stdout = '';
  let stderr = '';
  const output = new Output({
    stdout: { write: (chunk: string) => (stdout += chunk) },
    stderr: { write: (chunk: string) => (stderr += chunk) },
  });
  const code = await runCli(args, { output, env: { ...process.env, ...env }, cwd });
  return { code, stdout, stderr };
}
