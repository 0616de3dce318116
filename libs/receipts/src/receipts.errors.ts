import { BridgeError, BridgeErrorOptions } from '@bridge/core';

export type QrPayloadProblem = 'empty' | 'too_long' | 'not_a_url';

export class InvalidQrPayloadError extends BridgeError {
  readonly code = 'RECEIPTS.INVALID_QR_PAYLOAD';
  constructor(
    readonly problem: QrPayloadProblem,
    message: string,
    options: BridgeErrorOptions = {},
  ) {
    super(message, { ...options, metadata: { ...options.metadata, problem } });
  }
}

export class InvalidSlipError extends BridgeError {
  readonly code = 'RECEIPTS.INVALID_SLIP';
}

export class InvalidReceiptOptionsError extends BridgeError {
  readonly code = 'RECEIPTS.INVALID_OPTIONS';
}
