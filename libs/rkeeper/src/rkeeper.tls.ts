import { timingSafeEqual } from 'node:crypto';
import * as https from 'node:https';
import { Duplex } from 'node:stream';
import * as tls from 'node:tls';

/** "ab:cd:…", "ABCD…" or "sha256/AB:CD…" → "AB:CD:…" (64 hex digits). */
export function normalizeFingerprint(fingerprint: string): string {
  const hex = fingerprint
    .replace(/^sha-?256[/:=]/i, '')
    .replace(/[^0-9a-f]/gi, '')
    .toUpperCase();
  if (hex.length !== 64) throw new Error(`A SHA-256 fingerprint has 64 hex digits, got ${hex.length}`);
  return hex.match(/.{2}/g)?.join(':') ?? hex;
}

export function fingerprintMatches(actual: string, pins: readonly string[]): boolean {
  const got = Buffer.from(normalizeFingerprint(actual));
  return pins.some((pin) => {
    const want = Buffer.from(pin);
    return want.length === got.length && timingSafeEqual(want, got);
  });
}

export class TlsPinMismatchError extends Error {
  readonly code = 'ERR_RKEEPER_TLS_PIN_MISMATCH';
  constructor(readonly actual: string) {
    super(`Server certificate SHA-256 ${actual} does not match the pinned fingerprint`);
    this.name = 'TlsPinMismatchError';
  }
}

export class TlsHandshakeTimeoutError extends Error {
  readonly code = 'ERR_RKEEPER_TLS_HANDSHAKE_TIMEOUT';
  constructor(ms: number) {
    super(`TLS handshake did not finish within ${ms} ms`);
    this.name = 'TlsHandshakeTimeoutError';
  }
}

export interface PinnedAgentOptions extends https.AgentOptions {
  pins: readonly string[];
  insecure: boolean;
  handshakeTimeoutMs: number;
}

/**
 * r_keeper cash servers use self-signed certificates, so chain validation always fails and Node never calls
 * checkServerIdentity. The pin is checked here instead, after the handshake and before the socket is handed to
 * the request: nothing (not even the Basic credentials) is written to an unverified peer.
 */
export class PinnedHttpsAgent extends https.Agent {
  private readonly pins: readonly string[];
  private readonly insecure: boolean;
  private readonly handshakeTimeoutMs: number;
  private readonly idleTimeoutMs: number;

  constructor(options: PinnedAgentOptions) {
    const { pins, insecure, handshakeTimeoutMs, ...agentOptions } = options;
    const pinned = pins.length > 0 || insecure;
    super({
      ...agentOptions,
      // One TLS context for every connection: building it per connection cost more than the handshake.
      secureContext: agentOptions.secureContext ?? tls.createSecureContext(),
      rejectUnauthorized: !pinned,
      maxCachedSessions: pinned ? 0 : undefined,
    });
    this.pins = pins;
    this.insecure = insecure;
    this.handshakeTimeoutMs = handshakeTimeoutMs;
    this.idleTimeoutMs = agentOptions.timeout ?? 0;
  }

  override createConnection(
    options: https.RequestOptions,
    callback?: (err: Error | null, stream: Duplex) => void,
  ): Duplex | null | undefined {
    const created = super.createConnection(options);
    if (!(created instanceof tls.TLSSocket) || !callback) return created;
    const socket = created;
    let done = false;
    const finish = (err: Error | null): void => {
      if (done) return;
      done = true;
      socket.removeListener('secureConnect', onSecure);
      socket.removeListener('error', onError);
      socket.removeListener('timeout', onTimeout);
      socket.setTimeout(this.idleTimeoutMs);
      if (err) {
        socket.destroy();
        callback(err, socket);
      } else {
        callback(null, socket);
      }
    };
    const onSecure = (): void => {
      if (this.pins.length === 0) return finish(null);
      // The X509Certificate object, not getPeerCertificate()'s: that one decodes every field of the chain.
      const actual = socket.getPeerX509Certificate()?.fingerprint256 ?? '';
      finish(fingerprintMatches(actual, this.pins) ? null : new TlsPinMismatchError(actual || 'none'));
    };
    const onError = (err: Error): void => finish(err);
    const onTimeout = (): void => finish(new TlsHandshakeTimeoutError(this.handshakeTimeoutMs));
    socket.once('secureConnect', onSecure);
    socket.once('error', onError);
    socket.once('timeout', onTimeout);
    socket.setTimeout(this.handshakeTimeoutMs);
    return undefined;
  }

  get acceptsAnyCertificate(): boolean {
    return this.insecure && this.pins.length === 0;
  }
}

const TLS_ERROR_CODES = new Set([
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'CERT_HAS_EXPIRED',
  'CERT_NOT_YET_VALID',
  'CERT_UNTRUSTED',
  'CERT_REJECTED',
  'EPROTO',
  'ERR_RKEEPER_TLS_PIN_MISMATCH',
]);

/** Node's own errors may come from another realm (jest, vm), so look at `code`, not at the prototype. */
export function errorCode(error: unknown): string | undefined {
  if (typeof error !== 'object' || error === null || !('code' in error)) return undefined;
  return typeof error.code === 'string' ? error.code : undefined;
}

export function errorMessage(error: unknown): string {
  if (
    typeof error === 'object' &&
    error !== null &&
    'message' in error &&
    typeof error.message === 'string'
  ) {
    return error.message;
  }
  return String(error);
}

export function isTlsError(error: unknown): boolean {
  const code = errorCode(error) ?? '';
  return TLS_ERROR_CODES.has(code) || code.startsWith('ERR_TLS_') || code.startsWith('ERR_SSL_');
}
