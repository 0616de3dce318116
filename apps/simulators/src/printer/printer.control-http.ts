import * as http from 'node:http';
import { AddressInfo } from 'node:net';
import { EscPosCommand, HEALTHY_PRINTER, PrinterCondition, rasterToPng } from '@bridge/receipts';
import type { CapturedPrintJob, PrinterSimulator } from './printer.simulator';

export interface PrinterControlHttp {
  url: string;
  close(): Promise<void>;
}

interface Reply {
  status: number;
  body?: unknown;
  binary?: { contentType: string; data: Buffer };
}

class BadRequest extends Error {}

// For tests in other processes and the demo: GET /jobs, /jobs/next?timeoutMs=, /jobs/:id, /jobs/:id/raw,
// /jobs/:id/images/:n.png; DELETE /jobs; GET|POST /control; POST /control/reset; GET /healthz.
export async function startPrinterControlHttp(
  simulator: PrinterSimulator,
  host: string,
  port: number,
): Promise<PrinterControlHttp> {
  const server = http.createServer((request, response) => {
    void handle(simulator, request)
      .catch((error: unknown): Reply => {
        if (error instanceof BadRequest) return { status: 400, body: { error: error.message } };
        return { status: 500, body: { error: error instanceof Error ? error.message : String(error) } };
      })
      .then((reply) => send(response, reply));
  });
  await new Promise<void>((resolve) => server.listen(port, host, resolve));
  const address = server.address() as AddressInfo;
  return {
    url: `http://${host.includes(':') ? `[${host}]` : host}:${address.port}`,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

async function handle(simulator: PrinterSimulator, request: http.IncomingMessage): Promise<Reply> {
  const url = new URL(request.url ?? '/', 'http://printer');
  const path = url.pathname.replace(/\/+$/, '') || '/';
  const method = request.method ?? 'GET';
  const jobRoute = /^\/jobs\/(\d+)(?:\/(raw|images\/(\d+)\.png))?$/.exec(path);

  if (method === 'GET' && path === '/healthz') return { status: 200, body: { ok: true } };
  if (method === 'GET' && path === '/jobs')
    return { status: 200, body: { jobs: simulator.jobs().map(jobSummary) } };
  if (method === 'DELETE' && path === '/jobs') {
    simulator.clear();
    return { status: 204 };
  }
  if (method === 'GET' && path === '/jobs/next') {
    const timeoutMs = Number(url.searchParams.get('timeoutMs') ?? '5000');
    if (!Number.isInteger(timeoutMs) || timeoutMs < 0 || timeoutMs > 600_000) {
      throw new BadRequest('timeoutMs must be a whole number of milliseconds up to 600000');
    }
    return simulator.waitForJob(timeoutMs).then(
      (job) => ({ status: 200, body: jobSummary(job) }),
      (error: Error) => ({ status: 408, body: { error: error.message } }),
    );
  }
  if (method === 'GET' && jobRoute) {
    const job = simulator.jobs().find((candidate) => candidate.id === Number(jobRoute[1]));
    if (!job) return { status: 404, body: { error: `No job ${jobRoute[1]}` } };
    if (jobRoute[2] === 'raw')
      return { status: 200, binary: { contentType: 'application/octet-stream', data: job.raw } };
    if (jobRoute[3] !== undefined) {
      const image = job.decoded.images[Number(jobRoute[3])];
      if (!image) return { status: 404, body: { error: `Job ${job.id} has no image ${jobRoute[3]}` } };
      return { status: 200, binary: { contentType: 'image/png', data: rasterToPng(image) } };
    }
    return { status: 200, body: jobDetail(job) };
  }
  if (method === 'GET' && path === '/control') return { status: 200, body: simulator.control.state() };
  if (method === 'POST' && path === '/control') {
    await applyControl(simulator, await readJson(request));
    return { status: 200, body: simulator.control.state() };
  }
  if (method === 'POST' && path === '/control/reset') {
    await simulator.control.reset();
    return { status: 200, body: simulator.control.state() };
  }
  return { status: 404, body: { error: `No route ${method} ${path}` } };
}

async function applyControl(simulator: PrinterSimulator, body: Record<string, unknown>): Promise<void> {
  const known = new Set(['refuseConnections', 'stall', 'dropMidJob', 'condition']);
  const unknown = Object.keys(body).filter((key) => !known.has(key));
  if (unknown.length > 0) throw new BadRequest(`Unknown control fields: ${unknown.join(', ')}`);
  const { refuseConnections, stall, dropMidJob, condition } = body;
  if (refuseConnections !== undefined && typeof refuseConnections !== 'boolean') {
    throw new BadRequest('refuseConnections must be a boolean');
  }
  if (stall !== undefined && typeof stall !== 'boolean') throw new BadRequest('stall must be a boolean');
  const drop = dropMidJob === undefined || dropMidJob === null ? dropMidJob : parseDrop(dropMidJob);
  const conditionChange = condition === undefined ? undefined : parseCondition(condition);

  if (stall !== undefined) simulator.control.stall(stall);
  if (drop === null) simulator.control.dropMidJob(null);
  else if (drop) simulator.control.dropMidJob(drop.afterBytes, drop.connections);
  if (conditionChange) simulator.control.setCondition(conditionChange);
  if (refuseConnections !== undefined) await simulator.control.refuseConnections(refuseConnections);
}

function parseDrop(value: unknown): { afterBytes: number; connections: number } {
  if (!isRecord(value))
    throw new BadRequest('dropMidJob must be {"afterBytes": n, "connections"?: n} or null');
  const { afterBytes, connections = 1 } = value;
  if (!isCount(afterBytes) || !isCount(connections)) {
    throw new BadRequest('dropMidJob.afterBytes and dropMidJob.connections must be whole numbers >= 0');
  }
  return { afterBytes, connections };
}

function parseCondition(value: unknown): Partial<PrinterCondition> {
  if (!isRecord(value)) throw new BadRequest('condition must be an object');
  const change: Partial<PrinterCondition> = {};
  for (const [key, flag] of Object.entries(value)) {
    if (!Object.prototype.hasOwnProperty.call(HEALTHY_PRINTER, key) || typeof flag !== 'boolean') {
      throw new BadRequest(`condition.${key} is not a boolean printer condition`);
    }
    change[key as keyof PrinterCondition] = flag;
  }
  return change;
}

function jobSummary(job: CapturedPrintJob) {
  return {
    id: job.id,
    receivedAt: job.receivedAt.toISOString(),
    remoteAddress: job.remoteAddress,
    endedBy: job.endedBy,
    complete: job.complete,
    bytes: job.raw.length,
    qrPayloads: job.qrPayloads,
    text: job.text,
    cuts: job.decoded.cuts,
    images: job.decoded.images.map((image, index) => ({
      index,
      widthDots: image.widthDots,
      height: image.height,
      png: `/jobs/${job.id}/images/${index}.png`,
    })),
    warnings: job.decoded.warnings,
  };
}

function jobDetail(job: CapturedPrintJob) {
  return {
    ...jobSummary(job),
    lines: job.decoded.lines,
    qrCodes: job.decoded.qrCodes.map(({ data: _data, ...qr }) => qr),
    commands: job.decoded.commands.map(commandJson),
    raw: job.raw.toString('base64'),
  };
}

function commandJson(command: EscPosCommand): unknown {
  switch (command.type) {
    case 'raster':
      return { type: 'raster', widthDots: command.image.widthDots, height: command.image.height };
    case 'qr': {
      const { data: _data, ...qr } = command;
      return qr;
    }
    case 'other':
    case 'unknown':
    case 'truncated':
      return { ...command, bytes: command.bytes.toString('hex') };
    default:
      return command;
  }
}

async function readJson(request: http.IncomingMessage): Promise<Record<string, unknown>> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  const text = Buffer.concat(chunks).toString('utf8').trim();
  if (!text) return {};
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new BadRequest('Body is not valid JSON');
  }
  if (!isRecord(value)) throw new BadRequest('Body must be a JSON object');
  return value;
}

function send(response: http.ServerResponse, reply: Reply): void {
  if (reply.binary) {
    response.writeHead(reply.status, { 'content-type': reply.binary.contentType });
    response.end(reply.binary.data);
    return;
  }
  if (reply.body === undefined) {
    response.writeHead(reply.status).end();
    return;
  }
  response.writeHead(reply.status, { 'content-type': 'application/json; charset=utf-8' });
  response.end(JSON.stringify(reply.body));
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isCount(value: unknown): value is number {
  return typeof value === 'number' && Number.isInteger(value) && value >= 0;
}
