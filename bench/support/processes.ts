import { ChildProcess, spawn } from 'node:child_process';
import { closeSync, openSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

export const ROOT = join(__dirname, '..', '..');

export interface ServiceProcess {
  child: ChildProcess;
  pid: number;
  url: string;
  logFile: string;
  /** Resident set size now, MB. */
  rssMb(): number;
  /** The highest resident set size so far (the kernel's VmHWM), MB. */
  peakRssMb(): number;
  cpuMs(): number;
  stop(): Promise<void>;
}

/** VmRSS / VmHWM of a live process, in MB. */
export function memoryOf(pid: number): { rssMb: number; peakMb: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (name: string) => Number(new RegExp(`^${name}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? NaN);
  return { rssMb: kb('VmRSS') / 1024, peakMb: kb('VmHWM') / 1024 };
}

const CLOCK_TICKS_PER_SECOND = 100;

/** User + system CPU time a process has used so far, in milliseconds (10 ms resolution). */
export function cpuMsOf(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / CLOCK_TICKS_PER_SECOND;
}

/**
 * `BENCH_CPU_PROFILE_DIR=/some/dir npm run bench …` writes a V8 CPU profile of each measured bridge process
 * there (open it in Chrome DevTools): how the limits in docs/performance.md were found.
 */
export function cpuProfileArgs(name: string): string[] {
  const dir = process.env.BENCH_CPU_PROFILE_DIR;
  return dir
    ? ['--cpu-prof', `--cpu-prof-dir=${dir}`, `--cpu-prof-name=${name}-${Date.now()}.cpuprofile`]
    : [];
}

/**
 * A bundled entry point (see build.ts) as its own OS process, its output in a file so the load generator
 * never reads it; ready when `readyPath` answers 2xx.
 */
export async function startService(options: {
  script: string;
  url: string;
  readyPath: string;
  logFile: string;
  env?: NodeJS.ProcessEnv;
  args?: string[];
  nodeArgs?: string[];
  readyTimeoutMs?: number;
}): Promise<ServiceProcess> {
  const log = openSync(options.logFile, 'a');
  const child = spawn(
    process.execPath,
    [...(options.nodeArgs ?? []), options.script, ...(options.args ?? [])],
    {
      cwd: ROOT,
      env: { ...process.env, ...options.env },
      stdio: ['ignore', log, log],
    },
  );
  closeSync(log);
  let exitCode: number | null | undefined;
  const exited = new Promise<void>((resolve) =>
    child.once('exit', (code) => {
      exitCode = code;
      resolve();
    }),
  );
  const deadline = Date.now() + (options.readyTimeoutMs ?? 60_000);
  for (;;) {
    if (exitCode !== undefined) {
      throw new Error(`${options.script} exited with ${exitCode}:\n${tail(options.logFile)}`);
    }
    const ready = await fetch(`${options.url}${options.readyPath}`).then(
      (response) => response.ok,
      () => false,
    );
    if (ready) break;
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`${options.script} did not become ready:\n${tail(options.logFile)}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  const pid = child.pid ?? 0;
  return {
    child,
    pid,
    url: options.url,
    logFile: options.logFile,
    rssMb: () => memoryOf(pid).rssMb,
    peakRssMb: () => memoryOf(pid).peakMb,
    cpuMs: () => cpuMsOf(pid),
    async stop() {
      if (exitCode !== undefined) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(timer);
    },
  };
}

function tail(file: string): string {
  try {
    return readFileSync(file, 'utf8').slice(-3_000);
  } catch {
    return '';
  }
}

/** Samples a process's RSS every `intervalMs` until stopped; returns the highest sample. */
export function sampleRss(pid: number, intervalMs = 100): { stop(): number } {
  let highest = 0;
  const take = () => {
    try {
      highest = Math.max(highest, memoryOf(pid).rssMb);
    } catch {
      // The process has exited: keep what was seen.
    }
  };
  take();
  const timer = setInterval(take, intervalMs);
  return {
    stop() {
      clearInterval(timer);
      take();
      return highest;
    },
  };
}
