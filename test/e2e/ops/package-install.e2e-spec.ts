import { execFileSync, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { Server, createServer } from 'node:http';
import { AddressInfo } from 'node:net';
import { homedir, tmpdir } from 'node:os';
import { basename, dirname, isAbsolute, join } from 'node:path';
import { freePort } from '../../support/free-port';
import { waitFor } from '../../support/wait-for';
import { ROOT, Simulators, startSimulators, writeSiteConfig } from './support/ops-stack';

interface Stage {
  name: string;
  copies: Array<{ sources: string[]; dest: string }>;
  fromBuild: Array<{ source: string; dest: string }>;
  runs: string[];
  healthcheck?: string;
}

/** The stages of docker/Dockerfile: the test repeats their steps, so the two cannot drift apart. */
function dockerfileStages(): Stage[] {
  const text = readFileSync(join(ROOT, 'docker/Dockerfile'), 'utf8').replace(/\\\n\s*/g, ' ');
  const stages: Stage[] = [];
  for (const line of text.split('\n').map((l) => l.trim())) {
    const from = /^FROM \S+ AS (\S+)/.exec(line);
    if (from) stages.push({ name: from[1], copies: [], fromBuild: [], runs: [] });
    const stage = stages[stages.length - 1];
    if (!stage) continue;
    const copy = /^COPY (--from=\S+ )?(.+)$/.exec(line);
    if (copy) {
      const parts = copy[2].split(/\s+/);
      const dest = parts.pop() ?? '';
      if (copy[1]) stage.fromBuild.push({ source: parts[0], dest });
      else stage.copies.push({ sources: parts, dest });
    }
    if (line.startsWith('RUN ')) stage.runs.push(line.slice(4));
    const health = /^HEALTHCHECK .* CMD (.+)$/.exec(line);
    if (health) stage.healthcheck = health[1];
  }
  return stages;
}

/** `COPY` into a folder standing in for the image's WORKDIR; absolute destinations are the image's own. */
function copyInto(stage: Stage, workdir: string): void {
  for (const { sources, dest } of stage.copies) {
    if (isAbsolute(dest)) continue;
    for (const source of sources) {
      const target =
        dest.endsWith('/') || sources.length > 1
          ? join(workdir, dest, basename(source))
          : join(workdir, dest);
      mkdirSync(dirname(target), { recursive: true });
      cpSync(join(ROOT, source), target, { recursive: true });
    }
  }
}

/** Runs a command to its end without blocking this process, where the simulators and the mirror live. */
function run(
  command: string,
  args: string[],
  options: { cwd?: string; env?: NodeJS.ProcessEnv },
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(command, args, { cwd: options.cwd, env: { ...process.env, ...options.env } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
    child.once('exit', (code) => resolve({ code, stdout, stderr }));
  });
}

async function mustRun(
  command: string,
  args: string[],
  options: { cwd: string; env?: NodeJS.ProcessEnv },
): Promise<void> {
  const result = await run(command, args, options);
  if (result.code !== 0) {
    throw new Error(
      `${command} ${args.join(' ')} exited ${result.code}:\n${result.stdout}\n${result.stderr}`.slice(-4_000),
    );
  }
}

/**
 * Serves this checkout's own better-sqlite3 binary the way its GitHub release serves prebuilt ones, so the
 * install does not spend a minute compiling SQLite where GitHub is out of reach (the image build downloads it).
 */
async function servePrebuiltSqlite(
  dir: string,
): Promise<{ host: string; requested: string[]; server: Server }> {
  const tarball = join(dir, 'better-sqlite3-prebuilt.tar.gz');
  execFileSync('tar', [
    '-czf',
    tarball,
    '-C',
    join(ROOT, 'node_modules/better-sqlite3'),
    'build/Release/better_sqlite3.node',
  ]);
  const body = readFileSync(tarball);
  const requested: string[] = [];
  const server = createServer((request, response) => {
    requested.push(request.url ?? '');
    response.writeHead(200, { 'content-type': 'application/gzip', 'content-length': body.length }).end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { host: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, requested, server };
}

function externalsOf(bundle: string): string[] {
  const names = [...readFileSync(bundle, 'utf8').matchAll(/require\("([^".][^"]*)"\)/g)].map((m) => m[1]);
  return [...new Set(names.filter((name) => !name.startsWith('node:')))].sort();
}

describe('the production package, built and installed like docker/Dockerfile does it', () => {
  const stages = dockerfileStages();
  const build = stages.find((s) => s.name === 'build');
  const runtime = stages.find((s) => s.name === 'runtime');
  const root = mkdtempSync(join(tmpdir(), 'bridge-package-'));
  const buildDir = join(root, 'build');
  const appDir = join(root, 'app');
  let sims: Simulators | undefined;
  let mirror: Awaited<ReturnType<typeof servePrebuiltSqlite>> | undefined;

  beforeAll(async () => {
    if (!build || !runtime) throw new Error('docker/Dockerfile needs the stages build and runtime');
    expect(build.runs).toEqual(expect.arrayContaining(['npm ci --no-audit --no-fund', 'npm run build']));
    expect(runtime.runs.join(' ')).toContain('npm ci --omit=dev');

    // Build stage: its COPYs, the same lock file's packages (linked, not reinstalled), `npm run build`.
    mkdirSync(buildDir, { recursive: true });
    copyInto(build, buildDir);
    symlinkSync(join(ROOT, 'node_modules'), join(buildDir, 'node_modules'), 'dir');
    await mustRun('npm', ['run', 'build'], { cwd: buildDir });

    mkdirSync(appDir, { recursive: true });
    copyInto(runtime, appDir);
    for (const { source, dest } of runtime.fromBuild) {
      cpSync(join(buildDir, source.replace(/^\/build\/?/, '')), join(appDir, dest), { recursive: true });
    }
    mirror = await servePrebuiltSqlite(root);
    await mustRun('npm', ['ci', '--omit=dev', '--prefer-offline', '--no-audit', '--no-fund'], {
      cwd: appDir,
      env: { NODE_ENV: 'production', npm_config_better_sqlite3_binary_host: mirror.host },
    });
  }, 240_000);

  afterAll(async () => {
    await sims?.close();
    if (mirror) {
      await new Promise((resolve) => mirror?.server.close(resolve));
      // prebuild-install caches what it downloaded under the npm cache, keyed by URL: ours is of no use again.
      const cache = process.env.npm_config_cache ?? join(homedir(), '.npm');
      for (const path of mirror.requested) {
        const url = `${mirror.host}${path}`;
        const digest = createHash('sha512').update(url).digest('hex').slice(0, 6);
        rmSync(join(cache, '_prebuilds', `${digest}-${basename(url).replace(/[^a-zA-Z0-9.]+/g, '-')}`), {
          force: true,
        });
      }
    }
    rmSync(root, { recursive: true, force: true });
  });

  it('has every package the bridge, the CLI and the simulators load, and no development tool', () => {
    const bundles = ['bridge', 'cli', 'simulators'].map((app) => join(appDir, 'dist/apps', app, 'main.js'));
    for (const bundle of bundles) {
      expect(existsSync(bundle)).toBe(true);
      for (const name of externalsOf(bundle)) {
        expect({
          bundle: basename(dirname(bundle)),
          name,
          resolved: existsSync(join(appDir, 'node_modules', name)),
        }).toEqual({
          bundle: basename(dirname(bundle)),
          name,
          resolved: true,
        });
      }
    }
    for (const tool of ['jest', 'eslint', '@nestjs/cli', '@rspack/core', '@swc/core']) {
      expect({ tool, installed: existsSync(join(appDir, 'node_modules', tool)) }).toEqual({
        tool,
        installed: false,
      });
    }
  });

  it('starts the built bridge with a config: it migrates at boot, answers /readyz 200, passes the HEALTHCHECK and doctor', async () => {
    const port = await freePort();
    sims = await startSimulators(`http://127.0.0.1:${port}`);
    const config = writeSiteConfig(sims, { databaseUrl: 'sqlite:./data/bridge.db', port, dir: root });
    const env = {
      ...process.env,
      ...config.env,
      NODE_ENV: 'production',
      PORT: String(port),
      POS_BRIDGE_HOME: appDir,
    };

    const cli = (...args: string[]) => run('sh', [join(ROOT, 'docker/entrypoint.sh'), ...args], { env });

    const bridge = spawn('sh', [join(ROOT, 'docker/entrypoint.sh')], {
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    bridge.stdout.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
    bridge.stderr.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
    const exited = new Promise<number | null>((resolve) => bridge.once('exit', resolve));
    try {
      const ready = await waitFor(
        async () => {
          if (bridge.exitCode !== null)
            throw new Error(`the bridge exited ${bridge.exitCode}:\n${output.slice(-3_000)}`);
          const response = await fetch(`http://127.0.0.1:${port}/readyz`).catch(() => null);
          return response?.status === 200 ? ((await response.json()) as { status: string }) : null;
        },
        { timeoutMs: 30_000, intervalMs: 200, what: 'the built bridge to answer /readyz' },
      );
      expect(ready.status).toBe('ok');
      expect(existsSync(join(appDir, 'data/bridge.db'))).toBe(true);

      const healthcheck = /^node -e "(.+)"$/.exec(runtime?.healthcheck ?? '');
      expect(healthcheck).not.toBeNull();
      const probe = await run(process.execPath, ['-e', healthcheck?.[1] ?? ''], { env });
      expect(probe.code).toBe(0);

      const doctor = await cli('doctor', '--site', 'cafe-1');
      expect({ code: doctor.code, out: doctor.stdout }).toEqual({
        code: 0,
        out: expect.stringContaining('PASS  database                sqlite'),
      });
      expect(doctor.stdout).toContain('schema up to date');
      expect((await fetch(`http://127.0.0.1:${port}/metrics`)).status).toBe(200);
      const beside = await cli('migrate');
      expect({ code: beside.code, err: beside.stderr }).toEqual({
        code: 3,
        err: expect.stringContaining('Another bridge process'),
      });
    } finally {
      bridge.kill('SIGTERM');
      await exited;
    }
    const migrate = await cli('migrate');
    expect({ code: migrate.code, out: migrate.stdout }).toEqual({
      code: 0,
      out: expect.stringContaining('schema up to date'),
    });
  });
});
