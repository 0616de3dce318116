import { IncomingMessage, Server, ServerResponse, createServer } from 'node:http';
import { AddressInfo } from 'node:net';
import { FiasSimFolioItemSeed, FiasSimReservationSeed, FiasSimulatorControlError } from './fias-hotel';
import type { FiasSimulatorControl } from './fias-simulator';

export interface FiasControlServer {
  readonly url: string;
  close(): Promise<void>;
}

type Body = Record<string, unknown>;
type Handler = (params: string[], body: Body) => unknown;

const MAX_BODY_BYTES = 64 * 1024;

function bad(message: string): FiasSimulatorControlError {
  return new FiasSimulatorControlError(message, 400);
}

function str(body: Body, key: string): string {
  const value = body[key];
  if (typeof value !== 'string' || value === '') throw bad(`${key} must be a non-empty string`);
  return value;
}

function optStr(body: Body, key: string): string | undefined {
  return body[key] === undefined ? undefined : str(body, key);
}

function int(body: Body, key: string): number {
  const value = body[key];
  if (typeof value !== 'number' || !Number.isSafeInteger(value)) throw bad(`${key} must be an integer`);
  return value;
}

function optInt(body: Body, key: string): number | undefined {
  return body[key] === undefined || body[key] === null ? undefined : int(body, key);
}

function optBool(body: Body, key: string): boolean | undefined {
  const value = body[key];
  if (value === undefined) return undefined;
  if (typeof value !== 'boolean') throw bad(`${key} must be a boolean`);
  return value;
}

function bool(body: Body, key: string): boolean {
  const value = optBool(body, key);
  if (value === undefined) throw bad(`${key} is required`);
  return value;
}

function item(body: Body): FiasSimFolioItemSeed {
  return {
    window: optInt(body, 'window'),
    department: str(body, 'department'),
    description: str(body, 'description'),
    amount: int(body, 'amount'),
    date: optStr(body, 'date'),
    time: optStr(body, 'time'),
    display: optBool(body, 'display'),
  };
}

function reservation(body: Body): FiasSimReservationSeed {
  const items = body.items;
  if (items !== undefined && !Array.isArray(items)) throw bad('items must be an array');
  return {
    reservation: str(body, 'reservation'),
    room: str(body, 'room'),
    guestName: str(body, 'guestName'),
    language: optStr(body, 'language'),
    vip: optStr(body, 'vip'),
    arrival: optStr(body, 'arrival'),
    departure: optStr(body, 'departure'),
    noPost: optBool(body, 'noPost'),
    creditLimit: optInt(body, 'creditLimit'),
    items: (items ?? []).map((entry: unknown) => item(asBody(entry))),
  };
}

function asBody(value: unknown): Body {
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    throw bad('Expected a JSON object');
  return Object.fromEntries(Object.entries(value));
}

function stringList(body: Body, key: string): string[] | undefined {
  const value = body[key];
  if (value === undefined) return undefined;
  if (!Array.isArray(value) || !value.every((entry) => typeof entry === 'string')) {
    throw bad(`${key} must be an array of strings`);
  }
  return value.map(String);
}

function routes(control: FiasSimulatorControl): Array<[string, RegExp, Handler]> {
  return [
    ['GET', /^\/state$/, () => control.state()],
    ['GET', /^\/traffic$/, () => control.traffic()],
    ['GET', /^\/folios\/([^/]+)$/, ([id]) => control.folio(id)],
    ['POST', /^\/folios\/([^/]+)\/items$/, ([id], body) => control.addFolioItem(id, item(body))],
    ['POST', /^\/guests$/, (_, body) => control.checkIn(reservation(body))],
    ['POST', /^\/guests\/([^/]+)\/check-out$/, ([id]) => control.checkOut(id)],
    ['POST', /^\/guests\/([^/]+)\/move$/, ([id], body) => control.moveRoom(id, str(body, 'room'))],
    ['POST', /^\/guests\/([^/]+)\/no-post$/, ([id], body) => control.setNoPost(id, bool(body, 'noPost'))],
    [
      'POST',
      /^\/guests\/([^/]+)\/credit-limit$/,
      ([id], body) => control.setCreditLimit(id, optInt(body, 'creditLimit')),
    ],
    ['POST', /^\/night-audit\/start$/, () => control.startNightAudit()],
    ['POST', /^\/night-audit\/end$/, () => control.endNightAudit()],
    ['POST', /^\/bill-view$/, (_, body) => control.setBillView(bool(body, 'enabled'))],
    ['POST', /^\/link\/start$/, () => control.sendLinkStart()],
    ['POST', /^\/link\/drop$/, () => control.dropConnection()],
    ['POST', /^\/resync$/, () => control.resync()],
    [
      'POST',
      /^\/faults\/drop-on-next-posting$/,
      (_, body) => control.dropOnNextPosting({ applyFirst: optBool(body, 'applyFirst') }),
    ],
    [
      'POST',
      /^\/faults\/delay-answers$/,
      (_, body) =>
        control.delayAnswers({
          ms: int(body, 'ms'),
          records: stringList(body, 'records'),
          count: optInt(body, 'count'),
        }),
    ],
    ['POST', /^\/faults\/check-out-after-next-inquiry$/, () => control.checkOutAfterNextInquiry()],
  ];
}

async function readBody(request: IncomingMessage): Promise<Body> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request) {
    const buffer = Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk));
    size += buffer.length;
    if (size > MAX_BODY_BYTES) throw bad('Body too large');
    chunks.push(buffer);
  }
  const text = Buffer.concat(chunks).toString('utf8').trim();
  if (text === '') return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw bad('Body is not valid JSON');
  }
  return asBody(parsed);
}

function reply(response: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body ?? { ok: true });
  response.writeHead(status, {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(text),
  });
  response.end(text);
}

export async function startFiasControlServer(
  control: FiasSimulatorControl,
  port: number,
  host: string,
): Promise<FiasControlServer> {
  const table = routes(control);
  const server: Server = createServer((request, response) => {
    void (async () => {
      try {
        const path = new URL(request.url ?? '/', 'http://localhost').pathname;
        for (const [method, pattern, handler] of table) {
          const match = pattern.exec(path);
          if (!match || request.method !== method) continue;
          const body = method === 'POST' ? await readBody(request) : {};
          reply(response, 200, handler(match.slice(1).map(decodeURIComponent), body));
          return;
        }
        reply(response, 404, { error: `No route ${request.method} ${path}` });
      } catch (error) {
        if (error instanceof FiasSimulatorControlError)
          reply(response, error.status, { error: error.message });
        else reply(response, 500, { error: error instanceof Error ? error.message : String(error) });
      }
    })();
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address() as AddressInfo;
  return {
    url: `http://${host}:${address.port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
