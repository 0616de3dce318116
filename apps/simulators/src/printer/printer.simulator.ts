import * as net from 'node:net';
import { AddressInfo } from 'node:net';
import {
  DLE,
  DecodedEscPos,
  EOT,
  HEALTHY_PRINTER,
  PrinterCondition,
  StatusRequestKind,
  decodeEscPos,
  encodeStatusByte,
} from '@bridge/receipts';
import { PrinterControlHttp, startPrinterControlHttp } from './printer.control-http';

export interface PrinterSimulatorOptions {
  host?: string;
  port?: number;
  /** null turns the HTTP endpoint off. */
  controlPort?: number | null;
  /** A connection that stays silent this long ends the job it was sending (some POS keep sockets open). */
  idleGapMs?: number;
  /** Russian-market printers ship with `ESC t` table 17 (CP866) selected. */
  initialCodePage?: number;
  maxJobs?: number;
  maxJobBytes?: number;
  condition?: Partial<PrinterCondition>;
}

export type JobEnd = 'close' | 'idle' | 'dropped' | 'reset' | 'oversized' | 'shutdown';

export interface CapturedPrintJob {
  id: number;
  receivedAt: Date;
  remoteAddress: string;
  endedBy: JobEnd;
  raw: Buffer;
  decoded: DecodedEscPos;
  qrPayloads: string[];
  text: string;
  complete: boolean;
}

export interface PrinterFaults {
  refuseConnections: boolean;
  stall: boolean;
  dropAfterBytes: number | null;
  dropConnectionsLeft: number;
}

export interface PrinterSimulatorState {
  faults: PrinterFaults;
  condition: PrinterCondition;
  openConnections: number;
  statusRequestsAnswered: number;
  jobsCaptured: number;
}

export interface PrinterSimulatorControl {
  /** Stops listening, so clients get ECONNREFUSED as from a printer that is switched off. */
  refuseConnections(refuse: boolean): Promise<void>;
  /** New connections are accepted but never read, like a printer with a jammed buffer; off resumes them. */
  stall(enabled: boolean): void;
  dropMidJob(afterBytes: number | null, connections?: number): void;
  setCondition(change: Partial<PrinterCondition>): void;
  reset(): Promise<void>;
  state(): PrinterSimulatorState;
}

export interface PrinterSimulator {
  host: string;
  port: number;
  controlUrl: string | undefined;
  jobs(): CapturedPrintJob[];
  /** Resolves with the oldest captured job no earlier call has returned, waiting for one if needed. */
  waitForJob(timeoutMs?: number): Promise<CapturedPrintJob>;
  clear(): void;
  close(): Promise<void>;
  control: PrinterSimulatorControl;
}

export async function startPrinterSimulator(
  options: PrinterSimulatorOptions = {},
): Promise<PrinterSimulator> {
  const simulator = new NetworkPrinterSimulator(options);
  await simulator.listen(options.port ?? 0);
  if (options.controlPort !== null) {
    await simulator.startControl(options.controlPort ?? 0);
  }
  return simulator;
}

interface Waiter {
  resolve(job: CapturedPrintJob): void;
  reject(error: Error): void;
  timer: NodeJS.Timeout;
}

class NetworkPrinterSimulator implements PrinterSimulator {
  readonly host: string;
  port = 0;
  readonly control: PrinterSimulatorControl;
  private readonly server: net.Server;
  private readonly sockets = new Set<net.Socket>();
  private readonly stalled = new Set<net.Socket>();
  private readonly captured: CapturedPrintJob[] = [];
  private readonly waiters: Waiter[] = [];
  private readonly settings: Required<
    Omit<PrinterSimulatorOptions, 'condition' | 'port' | 'controlPort' | 'host'>
  >;
  private faults: PrinterFaults = {
    refuseConnections: false,
    stall: false,
    dropAfterBytes: null,
    dropConnectionsLeft: 0,
  };
  private condition: PrinterCondition;
  private nextId = 1;
  private lastDelivered = 0;
  private statusRequestsAnswered = 0;
  private controlHttp: PrinterControlHttp | undefined;
  private closed = false;

  constructor(options: PrinterSimulatorOptions) {
    this.host = options.host ?? '127.0.0.1';
    this.settings = {
      idleGapMs: options.idleGapMs ?? 1000,
      initialCodePage: options.initialCodePage ?? 17,
      maxJobs: options.maxJobs ?? 500,
      maxJobBytes: options.maxJobBytes ?? 8 * 1024 * 1024,
    };
    this.condition = { ...HEALTHY_PRINTER, ...options.condition };
    this.server = net.createServer({ allowHalfOpen: true }, (socket) => this.accept(socket));
    this.control = {
      refuseConnections: (refuse) => this.setRefusing(refuse),
      stall: (enabled) => this.setStall(enabled),
      dropMidJob: (afterBytes, connections = 1) => {
        if (afterBytes !== null && (!Number.isInteger(afterBytes) || afterBytes < 0)) {
          throw new RangeError('afterBytes must be a whole number >= 0');
        }
        this.faults = {
          ...this.faults,
          dropAfterBytes: afterBytes,
          dropConnectionsLeft: afterBytes === null ? 0 : connections,
        };
      },
      setCondition: (change) => {
        this.condition = { ...this.condition, ...change };
      },
      reset: async () => {
        this.setStall(false);
        this.faults = { ...this.faults, dropAfterBytes: null, dropConnectionsLeft: 0 };
        this.condition = { ...HEALTHY_PRINTER };
        await this.setRefusing(false);
      },
      state: () => ({
        faults: { ...this.faults },
        condition: { ...this.condition },
        openConnections: this.sockets.size,
        statusRequestsAnswered: this.statusRequestsAnswered,
        jobsCaptured: this.nextId - 1,
      }),
    };
  }

  get controlUrl(): string | undefined {
    return this.controlHttp?.url;
  }

  async listen(port: number): Promise<void> {
    await new Promise<void>((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(port, this.host, () => {
        this.server.off('error', reject);
        resolve();
      });
    });
    this.port = (this.server.address() as AddressInfo).port;
  }

  async startControl(port: number): Promise<void> {
    this.controlHttp = await startPrinterControlHttp(this, this.host, port);
  }

  jobs(): CapturedPrintJob[] {
    return [...this.captured];
  }

  waitForJob(timeoutMs = 5000): Promise<CapturedPrintJob> {
    const ready = this.captured.find((job) => job.id > this.lastDelivered);
    if (ready) {
      this.lastDelivered = ready.id;
      return Promise.resolve(ready);
    }
    if (this.closed) return Promise.reject(new Error('Printer simulator is closed'));
    return new Promise((resolve, reject) => {
      const waiter: Waiter = {
        resolve,
        reject,
        timer: setTimeout(() => {
          this.waiters.splice(this.waiters.indexOf(waiter), 1);
          reject(new Error(`No print job arrived within ${timeoutMs} ms`));
        }, timeoutMs),
      };
      this.waiters.push(waiter);
    });
  }

  clear(): void {
    this.captured.length = 0;
    this.lastDelivered = this.nextId - 1;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    for (const waiter of this.waiters.splice(0)) {
      clearTimeout(waiter.timer);
      waiter.reject(new Error('Printer simulator is closed'));
    }
    for (const socket of this.sockets) socket.destroy();
    await this.controlHttp?.close();
    if (this.server.listening) await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private accept(socket: net.Socket): void {
    this.sockets.add(socket);
    const remoteAddress = `${socket.remoteAddress ?? '?'}:${socket.remotePort ?? 0}`;
    const job = new JobAssembly();
    let dropAt: number | null = null;
    if (this.faults.dropAfterBytes !== null && this.faults.dropConnectionsLeft > 0) {
      dropAt = this.faults.dropAfterBytes;
      this.faults = { ...this.faults, dropConnectionsLeft: this.faults.dropConnectionsLeft - 1 };
    }
    let idleTimer: NodeJS.Timeout | undefined;
    const finish = (endedBy: JobEnd): void => {
      clearTimeout(idleTimer);
      const raw = job.take();
      if (raw) this.capture(raw, endedBy, remoteAddress);
    };
    const status = new RealTimeStatusScanner((kind) => {
      if (socket.writable) {
        socket.write(Buffer.from([encodeStatusByte(kind, this.condition)]));
        this.statusRequestsAnswered += 1;
      }
    });

    socket.on('data', (chunk: Buffer) => {
      status.scan(chunk);
      if (dropAt !== null && job.length + chunk.length >= dropAt) {
        job.add(chunk.subarray(0, dropAt - job.length));
        finish('dropped');
        socket.resetAndDestroy();
        return;
      }
      job.add(chunk);
      if (job.length > this.settings.maxJobBytes) {
        finish('oversized');
        socket.destroy();
        return;
      }
      clearTimeout(idleTimer);
      idleTimer = setTimeout(() => finish('idle'), this.settings.idleGapMs);
    });
    socket.on('end', () => {
      finish('close');
      socket.end();
    });
    socket.on('error', () => finish('reset'));
    socket.on('close', () => {
      finish(this.closed ? 'shutdown' : 'reset');
      this.sockets.delete(socket);
      this.stalled.delete(socket);
    });
    if (this.faults.stall) {
      socket.pause();
      this.stalled.add(socket);
    }
  }

  private capture(raw: Buffer, endedBy: JobEnd, remoteAddress: string): void {
    const decoded = decodeEscPos(raw, { initialCodePage: this.settings.initialCodePage });
    // A connection that only polled DLE EOT is a status check, not a print job.
    if (decoded.commands.every((command) => command.type === 'statusRequest')) return;
    const lines = [...decoded.lines];
    while (lines.length > 0 && lines[lines.length - 1].trim() === '') lines.pop();
    const job: CapturedPrintJob = {
      id: this.nextId++,
      receivedAt: new Date(),
      remoteAddress,
      endedBy,
      raw,
      decoded,
      qrPayloads: decoded.qrCodes.map((qr) => qr.payload),
      text: lines.join('\n'),
      complete: decoded.complete && endedBy !== 'dropped' && endedBy !== 'reset' && endedBy !== 'oversized',
    };
    this.captured.push(job);
    if (this.captured.length > this.settings.maxJobs) this.captured.shift();
    const waiter = this.waiters.shift();
    if (waiter) {
      clearTimeout(waiter.timer);
      this.lastDelivered = job.id;
      waiter.resolve(job);
    }
  }

  private async setRefusing(refuse: boolean): Promise<void> {
    this.faults = { ...this.faults, refuseConnections: refuse };
    if (refuse && this.server.listening) this.server.close();
    if (!refuse && !this.server.listening && !this.closed) await this.listen(this.port);
  }

  private setStall(enabled: boolean): void {
    this.faults = { ...this.faults, stall: enabled };
    if (enabled) return;
    for (const socket of this.stalled) socket.resume();
    this.stalled.clear();
  }
}

class JobAssembly {
  private chunks: Buffer[] = [];
  length = 0;

  add(chunk: Buffer): void {
    if (chunk.length === 0) return;
    this.chunks.push(chunk);
    this.length += chunk.length;
  }

  take(): Buffer | undefined {
    if (this.length === 0) return undefined;
    const raw = Buffer.concat(this.chunks);
    this.chunks = [];
    this.length = 0;
    return raw;
  }
}

// Printers act on DLE EOT as soon as it arrives, wherever it falls in the stream, so this scans raw bytes.
class RealTimeStatusScanner {
  private matched = 0;

  constructor(private readonly answer: (kind: StatusRequestKind) => void) {}

  scan(chunk: Buffer): void {
    for (const byte of chunk) {
      if (this.matched === 2) {
        this.matched = 0;
        if (byte >= 1 && byte <= 4) {
          this.answer(byte as StatusRequestKind);
          continue;
        }
      }
      if (this.matched === 1 && byte === EOT) this.matched = 2;
      else this.matched = byte === DLE ? 1 : 0;
    }
  }
}
