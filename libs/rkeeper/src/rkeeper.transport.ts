import {
  UpstreamAuthError,
  UpstreamError,
  UpstreamOutcomeUnknownError,
  UpstreamProtocolError,
  UpstreamTlsError,
  UpstreamUnavailableError,
} from '@bridge/core';
import * as https from 'node:https';
import { RKEEPER_UPSTREAM } from './rkeeper.errors';
import { PinnedHttpsAgent, TlsPinMismatchError, errorCode, errorMessage, isTlsError } from './rkeeper.tls';

export interface TransportOptions {
  url: URL;
  username: string;
  password: string;
  pins: readonly string[];
  insecure: boolean;
  maxSockets: number;
  /** Idle keep-alive sockets are closed after this, before the server drops them under a request. */
  idleSocketTimeoutMs: number;
  maxResponseBytes: number;
}

export interface TransportRequest {
  cmd: string;
  write: boolean;
  body: Buffer;
  contentType: string;
  timeoutMs: number;
}

export interface TransportResponse {
  status: number;
  contentType?: string;
  body: Buffer;
}

class CallTimeoutError extends Error {
  constructor(readonly ms: number) {
    super(`No answer within ${ms} ms`);
    this.name = 'CallTimeoutError';
  }
}

class ResponseTooLargeError extends Error {}

class StaleSocketError extends Error {
  constructor(readonly original: unknown) {
    super('Pooled socket was closed by the server');
  }
}

const RESET_CODES = new Set(['ECONNRESET', 'EPIPE', 'ECONNABORTED']);

/**
 * One HTTPS POST per call. Reads share a keep-alive pool; writes always get a fresh connection, so a stale pooled
 * socket can never turn a payment into an "unknown outcome".
 */
export class RkeeperHttpsTransport {
  private readonly readAgent: PinnedHttpsAgent;
  private readonly writeAgent: PinnedHttpsAgent;
  private readonly authorization: string;

  constructor(private readonly options: TransportOptions) {
    const common = { pins: options.pins, insecure: options.insecure, handshakeTimeoutMs: 10_000 };
    this.readAgent = new PinnedHttpsAgent({
      ...common,
      keepAlive: true,
      maxSockets: options.maxSockets,
      scheduling: 'lifo',
      timeout: options.idleSocketTimeoutMs,
    });
    this.writeAgent = new PinnedHttpsAgent({ ...common, keepAlive: false, maxSockets: options.maxSockets });
    this.authorization = `Basic ${Buffer.from(`${options.username}:${options.password}`, 'utf8').toString('base64')}`;
  }

  async send(request: TransportRequest): Promise<TransportResponse> {
    try {
      return await this.attempt(request);
    } catch (error) {
      // A pooled socket the server had already closed: the read never reached it, so one retry is safe.
      if (!request.write && error instanceof StaleSocketError) return this.attempt(request);
      throw error;
    }
  }

  close(): void {
    this.readAgent.destroy();
    this.writeAgent.destroy();
  }

  private attempt(request: TransportRequest): Promise<TransportResponse> {
    const { url } = this.options;
    return new Promise<TransportResponse>((resolve, reject) => {
      let sent = false;
      let settled = false;
      let timedOut = false;
      const req = https.request({
        protocol: url.protocol,
        hostname: url.hostname,
        port: url.port || 443,
        path: `${url.pathname}${url.search}`,
        method: 'POST',
        agent: request.write ? this.writeAgent : this.readAgent,
        headers: {
          Authorization: this.authorization,
          'Content-Type': request.contentType,
          Accept: 'application/xml',
          'Content-Length': request.body.length,
        },
      });
      const timer = setTimeout(() => {
        timedOut = true;
        req.destroy(new CallTimeoutError(request.timeoutMs));
      }, request.timeoutMs);
      const fail = (error: unknown, responseStarted: boolean): void => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        const stale = !request.write && !timedOut && !responseStarted && req.reusedSocket && isReset(error);
        reject(stale ? new StaleSocketError(error) : this.mapError(error, request, sent, timedOut));
      };
      req.on('finish', () => {
        sent = true;
      });
      req.on('error', (error) => fail(error, false));
      req.on('response', (res) => {
        const chunks: Buffer[] = [];
        let size = 0;
        res.on('data', (chunk: Buffer) => {
          size += chunk.length;
          if (size > this.options.maxResponseBytes) {
            req.destroy(new ResponseTooLargeError(`Response exceeds ${this.options.maxResponseBytes} bytes`));
            return;
          }
          chunks.push(chunk);
        });
        res.on('error', (error) => fail(error, true));
        res.on('aborted', () => fail(new Error('Response aborted'), true));
        res.on('end', () => {
          if (settled) return;
          settled = true;
          clearTimeout(timer);
          const contentType = res.headers['content-type'];
          resolve({ status: res.statusCode ?? 0, contentType, body: Buffer.concat(chunks) });
        });
      });
      req.end(request.body);
    });
  }

  private mapError(
    error: unknown,
    request: TransportRequest,
    sent: boolean,
    timedOut: boolean,
  ): UpstreamError {
    const base = { upstream: RKEEPER_UPSTREAM, operation: request.cmd, cause: error };
    const detail = errorMessage(error);
    if (error instanceof UpstreamError) return error;
    if (error instanceof TlsPinMismatchError || isTlsError(error)) {
      return new UpstreamTlsError(`TLS to r_keeper failed: ${detail}`, base);
    }
    if (error instanceof ResponseTooLargeError) return new UpstreamProtocolError(detail, base);
    if (request.write && sent) {
      const what = timedOut ? `timed out after ${request.timeoutMs} ms` : `connection lost (${detail})`;
      return new UpstreamOutcomeUnknownError(`${request.cmd} was sent but ${what}; read the order back`, {
        ...base,
        metadata: { timedOut },
      });
    }
    const what = timedOut ? `timed out after ${request.timeoutMs} ms` : detail;
    return new UpstreamUnavailableError(`r_keeper ${request.cmd} failed: ${what}`, {
      ...base,
      metadata: { timedOut, code: errorCode(error) },
    });
  }
}

function isReset(error: unknown): boolean {
  const code = errorCode(error);
  return (code !== undefined && RESET_CODES.has(code)) || errorMessage(error) === 'socket hang up';
}

export function mapHttpStatus(status: number, cmd: string, write: boolean): UpstreamError | undefined {
  if (status === 200) return undefined;
  const base = { upstream: RKEEPER_UPSTREAM, operation: cmd, metadata: { httpStatus: status } };
  if (status === 401 || status === 403) {
    return new UpstreamAuthError(`r_keeper refused the HTTP user (HTTP ${status})`, base);
  }
  if (status === 502 || status === 503 || status === 504 || (status >= 500 && !write)) {
    return new UpstreamUnavailableError(`r_keeper answered HTTP ${status}`, base);
  }
  if (status >= 500) {
    return new UpstreamOutcomeUnknownError(`${cmd} got HTTP ${status}; read the order back`, base);
  }
  return new UpstreamProtocolError(`Unexpected HTTP ${status} from r_keeper`, base);
}
