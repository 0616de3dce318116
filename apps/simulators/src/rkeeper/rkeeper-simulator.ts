import {
  RK7_STATUS_OK,
  RkeeperRequestEncoding,
  XmlElement,
  attr,
  buildOrderChangeEvent,
  buildXml,
  decodeXmlBody,
  element,
  encodeXml,
  parseXml,
} from '@bridge/rkeeper';
import { X509Certificate, randomUUID, timingSafeEqual } from 'node:crypto';
import * as http from 'node:http';
import * as https from 'node:https';
import { AddressInfo } from 'node:net';
import { generate } from 'selfsigned';
import {
  SIM_WRITE_COMMANDS,
  RkeeperSimCommands,
  SimCommandOutcome,
  SimLicenseRule,
} from './rkeeper-sim.commands';
import { RkeeperSimControl, SimOrderSnapshot } from './rkeeper-sim.control';
import { CONTROL_PREFIX, handleControl } from './rkeeper-sim.control-http';
import { SimFaultPlan, SimFaultRule } from './rkeeper-sim.faults';
import { SimNotifier, SimNotifierStats } from './rkeeper-sim.notifier';
import { RkeeperSimulatorSeed, defaultSeed } from './rkeeper-sim.seed';
import { RkeeperSimState } from './rkeeper-sim.state';
import { SIM_SERVER_VERSION, SIM_XML_VERSION, queryResult, rkDateTime } from './rkeeper-sim.xml';

export const RKEEPER_XML_PATH = '/rk7api/v0/xmlinterface.xml';

export interface RkeeperSimulatorOptions {
  port?: number;
  host?: string;
  username?: string;
  password?: string;
  tls?: { key: string; cert: string };
  notifyUrl?: string;
  notifyQueueSize?: number;
  notifyRetryDelayMs?: number;
  seed?: Partial<RkeeperSimulatorSeed>;
  tableCount?: number;
  /** Require LicenseInfo with a growing seqNumber on SaveOrder/PayOrder; optionally a given anchor/token. */
  enforceLicense?: boolean | SimLicenseRule;
  clock?: () => Date;
  /** r_keeper answers UTF-8; windows-1251 is here to exercise clients. */
  responseEncoding?: RkeeperRequestEncoding;
  randomSeed?: number;
  maxBodyBytes?: number;
}

export interface RkeeperSimulatorStateView {
  order(guid: string): SimOrderSnapshot;
  orders(filter?: { open?: boolean }): SimOrderSnapshot[];
  requestCounts(): Record<string, number>;
  notifications(): SimNotifierStats | undefined;
  pendingFaults(): SimFaultRule[];
}

export interface RkeeperSimulator {
  url: string;
  baseUrl: string;
  host: string;
  port: number;
  username: string;
  password: string;
  certificateFingerprint: string;
  certificatePem: string;
  control: RkeeperSimControl;
  state: RkeeperSimulatorStateView;
  close(): Promise<void>;
}

let defaultCertificate: Promise<{ key: string; cert: string }> | undefined;

/** One EC certificate per process: generating is cheap, but tests start many simulators. */
export function selfSignedCertificate(commonName = 'localhost'): Promise<{ key: string; cert: string }> {
  const create = async () => {
    const pems = await generate([{ name: 'commonName', value: commonName }], {
      keyType: 'ec',
      curve: 'P-256',
      algorithm: 'sha256',
      notAfterDate: new Date(Date.now() + 5 * 365 * 24 * 3600 * 1000),
      extensions: [
        { name: 'basicConstraints', cA: false },
        { name: 'keyUsage', digitalSignature: true, keyEncipherment: true },
        { name: 'extKeyUsage', serverAuth: true },
        {
          name: 'subjectAltName',
          altNames: [
            { type: 2, value: commonName },
            { type: 7, ip: '127.0.0.1' },
            { type: 7, ip: '::1' },
          ],
        },
      ],
    });
    return { key: pems.private, cert: pems.cert };
  };
  if (commonName !== 'localhost') return create();
  defaultCertificate ??= create();
  return defaultCertificate;
}

function credentialsMatch(header: string | undefined, username: string, password: string): boolean {
  const match = /^Basic\s+(.+)$/i.exec(header ?? '');
  if (!match) return false;
  const given = Buffer.from(match[1], 'base64');
  const expected = Buffer.from(`${username}:${password}`, 'utf8');
  return given.length === expected.length && timingSafeEqual(given, expected);
}

function readBody(req: http.IncomingMessage, limit: number): Promise<Buffer | undefined> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        resolve(undefined);
        req.destroy();
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

interface ParsedQuery {
  mode: 'single' | 'batch' | 'batch2';
  commands: XmlElement[];
  text: string;
}

function parseQuery(body: Buffer, contentType: string | undefined): ParsedQuery | undefined {
  try {
    const text = decodeXmlBody(body, contentType).text;
    const root = parseXml(text);
    if (root.name !== 'RK7Query') return undefined;
    const single = root.children.filter((c) => c.name === 'RK7CMD');
    if (single.length === 1) return { mode: 'single', commands: single, text };
    const batch = root.children.filter((c) => c.name === 'RK7Command');
    if (batch.length > 0) return { mode: 'batch', commands: batch, text };
    const batch2 = root.children.filter((c) => c.name === 'RK7Command2');
    if (batch2.length > 0) return { mode: 'batch2', commands: batch2, text };
    return undefined;
  } catch {
    return undefined;
  }
}

export async function startRkeeperSimulator(
  options: RkeeperSimulatorOptions = {},
): Promise<RkeeperSimulator> {
  const clock = options.clock ?? (() => new Date());
  const username = options.username ?? 'HTTPUSER';
  const password = options.password ?? 'http';
  const responseEncoding = options.responseEncoding ?? 'utf-8';
  const maxBodyBytes = options.maxBodyBytes ?? 10 * 1024 * 1024;
  const tls = options.tls ?? (await selfSignedCertificate());
  const seed: RkeeperSimulatorSeed = { ...defaultSeed(options.tableCount ?? 30), ...options.seed };
  const state = new RkeeperSimState(seed, clock);
  const faults = new SimFaultPlan();
  const counts = new Map<string, number>();
  const license = options.enforceLicense === true ? {} : options.enforceLicense || undefined;
  const commands = new RkeeperSimCommands(state, clock, license);
  const notifier = options.notifyUrl
    ? new SimNotifier({
        url: options.notifyUrl,
        capacity: options.notifyQueueSize ?? 256,
        retryDelayMs: options.notifyRetryDelayMs ?? 250,
        timeoutMs: 2_000,
      })
    : undefined;
  const control = new RkeeperSimControl(
    state,
    faults,
    counts,
    () => notifier?.snapshot(),
    options.randomSeed ?? 7,
  );
  const eventGuid = `{${randomUUID().toUpperCase()}}`;
  let eventSeq = 0;
  state.onChange = (order) => {
    if (!notifier) return;
    eventSeq += 1;
    notifier.enqueue(
      buildOrderChangeEvent({
        restCode: seed.restaurant.restCode,
        dateTime: rkDateTime(clock()),
        seqNumber: eventSeq,
        eventGuid,
        orders: [
          { guid: order.guid, visit: order.visit, orderIdent: order.orderIdent, version: order.version },
        ],
      }),
    );
  };

  const timers = new Set<NodeJS.Timeout>();
  const delay = (ms: number) =>
    new Promise<void>((resolve) => {
      const timer = setTimeout(() => {
        timers.delete(timer);
        resolve();
      }, ms);
      timers.add(timer);
    });

  const send = (res: http.ServerResponse, body: Buffer): void => {
    if (res.destroyed || res.writableEnded) return;
    res.writeHead(200, {
      'Content-Type': `application/xml; charset=${responseEncoding}`,
      'Content-Length': body.length,
    });
    res.end(body);
  };
  const encode = (root: XmlElement): Buffer => encodeXml(buildXml(root, responseEncoding), responseEncoding);
  const answer = (res: http.ServerResponse, root: XmlElement): void => send(res, encode(root));

  const resultRoot = (
    cmdName: string | undefined,
    started: number,
    outcome: Omit<SimCommandOutcome, 'payload'>,
    payload: XmlElement[],
    processed: number,
  ) =>
    queryResult(
      {
        ServerVersion: SIM_SERVER_VERSION,
        XmlVersion: SIM_XML_VERSION,
        NetName: 'RK7SIM',
        Status: outcome.status,
        CMD: cmdName,
        ErrorText: outcome.errorText,
        RK7ErrorN: outcome.rk7ErrorN,
        DateTime: rkDateTime(clock()),
        WorkTime: String(Date.now() - started),
        Processed: String(processed),
        ...outcome.resultAttrs,
      },
      payload,
    );

  // Benchmarks poll 5,000 orders: the serialized list is kept until the next change (its DateTime goes stale).
  let orderListBody: { key: string; body: Buffer } | undefined;

  const execute = (query: ParsedQuery, started: number): XmlElement => {
    if (query.mode === 'single') {
      const cmd = query.commands[0];
      const outcome = commands.execute(cmd);
      return resultRoot(
        attr(cmd, 'CMD'),
        started,
        outcome,
        outcome.payload,
        outcome.status === RK7_STATUS_OK ? 1 : 0,
      );
    }
    const results = query.commands.map((cmd) => {
      const began = Date.now();
      const outcome = commands.execute(cmd);
      const echo = query.mode === 'batch2' ? [cmd] : [];
      return element(
        'CommandResult',
        {
          CMD: attr(cmd, 'CMD'),
          Status: outcome.status,
          ErrorText: outcome.errorText,
          RK7ErrorN: outcome.rk7ErrorN,
          DateTime: rkDateTime(clock()),
          WorkTime: Date.now() - began,
          ...outcome.resultAttrs,
        },
        [...echo, ...outcome.payload],
      );
    });
    return resultRoot(undefined, started, { status: RK7_STATUS_OK, errorText: '' }, results, results.length);
  };

  const handleXml = async (req: http.IncomingMessage, res: http.ServerResponse): Promise<void> => {
    const started = Date.now();
    const body = await readBody(req, maxBodyBytes);
    if (!body) {
      res.writeHead(413).end();
      return;
    }
    const query = parseQuery(body, req.headers['content-type']);
    const cmdNames = query ? query.commands.map((c) => attr(c, 'CMD') ?? '?') : ['?'];
    for (const name of cmdNames) counts.set(name, (counts.get(name) ?? 0) + 1);
    const fault = faults.take(query ? cmdNames[0] : undefined);
    if (fault?.kind === 'unauthorized' || !credentialsMatch(req.headers.authorization, username, password)) {
      res.writeHead(401, { 'WWW-Authenticate': 'Basic realm="RK7"', 'Content-Length': 0 }).end();
      return;
    }
    if (!query) {
      const outcome = { status: 'Query Parse Error', errorText: 'Ошибка разбора XML-запроса' };
      answer(res, resultRoot(undefined, started, outcome, [], 0));
      return;
    }
    const isWrite = cmdNames.some((n) => SIM_WRITE_COMMANDS.has(n.toLowerCase()));
    if (!fault) {
      if (query.mode === 'single' && cmdNames[0] === 'GetOrderList') {
        const key = `${state.stamp}|${query.text}`;
        if (orderListBody?.key !== key) orderListBody = { key, body: encode(execute(query, started)) };
        send(res, orderListBody.body);
        return;
      }
      answer(res, execute(query, started));
      return;
    }
    switch (fault.kind) {
      case 'fail': {
        const outcome = {
          status: fault.status ?? 'Query Executing Error',
          errorText: fault.errorText ?? '',
          rk7ErrorN: fault.rk7ErrorN,
        };
        answer(res, resultRoot(cmdNames[0], started, outcome, [], 0));
        return;
      }
      case 'drop':
        if (fault.applyWrite || !isWrite) execute(query, started);
        req.socket.destroy();
        return;
      case 'malformed': {
        if (fault.applyWrite || !isWrite) execute(query, started);
        const broken = Buffer.from(
          `<?xml version="1.0" encoding="utf-8"?>\n<RK7QueryResult Status="Ok" CMD="${cmdNames[0]}"><Order guid=`,
        );
        res.writeHead(200, {
          'Content-Type': 'application/xml; charset=utf-8',
          'Content-Length': broken.length,
        });
        res.end(broken);
        return;
      }
      case 'stall': {
        if (fault.applyWrite) {
          const root = execute(query, started);
          await delay(fault.ms ?? 0);
          answer(res, root);
          return;
        }
        await delay(fault.ms ?? 0);
        // The client gave up meanwhile: as with a real server, nothing is executed for it.
        if (res.destroyed || req.socket.destroyed) return;
        answer(res, execute(query, started));
        return;
      }
    }
  };

  const handleControlHttp = async (
    req: http.IncomingMessage,
    res: http.ServerResponse,
    url: URL,
  ): Promise<void> => {
    const body = await readBody(req, maxBodyBytes);
    let parsed: unknown;
    try {
      parsed = body && body.length > 0 ? JSON.parse(body.toString('utf8')) : undefined;
    } catch {
      res
        .writeHead(400, { 'Content-Type': 'application/json' })
        .end(JSON.stringify({ error: 'body is not JSON' }));
      return;
    }
    const result = handleControl(control, req.method ?? 'GET', url, parsed);
    const text = JSON.stringify(result.body);
    res.writeHead(result.status, { 'Content-Type': 'application/json; charset=utf-8' }).end(text);
  };

  const server = https.createServer({ key: tls.key, cert: tls.cert }, (req, res) => {
    const url = new URL(req.url ?? '/', 'https://localhost');
    const handler =
      url.pathname === RKEEPER_XML_PATH && req.method === 'POST'
        ? handleXml(req, res)
        : url.pathname.startsWith(CONTROL_PREFIX)
          ? handleControlHttp(req, res, url)
          : Promise.resolve(void res.writeHead(404).end());
    handler.catch((error: unknown) => {
      if (!res.headersSent) res.writeHead(500, { 'Content-Type': 'text/plain' });
      res.end(String(error));
    });
  });

  const host = options.host ?? '127.0.0.1';
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  const urlHost = host.includes(':') ? `[${host}]` : host;
  const baseUrl = `https://${urlHost}:${port}`;

  return {
    url: `${baseUrl}${RKEEPER_XML_PATH}`,
    baseUrl,
    host,
    port,
    username,
    password,
    certificateFingerprint: new X509Certificate(tls.cert).fingerprint256,
    certificatePem: tls.cert,
    control,
    state: {
      order: (guid) => control.order(guid),
      orders: (filter) => control.orders(filter),
      requestCounts: () => control.requestCounts(),
      notifications: () => notifier?.snapshot(),
      pendingFaults: () => control.pendingFaults(),
    },
    close: async () => {
      notifier?.close();
      for (const timer of timers) clearTimeout(timer);
      timers.clear();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    },
  };
}
