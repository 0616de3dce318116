import { BridgeError } from './bridge.error';

export class InvalidMoneyError extends BridgeError {
  readonly code = 'DOMAIN.INVALID_MONEY';
}

export class CurrencyMismatchError extends BridgeError {
  readonly code = 'DOMAIN.CURRENCY_MISMATCH';
}

export class InvalidQuantityError extends BridgeError {
  readonly code = 'DOMAIN.INVALID_QUANTITY';
}

export class IllegalTransitionError extends BridgeError {
  readonly code = 'DOMAIN.ILLEGAL_TRANSITION';
  constructor(
    readonly entity: string,
    readonly from: string,
    readonly to: string,
    id?: string,
  ) {
    super(`${entity} cannot go from ${from} to ${to}`, { metadata: { entity, from, to, id } });
  }
}

export class InvalidBillError extends BridgeError {
  readonly code = 'DOMAIN.INVALID_BILL';
}

export class SiteNotFoundError extends BridgeError {
  readonly code = 'SITE.NOT_FOUND';
  constructor(readonly siteId: string) {
    super(`Unknown site "${siteId}"`, { metadata: { siteId } });
  }
}

export class BillNotFoundError extends BridgeError {
  readonly code = 'BILL.NOT_FOUND';
}

export class BillNotPayableError extends BridgeError {
  readonly code = 'BILL.NOT_PAYABLE';
}

export class SettlementNotFoundError extends BridgeError {
  readonly code = 'SETTLEMENT.NOT_FOUND';
}

export class PaymentNotFoundError extends BridgeError {
  readonly code = 'PAYMENT.NOT_FOUND';
}

export class ConcurrentModificationError extends BridgeError {
  readonly code = 'DOMAIN.CONCURRENT_MODIFICATION';
}

/** A domain rule that an operation would break (not a state-machine transition). */
export class DomainRuleError extends BridgeError {
  readonly code = 'DOMAIN.RULE_VIOLATION';
}

export class NotificationRejectedError extends BridgeError {
  readonly code = 'NOTIFICATION.REJECTED';
  constructor(
    readonly reason: 'signature' | 'malformed',
    message: string,
  ) {
    super(message, { metadata: { reason } });
  }
}

/** A unique constraint refused a second copy of something that must exist once. */
export class DuplicateRecordError extends BridgeError {
  readonly code = 'STORE.DUPLICATE';
  constructor(
    readonly constraint: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, { cause: options?.cause, metadata: { constraint } });
  }
}
