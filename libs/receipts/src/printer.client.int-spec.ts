import * as net from 'node:net';
import { AddressInfo } from 'node:net';
import { UpstreamOutcomeUnknownError, UpstreamProtocolError, UpstreamUnavailableError } from '@bridge/core';
import { EscPosPrinterClient, PrinterClientOptions } from './printer.client';

interface FakePrinter {
  port: number;
  received: Buffer[];
  connections: number;
  close(): Promise<void>;
}

/** A bare TCP peer whose behaviour per connection the test decides. */
async function fakePrinter(
  onConnection: (socket: net.Socket, index: number) => void,
  serverOptions: net.ServerOpts = {},
): Promise<FakePrinter> {
  const sockets = new Set<net.Socket>();
  const state: FakePrinter = {
    port: 0,
    received: [],
    connections: 0,
    close: () =>
      new Promise((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
  const server = net.createServer(serverOptions, (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => undefined);
    onConnection(socket, state.connections++);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  state.port = (server.address() as AddressInfo).port;
  return state;
}

function collectJob(socket: net.Socket, into: Buffer[]): void {
  const chunks: Buffer[] = [];
  socket.on('data', (chunk: Buffer) => chunks.push(chunk));
  socket.on('end', () => into.push(Buffer.concat(chunks)));
}

const client = (port: number, options: Partial<PrinterClientOptions> = {}): EscPosPrinterClient =>
  new EscPosPrinterClient({ host: '127.0.0.1', port, retryDelayMs: 10, ...options });

describe('EscPosPrinterClient', () => {
  let printer: FakePrinter | undefined;
  afterEach(async () => {
    await printer?.close();
    printer = undefined;
  });

  it('delivers the job byte for byte and is confirmed when the printer closes after reading it', async () => {
    const received: Buffer[] = [];
    printer = await fakePrinter((socket) => collectJob(socket, received));
    const job = Buffer.from(Array.from({ length: 300_000 }, (_, i) => i % 251));
    await expect(client(printer.port).print(job)).resolves.toEqual({
      attempts: 1,
      bytes: job.length,
      confirmed: true,
    });
    expect(received).toEqual([job]);
  });

  it('reports an unconfirmed delivery when the printer keeps the connection open', async () => {
    printer = await fakePrinter((socket) => socket.resume(), { allowHalfOpen: true });
    const sut = client(printer.port, { closeTimeoutMs: 100 });
    await expect(sut.print(Buffer.from('x'))).resolves.toEqual({ attempts: 1, bytes: 1, confirmed: false });
  });

  it('retries a refused connection and then raises UpstreamUnavailableError', async () => {
    const closed = await fakePrinter(() => undefined);
    await closed.close();
    const error = await client(closed.port, { retries: 2 })
      .print(Buffer.from('x'))
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UpstreamUnavailableError);
    expect((error as UpstreamUnavailableError).retryable).toBe(true);
    expect((error as UpstreamUnavailableError).metadata).toMatchObject({
      upstream: 'printer',
      operation: 'print',
      attempts: 3,
      phase: 'connect',
    });
  });

  it('retries after the printer drops the connection mid-job and succeeds on the next attempt', async () => {
    const received: Buffer[] = [];
    printer = await fakePrinter((socket, index) => {
      if (index === 0) socket.once('data', () => socket.resetAndDestroy());
      else collectJob(socket, received);
    });
    const job = Buffer.alloc(64 * 1024, 0x41);
    await expect(client(printer.port).print(job)).resolves.toMatchObject({ attempts: 2, confirmed: true });
    expect(received).toEqual([job]);
  });

  it('raises UpstreamOutcomeUnknownError when every attempt fails after connecting', async () => {
    printer = await fakePrinter((socket) => socket.once('data', () => socket.resetAndDestroy()));
    const error = await client(printer.port, { retries: 1 })
      .print(Buffer.alloc(1024))
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UpstreamOutcomeUnknownError);
    expect((error as UpstreamOutcomeUnknownError).metadata).toMatchObject({ phase: 'transfer', attempts: 2 });
    expect(printer.connections).toBe(2);
  });

  it('gives up on a printer that stops reading, within the write timeout', async () => {
    printer = await fakePrinter((socket) => socket.pause());
    const started = Date.now();
    const error = await client(printer.port, { retries: 0, writeTimeoutMs: 300 })
      .print(Buffer.alloc(32 * 1024 * 1024))
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UpstreamOutcomeUnknownError);
    expect((error as Error).message).toContain('not accepted within 300 ms');
    expect(Date.now() - started).toBeLessThan(5000);
  });

  it('reads the four DLE EOT answers into a printer status', async () => {
    printer = await fakePrinter((socket) => {
      socket.on('data', (chunk: Buffer) => {
        if (chunk.equals(Buffer.from([0x10, 4, 1, 0x10, 4, 2, 0x10, 4, 3, 0x10, 4, 4]))) {
          socket.write(Buffer.from([0x1a, 0x32, 0x12, 0x72]));
        }
      });
    });
    await expect(client(printer.port).readStatus()).resolves.toMatchObject({
      online: false,
      paperEnd: true,
      coverOpen: false,
      raw: [0x1a, 0x32, 0x12, 0x72],
    });
  });

  it('refuses status answers that are not status bytes, and treats silence as unavailability', async () => {
    printer = await fakePrinter((socket) => socket.once('data', () => socket.write('HTTP')));
    await expect(client(printer.port).readStatus()).rejects.toBeInstanceOf(UpstreamProtocolError);
    const silent = await fakePrinter((socket) => socket.resume());
    const error = await client(silent.port, { statusTimeoutMs: 100, retries: 0 })
      .readStatus()
      .catch((e: unknown) => e);
    await silent.close();
    expect(error).toBeInstanceOf(UpstreamUnavailableError);
  });
});
