import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '../../support/free-port';
import { waitFor } from '../../support/wait-for';

const ROOT = join(__dirname, '..', '..', '..');

function runBridge(env: NodeJS.ProcessEnv): Promise<{ code: number | null; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(
      process.execPath,
      ['-r', '@swc-node/register', join(ROOT, 'apps/bridge/src/main.ts')],
      {
        cwd: ROOT,
        env: { ...process.env, SWC_NODE_PROJECT: join(ROOT, 'tsconfig.json'), ...env },
        stdio: ['ignore', 'ignore', 'pipe'],
      },
    );
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
    child.once('exit', (code) => resolve({ code, stderr }));
  });
}

describe('starting the bridge', () => {
  it('refuses a bad configuration with one line per problem, exit code 1, and nothing started', async () => {
    const port = await freePort();
    const dir = mkdtempSync(join(tmpdir(), 'bad-config-'));
    const path = join(dir, 'bridge.yaml');
    writeFileSync(
      path,
      `
server: { port: ${port}, publicUrl: "not a url", adminToken: \${UNSET_ADMIN_TOKEN_FOR_TEST} }
database: { url: "sqlite:${join(dir, 'bridge.db')}" }
sites:
  - id: cafe-1
    kind: opera
    name: Cafe
    merchant: { merchantId: m, apiToken: t, notificationKey: k }
`,
    );
    const { code, stderr } = await runBridge({ BRIDGE_CONFIG: path });
    expect(code).toBe(1);
    const problems = stderr.split('\n').filter((line) => line.startsWith('  - '));
    expect(problems).toEqual([
      '  - server.adminToken: environment variable UNSET_ADMIN_TOKEN_FOR_TEST is not set',
      '  - server.publicUrl: must be an http(s) URL such as https://pay.example.ru',
      '  - sites[0].kind: must be one of rkeeper, fias',
    ]);
    await expect(fetch(`http://127.0.0.1:${port}/healthz`)).rejects.toThrow();
  });

  it('names a missing or unreadable file', async () => {
    const missing = await runBridge({ BRIDGE_CONFIG: '/nonexistent/bridge.yaml' });
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('BRIDGE_CONFIG: file /nonexistent/bridge.yaml does not exist');
    const dir = mkdtempSync(join(tmpdir(), 'bad-yaml-'));
    writeFileSync(join(dir, 'bridge.yaml'), 'server: [port: 1\n');
    const invalid = await runBridge({ BRIDGE_CONFIG: join(dir, 'bridge.yaml') });
    expect(invalid.code).toBe(1);
    expect(invalid.stderr).toMatch(/invalid YAML at line \d/);
  });

  it('runs the demo with `npm start` when there is no config, and says so', async () => {
    const port = await freePort();
    const dir = mkdtempSync(join(tmpdir(), 'demo-'));
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      PORT: String(port),
      DATABASE_URL: `sqlite:${join(dir, 'demo.db')}`,
    };
    delete env.BRIDGE_CONFIG;
    delete env.BRIDGE_PUBLIC_URL;
    const child = spawn('npm', ['start'], {
      cwd: ROOT,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
    try {
      await waitFor(
        async () => {
          try {
            return (await fetch(`http://127.0.0.1:${port}/healthz`)).ok;
          } catch {
            return false;
          }
        },
        { timeoutMs: 90_000, intervalMs: 250, what: 'the demo to answer /healthz' },
      );
      expect(output).toContain('running the DEMO');
      await waitFor(() => output.includes('DEMO MODE'), { what: 'the bridge to log that it runs the demo' });
      const ready = (await (await fetch(`http://127.0.0.1:${port}/readyz`)).json()) as { status: string };
      expect(ready.status).toBe('ok');
    } finally {
      if (child.pid) process.kill(-child.pid, 'SIGTERM');
      await new Promise((resolve) => child.once('exit', resolve));
    }
  });
});
