import { mkdtempSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FiasSimulator, InvoiceboxSandbox, RkeeperSimulator } from '@bridge/simulators';
import { BridgeProcess, spawnBridge } from '../support/bridge-process';
import { freePort } from '../support/free-port';
import { CAFE_MERCHANT, HOTEL_MERCHANT, STACK_ADMIN_TOKEN } from '../support/stack';

export const INVOICEBOX_CURRENCY = 1030240;

export interface ClusterOptions {
  processes: number;
  databaseUrl: string;
  sandbox: InvoiceboxSandbox;
  rkeeper: RkeeperSimulator;
  /** Put something (a recorder) between each bridge and r_keeper; same certificate. */
  rkeeperUrlFor?: (index: number) => string;
  /** Adds the FIAS hotel `hotel-1`. */
  fias?: FiasSimulator;
  settlement?: { leaseMs?: number; maxAttempts?: number; baseDelayMs?: number; maxDelayMs?: number };
  rkeeperTimeoutMs?: number;
  /** Per process, so that tests can keep their timers out of step. */
  syncIntervalSeconds?: number | ((index: number) => number);
  invoiceboxPollIntervalSeconds?: number;
  invoiceboxTimeoutMs?: number;
  logLevel?: string;
}

export interface Member {
  index: number;
  url: string;
  configPath: string;
  process?: BridgeProcess;
  /** Answering /healthz and not being killed. */
  ready: boolean;
  starts: number;
}

/**
 * Several bridge processes (real OS processes, from the sources) on one database, behind a load balancer
 * that stands for the deployment's reverse proxy: webhooks and API calls go to a random live process.
 */
export class BridgeCluster {
  readonly members: Member[];
  private constructor(
    readonly publicUrl: string,
    private readonly balancer: http.Server,
    members: Member[],
  ) {
    this.members = members;
  }

  static async start(options: ClusterOptions, startProcesses = true): Promise<BridgeCluster> {
    const balancerPort = await freePort();
    const publicUrl = `http://127.0.0.1:${balancerPort}`;
    const dir = mkdtempSync(join(tmpdir(), 'bridge-cluster-'));
    const members: Member[] = [];
    for (let index = 0; index < options.processes; index++) {
      const port = await freePort();
      const configPath = join(dir, `bridge-${index}.yaml`);
      writeFileSync(configPath, configYaml(options, { index, port, publicUrl, dir }));
      members.push({ index, url: `http://127.0.0.1:${port}`, configPath, ready: false, starts: 0 });
    }
    const balancer = http.createServer((request, response) => {
      const live = members.filter((m) => m.ready);
      const target = live[Math.floor(Math.random() * live.length)];
      if (!target) {
        response.writeHead(502).end();
        return;
      }
      forward(target.url, request, response);
    });
    await new Promise<void>((resolve) => balancer.listen(balancerPort, '127.0.0.1', resolve));
    const cluster = new BridgeCluster(publicUrl, balancer, members);
    // All at once on an empty database: they take turns at the migrations (an advisory lock).
    if (startProcesses) await Promise.all(members.map((m) => cluster.startMember(m.index)));
    return cluster;
  }

  async startMember(index: number): Promise<Member> {
    const member = this.members[index];
    member.process = await spawnBridge({
      configPath: member.configPath,
      url: member.url,
      readyTimeoutMs: 60_000,
    });
    member.starts += 1;
    member.ready = true;
    return member;
  }

  async kill(index: number): Promise<void> {
    const member = this.members[index];
    member.ready = false;
    await member.process?.kill('SIGKILL');
    member.process = undefined;
  }

  /** The member whose bridge process has this pid (lease owners name their pid). */
  memberOfPid(pid: number): Member | undefined {
    return this.members.find((m) => m.process?.child.pid === pid);
  }

  alive(): Member[] {
    return this.members.filter((m) => m.ready);
  }

  async close(): Promise<void> {
    await Promise.all(this.members.map((m) => this.kill(m.index)));
    this.balancer.closeAllConnections();
    await new Promise<void>((resolve) => this.balancer.close(() => resolve()));
  }

  /** An operator API call through the balancer. */
  async api<T>(method: 'GET' | 'POST', path: string): Promise<{ status: number; body: T }> {
    const response = await fetch(`${this.publicUrl}${path}`, {
      method,
      headers: { Authorization: `Bearer ${STACK_ADMIN_TOKEN}` },
      signal: AbortSignal.timeout(15_000),
    });
    const text = await response.text();
    return { status: response.status, body: (text ? JSON.parse(text) : null) as T };
  }
}

/** The pid in a lease owner (`host:pid:random`). */
export function pidOfOwner(owner: string | undefined): number | undefined {
  const pid = owner?.split(':')[1];
  return pid ? Number(pid) : undefined;
}

function forward(base: string, request: http.IncomingMessage, response: http.ServerResponse): void {
  const target = new URL(base);
  const upstream = http.request(
    {
      host: target.hostname,
      port: target.port,
      method: request.method,
      path: request.url,
      headers: request.headers,
      agent: false,
    },
    (answer) => {
      response.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(response);
    },
  );
  upstream.on('error', () => {
    if (!response.headersSent) response.writeHead(502).end();
    else response.destroy();
  });
  request.pipe(upstream);
}

function configYaml(
  options: ClusterOptions,
  at: { index: number; port: number; publicUrl: string; dir: string },
): string {
  const { sandbox, rkeeper, fias } = options;
  const settlement = {
    maxAttempts: 20,
    baseDelayMs: 100,
    maxDelayMs: 2_000,
    leaseMs: 5_000,
    ...options.settlement,
  };
  const syncSeconds =
    typeof options.syncIntervalSeconds === 'function'
      ? options.syncIntervalSeconds(at.index)
      : (options.syncIntervalSeconds ?? 1);
  const hotel = fias
    ? `
  - id: hotel-1
    kind: fias
    name: Hotel
    merchant: { merchantId: "${HOTEL_MERCHANT.merchantId}", apiToken: "${HOTEL_MERCHANT.token}", notificationKey: "${HOTEL_MERCHANT.notificationKey}" }
    fias:
      host: ${fias.host}
      port: ${fias.port}
      workstation: BRIDGE1
      salesOutlet: 10
      paymentMethod: IBOX
      transactionCode: "9010"
      answerTimeoutMs: 1000
      postingTimeoutMs: 1000
      nightAuditRetrySeconds: 1
      postingNumberFile: "${join(at.dir, 'fias-posting-numbers.json')}"
    pollIntervalSeconds: 1`
    : '';
  return `
logLevel: ${options.logLevel ?? (process.env.BRIDGE_TEST_LOGS ? 'info' : 'warn')}
server: { port: ${at.port}, host: 127.0.0.1, publicUrl: "${at.publicUrl}", adminToken: ${STACK_ADMIN_TOKEN} }
database: { url: "${options.databaseUrl}" }
invoicebox:
  apiUrl: "${sandbox.url}"
  notifications: webhook
  pollIntervalSeconds: ${options.invoiceboxPollIntervalSeconds ?? 2}
  pollBudget: 20
  timeoutMs: ${options.invoiceboxTimeoutMs ?? 3000}
settlement: { maxAttempts: ${settlement.maxAttempts}, baseDelayMs: ${settlement.baseDelayMs}, maxDelayMs: ${settlement.maxDelayMs}, leaseMs: ${settlement.leaseMs} }
reconciliation: { enabled: false, reportsDir: "${join(at.dir, 'reports')}" }
sites:
  - id: cafe-1
    kind: rkeeper
    name: Cafe
    merchant: { merchantId: "${CAFE_MERCHANT.merchantId}", apiToken: "${CAFE_MERCHANT.token}", notificationKey: "${CAFE_MERCHANT.notificationKey}" }
    rkeeper:
      url: "${options.rkeeperUrlFor?.(at.index) ?? rkeeper.url}"
      username: "${rkeeper.username}"
      password: "${rkeeper.password}"
      tlsFingerprint: "${rkeeper.certificateFingerprint}"
      paymentCurrencyId: ${INVOICEBOX_CURRENCY}
      prepayReasonId: 5
      stationCode: 1
      cashierCode: 5
      timeoutMs: ${options.rkeeperTimeoutMs ?? 1500}
    pollIntervalSeconds: ${syncSeconds}${hotel}
`;
}
