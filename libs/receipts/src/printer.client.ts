import * as net from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  UpstreamError,
  UpstreamOutcomeUnknownError,
  UpstreamProtocolError,
  UpstreamUnavailableError,
} from '@bridge/core';
import { statusRequest } from './escpos.commands';
import { PrinterCondition, decodeStatusBytes, isStatusByte } from './escpos.status';

export interface PrinterClientOptions {
  host: string;
  port?: number;
  connectTimeoutMs?: number;
  writeTimeoutMs?: number;
  closeTimeoutMs?: number;
  statusTimeoutMs?: number;
  retries?: number;
  retryDelayMs?: number;
}

export interface PrintResult {
  attempts: number;
  bytes: number;
  /** The printer closed the connection after reading the job; false if it kept it open past closeTimeoutMs. */
  confirmed: boolean;
}

export interface PrinterStatus extends PrinterCondition {
  online: boolean;
  raw: [number, number, number, number];
}

type Phase = 'connect' | 'transfer';

class TransportFailure extends Error {
  constructor(
    readonly phase: Phase,
    message: string,
    readonly origin?: unknown,
  ) {
    super(message);
  }
}

const UPSTREAM = 'printer';

export class EscPosPrinterClient {
  private readonly settings: Required<PrinterClientOptions>;

  constructor(options: PrinterClientOptions) {
    this.settings = {
      port: 9100,
      connectTimeoutMs: 3000,
      writeTimeoutMs: 10_000,
      closeTimeoutMs: 2000,
      statusTimeoutMs: 2000,
      retries: 2,
      retryDelayMs: 250,
      ...options,
    };
  }

  get address(): string {
    return `${this.settings.host}:${this.settings.port}`;
  }

  // Retries even after part of the job went out: a second slip carries the same link. If the last attempt
  // failed after connecting, a partial slip may have printed, hence UpstreamOutcomeUnknownError.
  async print(job: Uint8Array): Promise<PrintResult> {
    if (job.length === 0) throw new RangeError('Refusing to send an empty print job');
    const { attempts, value } = await this.withRetries('print', async () => {
      const socket = await this.connect();
      return this.send(socket, job);
    });
    return { attempts, bytes: job.length, confirmed: value };
  }

  async readStatus(): Promise<PrinterStatus> {
    const { value } = await this.withRetries('readStatus', async () => {
      const socket = await this.connect();
      return this.exchangeStatus(socket);
    });
    if (!value.every(isStatusByte)) {
      throw new UpstreamProtocolError(
        `Printer ${this.address} answered DLE EOT with ${Buffer.from(value).toString('hex')}`,
        {
          upstream: UPSTREAM,
          operation: 'readStatus',
          metadata: { address: this.address },
        },
      );
    }
    const condition = decodeStatusBytes(value);
    return { ...condition, online: !condition.offline, raw: value };
  }

  private async withRetries<T>(
    operation: string,
    run: () => Promise<T>,
  ): Promise<{ attempts: number; value: T }> {
    let failure: TransportFailure | undefined;
    for (let attempt = 1; attempt <= this.settings.retries + 1; attempt++) {
      if (attempt > 1) await sleep(this.settings.retryDelayMs * 2 ** (attempt - 2));
      try {
        return { attempts: attempt, value: await run() };
      } catch (error) {
        if (!(error instanceof TransportFailure)) throw error;
        failure = error;
      }
    }
    throw this.toUpstreamError(operation, failure as TransportFailure);
  }

  private toUpstreamError(operation: string, failure: TransportFailure): UpstreamError {
    const options = {
      upstream: UPSTREAM,
      operation,
      cause: failure.origin,
      metadata: { address: this.address, attempts: this.settings.retries + 1, phase: failure.phase },
    };
    const message = `Printer ${this.address}: ${failure.message}`;
    if (failure.phase === 'transfer' && operation === 'print')
      return new UpstreamOutcomeUnknownError(message, options);
    return new UpstreamUnavailableError(message, options);
  }

  private connect(): Promise<net.Socket> {
    const { host, port, connectTimeoutMs } = this.settings;
    return new Promise((resolve, reject) => {
      const socket = net.connect({ host, port });
      socket.setNoDelay(true);
      const timer = setTimeout(() => {
        socket.destroy();
        reject(new TransportFailure('connect', `no connection within ${connectTimeoutMs} ms`));
      }, connectTimeoutMs);
      const onError = (error: Error): void => {
        clearTimeout(timer);
        socket.destroy();
        reject(new TransportFailure('connect', `unreachable (${error.message})`, error));
      };
      socket.once('error', onError);
      socket.once('connect', () => {
        clearTimeout(timer);
        socket.off('error', onError);
        resolve(socket);
      });
    });
  }

  private send(socket: net.Socket, job: Uint8Array): Promise<boolean> {
    const { writeTimeoutMs, closeTimeoutMs } = this.settings;
    return new Promise((resolve, reject) => {
      let written = false;
      const fail = (message: string, cause?: unknown): void => {
        clearTimeout(timer);
        socket.destroy();
        reject(new TransportFailure('transfer', message, cause));
      };
      let timer = setTimeout(() => fail(`job not accepted within ${writeTimeoutMs} ms`), writeTimeoutMs);
      socket.on('error', (error) => fail(`connection lost (${error.message})`, error));
      socket.on('close', () => {
        clearTimeout(timer);
        if (written) resolve(true);
        else fail('connection closed before the job was sent');
      });
      // Automatic status back (ASB) bytes may arrive; reading them lets the printer's FIN through.
      socket.resume();
      socket.end(job, () => {
        written = true;
        clearTimeout(timer);
        timer = setTimeout(() => {
          resolve(false);
          socket.destroy();
        }, closeTimeoutMs);
      });
    });
  }

  private exchangeStatus(socket: net.Socket): Promise<[number, number, number, number]> {
    const { statusTimeoutMs } = this.settings;
    return new Promise((resolve, reject) => {
      const received: number[] = [];
      const finish = (failure?: TransportFailure): void => {
        clearTimeout(timer);
        socket.destroy();
        if (failure) reject(failure);
        else resolve([received[0], received[1], received[2], received[3]]);
      };
      const timer = setTimeout(
        () => finish(new TransportFailure('transfer', `no status answer within ${statusTimeoutMs} ms`)),
        statusTimeoutMs,
      );
      socket.on('error', (error) =>
        finish(new TransportFailure('transfer', `connection lost (${error.message})`, error)),
      );
      socket.on('close', () =>
        finish(new TransportFailure('transfer', 'connection closed before the status answer')),
      );
      socket.on('data', (chunk: Buffer) => {
        received.push(...chunk);
        if (received.length >= 4) finish();
      });
      socket.write(Buffer.concat([statusRequest(1), statusRequest(2), statusRequest(3), statusRequest(4)]));
    });
  }
}
