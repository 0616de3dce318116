import { BridgeError, BridgeErrorOptions, UpstreamError, UpstreamErrorOptions } from '@bridge/core';

export const FIAS_PROTOCOL_ERROR_CODES = [
  'FIAS.GARBAGE',
  'FIAS.FRAME_TOO_LONG',
  'FIAS.LRC_MISMATCH',
  'FIAS.ENCODING',
  'FIAS.RECORD_MALFORMED',
  'FIAS.RECORD_UNKNOWN',
  'FIAS.RECORD_UNEXPECTED',
  'FIAS.FIELD_MISSING',
  'FIAS.FIELD_INVALID',
  'FIAS.AMOUNT_MISMATCH',
  'FIAS.POSTING_NUMBER_EXHAUSTED',
  'FIAS.POSTING_NUMBER_REUSED',
  'FIAS.ACK_FAILED',
  'FIAS.CONFIG_INVALID',
] as const;

export type FiasProtocolErrorCode = (typeof FIAS_PROTOCOL_ERROR_CODES)[number];

export class FiasProtocolError extends BridgeError {
  readonly code: FiasProtocolErrorCode;

  constructor(code: FiasProtocolErrorCode, message: string, options: BridgeErrorOptions = {}) {
    super(message, options);
    this.code = code;
  }
}

export function isFiasProtocolError(error: unknown): error is FiasProtocolError {
  return error instanceof FiasProtocolError;
}

/** The PMS answered a request with a non-OK answer status where no result can be returned (XB/XC). */
export class FiasRejectedError extends UpstreamError {
  readonly code = 'FIAS.REJECTED';
  readonly retryable: boolean;
  readonly answerStatus: string;
  readonly answerText?: string;

  constructor(
    answerStatus: string,
    answerText: string | undefined,
    options: Omit<UpstreamErrorOptions, 'upstream'>,
  ) {
    super(`FIAS ${options.operation} answered ${answerStatus}${answerText ? ` (${answerText})` : ''}`, {
      ...options,
      upstream: 'fias',
      metadata: { ...options.metadata, answerStatus, answerText },
    });
    this.answerStatus = answerStatus;
    this.answerText = answerText;
    this.retryable = answerStatus === 'RY' || answerStatus === 'NA';
  }
}
