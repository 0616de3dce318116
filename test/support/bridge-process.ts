import { ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import { waitFor } from './wait-for';

const ROOT = join(__dirname, '..', '..');

export interface BridgeProcess {
  child: ChildProcess;
  url: string;
  output: string[];
  exited: Promise<number | null>;
  kill(signal?: NodeJS.Signals): Promise<number | null>;
}

/**
 * The bridge as a real operating-system process (from the TypeScript sources, no build step), for tests
 * that kill it: crash recovery, several instances on one database, chaos.
 */
export async function spawnBridge(options: {
  configPath: string;
  url: string;
  env?: NodeJS.ProcessEnv;
  readyTimeoutMs?: number;
}): Promise<BridgeProcess> {
  const output: string[] = [];
  const child = spawn(process.execPath, ['-r', '@swc-node/register', join(ROOT, 'apps/bridge/src/main.ts')], {
    cwd: ROOT,
    env: {
      ...process.env,
      SWC_NODE_PROJECT: join(ROOT, 'tsconfig.json'),
      BRIDGE_CONFIG: options.configPath,
      ...options.env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const keep = (chunk: Buffer) => {
    output.push(chunk.toString('utf8'));
    if (output.length > 2_000) output.splice(0, output.length - 2_000);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  let exitCode: number | null | undefined;
  void exited.then((code) => (exitCode = code ?? -1));
  await waitFor(
    async () => {
      if (exitCode !== undefined)
        throw new Error(`bridge exited with ${exitCode}:\n${output.join('').slice(-3_000)}`);
      try {
        return (await fetch(`${options.url}/healthz`)).ok;
      } catch {
        return false;
      }
    },
    {
      timeoutMs: options.readyTimeoutMs ?? 30_000,
      intervalMs: 100,
      what: 'the bridge process to answer /healthz',
    },
  );
  return {
    child,
    url: options.url,
    output,
    exited,
    async kill(signal: NodeJS.Signals = 'SIGKILL') {
      if (exitCode === undefined) child.kill(signal);
      return exited;
    },
  };
}
