import { BridgeError, BridgeErrorOptions } from './bridge.error';

export interface UpstreamErrorOptions extends BridgeErrorOptions {
  /** Vendor name: invoicebox, rkeeper, fias, ... */
  upstream: string;
  /** What was being done: createOrder, GetOrder, PR posting, ... */
  operation: string;
}

/** Anything that went wrong while talking to a system outside the bridge. */
export abstract class UpstreamError extends BridgeError {
  abstract readonly retryable: boolean;
  readonly upstream: string;
  readonly operation: string;

  constructor(message: string, options: UpstreamErrorOptions) {
    super(message, {
      ...options,
      metadata: { ...options.metadata, upstream: options.upstream, operation: options.operation },
    });
    this.upstream = options.upstream;
    this.operation = options.operation;
  }
}

/** The request certainly did not take effect (connection refused, 5xx, a read that timed out). */
export class UpstreamUnavailableError extends UpstreamError {
  readonly code: string = 'UPSTREAM.UNAVAILABLE';
  readonly retryable = true;
  readonly retryAfterMs?: number;
  constructor(message: string, options: UpstreamErrorOptions & { retryAfterMs?: number }) {
    super(message, options);
    this.retryAfterMs = options.retryAfterMs;
  }
}

export class UpstreamRateLimitedError extends UpstreamUnavailableError {
  override readonly code = 'UPSTREAM.RATE_LIMITED';
}

/**
 * A write whose effect is unknown (timed out, connection lost after sending).
 * Never retry it blindly: read the upstream state back first.
 */
export class UpstreamOutcomeUnknownError extends UpstreamError {
  readonly code = 'UPSTREAM.OUTCOME_UNKNOWN';
  readonly retryable = false;
}

export interface RejectedField {
  name: string;
  code: string;
  message?: string;
}

/** The upstream understood the request and refused it; repeating it will not help. */
export class UpstreamRejectedError extends UpstreamError {
  readonly code = 'UPSTREAM.REJECTED';
  readonly retryable = false;
  readonly vendorCode?: string;
  readonly fields: RejectedField[];
  constructor(
    message: string,
    options: UpstreamErrorOptions & { vendorCode?: string; fields?: RejectedField[] },
  ) {
    super(message, {
      ...options,
      metadata: { ...options.metadata, vendorCode: options.vendorCode, fields: options.fields ?? [] },
    });
    this.vendorCode = options.vendorCode;
    this.fields = options.fields ?? [];
  }
}

export class UpstreamAuthError extends UpstreamError {
  readonly code = 'UPSTREAM.AUTH';
  readonly retryable = false;
}

/** Unparseable or unexpected payload. */
export class UpstreamProtocolError extends UpstreamError {
  readonly code = 'UPSTREAM.PROTOCOL';
  readonly retryable = false;
}

/** TLS failed, or the certificate did not match the pinned fingerprint. */
export class UpstreamTlsError extends UpstreamError {
  readonly code = 'UPSTREAM.TLS';
  readonly retryable = false;
}

/**
 * Why a POS/PMS refused to apply a payment. A closed set, so the settlement policy
 * can decide retry vs. operator without knowing the vendor.
 */
export type PosFailureReason =
  | 'locked'
  | 'not_found'
  | 'bill_closed'
  | 'amount_mismatch'
  | 'guest_not_found'
  | 'no_post'
  | 'night_audit'
  | 'retry_later'
  | 'license'
  | 'auth'
  | 'rejected';

const RETRYABLE_POS_REASONS: ReadonlySet<PosFailureReason> = new Set([
  'locked',
  'night_audit',
  'retry_later',
]);

export class PosRejectedError extends UpstreamError {
  readonly code: string;
  readonly retryable: boolean;
  readonly reason: PosFailureReason;
  readonly vendorCode?: string;
  readonly retryAfterMs?: number;
  constructor(
    reason: PosFailureReason,
    message: string,
    options: UpstreamErrorOptions & { vendorCode?: string; retryAfterMs?: number },
  ) {
    super(message, { ...options, metadata: { ...options.metadata, reason, vendorCode: options.vendorCode } });
    this.reason = reason;
    this.code = `POS.${reason.toUpperCase()}`;
    this.retryable = RETRYABLE_POS_REASONS.has(reason);
    this.vendorCode = options.vendorCode;
    this.retryAfterMs = options.retryAfterMs;
  }
}
