import { ChildProcess, spawn } from 'node:child_process';
import { request } from 'node:https';
import { createInterface } from 'node:readline';
import { RkeeperEndpoint } from './config';
import { ROOT } from './processes';

export interface RkeeperProcess {
  pid: number;
  endpoint: RkeeperEndpoint;
  /** The simulator's control API (`/__control/...`). */
  control<T>(method: string, path: string, body?: unknown): Promise<T>;
  requestCounts(): Promise<Record<string, number>>;
  stop(): Promise<void>;
}

/** The r_keeper simulator as its own process, so its XML work never shares an event loop with the measured side. */
export async function startRkeeperProcess(script: string, tables: number): Promise<RkeeperProcess> {
  const child: ChildProcess = spawn(process.execPath, [script, '--tables', String(tables)], {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const first = await new Promise<string>((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`r_keeper simulator exited with ${code}`)));
    createInterface({ input: child.stdout ?? process.stdin }).once('line', resolve);
  });
  child.stdout?.resume();
  const info = JSON.parse(first) as {
    url: string;
    controlUrl: string;
    tlsFingerprint: string;
    username: string;
    password: string;
  };
  const control = <T>(method: string, path: string, body?: unknown) =>
    new Promise<T>((resolve, reject) => {
      const payload = body === undefined ? undefined : Buffer.from(JSON.stringify(body));
      const req = request(
        `${info.controlUrl}${path}`,
        {
          method,
          rejectUnauthorized: false,
          headers: payload ? { 'content-type': 'application/json', 'content-length': payload.length } : {},
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (chunk: Buffer) => chunks.push(chunk));
          res.on('end', () => {
            const text = Buffer.concat(chunks).toString('utf8');
            if ((res.statusCode ?? 500) >= 300)
              reject(new Error(`${method} ${path}: ${res.statusCode} ${text}`));
            else resolve(JSON.parse(text) as T);
          });
        },
      );
      req.on('error', reject);
      req.end(payload);
    });
  return {
    pid: child.pid ?? 0,
    endpoint: {
      url: info.url,
      username: info.username,
      password: info.password,
      fingerprint: info.tlsFingerprint,
    },
    control,
    requestCounts: async () =>
      (await control<{ requests: Record<string, number> }>('GET', '/stats')).requests,
    async stop() {
      if (child.exitCode !== null) return;
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await exited;
    },
  };
}
