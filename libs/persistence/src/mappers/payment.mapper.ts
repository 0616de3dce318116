import {
  CurrencyMismatchError,
  ExcessStatus,
  Money,
  NotificationChannel,
  Payment,
  PaymentStatus,
} from '@bridge/core';
import { PaymentEntity } from '../entities/payment.entity';
import { nullable, optional } from './json-columns';

export function paymentToEntity(payment: Payment): PaymentEntity {
  const currency = payment.amount.currency;
  const entity = new PaymentEntity();
  entity.id = payment.id;
  entity.siteId = payment.siteId;
  entity.billId = payment.billId;
  entity.linkId = payment.linkId;
  entity.providerOrderId = payment.providerOrderId;
  entity.providerStatus = payment.providerStatus;
  entity.amountMinor = payment.amount.minor;
  entity.currency = currency;
  entity.channel = payment.channel;
  entity.status = payment.status;
  entity.paidAt = nullable(payment.paidAt);
  entity.excessMinor = minorIn(currency, payment.excess, payment.id);
  entity.excessStatus = payment.excessStatus;
  entity.refundedMinor = minorIn(currency, payment.refundedAmount, payment.id);
  entity.createdAt = payment.createdAt;
  entity.updatedAt = payment.updatedAt;
  return entity;
}

export function paymentToDomain(entity: PaymentEntity): Payment {
  return new Payment({
    id: entity.id,
    siteId: entity.siteId,
    billId: entity.billId,
    linkId: entity.linkId,
    providerOrderId: entity.providerOrderId,
    providerStatus: entity.providerStatus,
    amount: Money.of(entity.amountMinor, entity.currency),
    channel: entity.channel as NotificationChannel,
    status: entity.status as PaymentStatus,
    paidAt: optional(entity.paidAt),
    excess: Money.of(entity.excessMinor, entity.currency),
    excessStatus: entity.excessStatus as ExcessStatus,
    refundedAmount: Money.of(entity.refundedMinor, entity.currency),
    createdAt: entity.createdAt,
    updatedAt: entity.updatedAt,
  });
}

export function minorIn(currency: string, money: Money, id: string): number {
  if (money.currency !== currency) {
    throw new CurrencyMismatchError(`Amounts of ${id} must all be in ${currency}`, {
      metadata: { id, left: currency, right: money.currency },
    });
  }
  return money.minor;
}
