import { BridgeError, BridgeErrorOptions } from '@bridge/core';

export class NotificationMalformedError extends BridgeError {
  readonly code = 'INVOICEBOX.NOTIFICATION_MALFORMED';
}

export class InvoiceboxBasketError extends BridgeError {
  readonly code = 'INVOICEBOX.BASKET_INVALID';
  constructor(message: string, options: BridgeErrorOptions = {}) {
    super(message, options);
  }
}
