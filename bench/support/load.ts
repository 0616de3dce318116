import autocannon from 'autocannon';
import { Percentiles, percentiles } from './stats';

export interface PreparedRequest {
  body: Buffer;
  headers: Record<string, string>;
}

export interface LoadResult {
  connections: number;
  completed: number;
  /** HTTP 200 with the success reply. */
  ok: number;
  /** Any other answer, a socket error or a timeout. */
  errors: number;
  seconds: number;
  ratePerSecond: number;
  latencyMs: Percentiles;
}

export interface LoadRun extends LoadResult {
  latencies: number[];
}

/** Several runs as one: rate over their summed time, percentiles over all their responses. */
export function combineRuns(runs: readonly LoadRun[]): LoadResult {
  const completed = runs.reduce((sum, run) => sum + run.completed, 0);
  const seconds = runs.reduce((sum, run) => sum + run.seconds, 0);
  return {
    connections: runs[0]?.connections ?? 0,
    completed,
    ok: runs.reduce((sum, run) => sum + run.ok, 0),
    errors: runs.reduce((sum, run) => sum + run.errors, 0),
    seconds,
    ratePerSecond: completed / seconds,
    latencyMs: percentiles(runs.flatMap((run) => run.latencies)),
  };
}

/**
 * Sends `amount` POSTs, each with its own prepared body, over `connections` keep-alive connections, and
 * keeps every response time (autocannon's histogram rounds to whole milliseconds).
 */
export function fireLoad(options: {
  url: string;
  path: string;
  connections: number;
  amount: number;
  requests: readonly PreparedRequest[];
  isSuccess: (status: number, body: string) => boolean;
}): Promise<LoadRun> {
  const { requests } = options;
  if (requests.length < options.amount + options.connections * 2) {
    throw new Error(`${requests.length} prepared requests are too few for ${options.amount}`);
  }
  let next = 0;
  let ok = 0;
  let refused = 0;
  const latencies: number[] = [];
  // autocannon notices that `amount` was reached only on its next one-second tick: time the responses instead.
  let started = 0;
  let lastResponse = 0;
  return new Promise((resolve, reject) => {
    const instance = autocannon(
      {
        url: options.url,
        connections: options.connections,
        amount: options.amount,
        timeout: 30,
        method: 'POST',
        requests: [
          {
            method: 'POST',
            path: options.path,
            setupRequest: (request) => {
              if (started === 0) started = performance.now();
              const prepared = requests[next++];
              return { ...request, body: prepared.body, headers: prepared.headers };
            },
            onResponse: (status, body) => {
              if (options.isSuccess(status, body)) ok += 1;
              else refused += 1;
            },
          },
        ],
      },
      (error, result) => {
        if (error) {
          reject(error);
          return;
        }
        const seconds = (lastResponse - started) / 1000;
        const completed = ok + refused;
        resolve({
          connections: options.connections,
          completed,
          ok,
          errors: refused + result.errors + result.timeouts,
          seconds,
          ratePerSecond: completed / seconds,
          latencyMs: percentiles(latencies),
          latencies,
        });
      },
    );
    instance.on('response', (_client: unknown, _status: number, _bytes: number, responseTime: number) => {
      latencies.push(responseTime);
      lastResponse = performance.now();
    });
  });
}
