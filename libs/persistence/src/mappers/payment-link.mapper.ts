import { Money, PaymentLink, PaymentLinkStatus } from '@bridge/core';
import { PaymentLinkEntity } from '../entities/payment-link.entity';
import { nullable, optional } from './json-columns';

/** The row for a link; `lastPolledAt` stays undefined so writing a link never moves the poller's cursor. */
export function paymentLinkToEntity(link: PaymentLink): PaymentLinkEntity {
  const entity = new PaymentLinkEntity();
  entity.id = link.id;
  entity.siteId = link.siteId;
  entity.billId = link.billId;
  entity.billExternalId = link.billExternalId;
  entity.billVersion = link.billVersion;
  entity.billFingerprint = link.billFingerprint;
  entity.attempt = link.attempt;
  entity.merchantOrderId = link.merchantOrderId;
  entity.amountMinor = link.amount.minor;
  entity.currency = link.amount.currency;
  entity.status = link.status;
  entity.providerOrderId = nullable(link.providerOrderId);
  entity.paymentUrl = nullable(link.paymentUrl);
  entity.expiresAt = link.expiresAt;
  entity.statusReason = nullable(link.statusReason);
  entity.createdAt = link.createdAt;
  entity.updatedAt = link.updatedAt;
  return entity;
}

export function paymentLinkToDomain(entity: PaymentLinkEntity): PaymentLink {
  return new PaymentLink({
    id: entity.id,
    siteId: entity.siteId,
    billId: entity.billId,
    billExternalId: entity.billExternalId,
    billVersion: entity.billVersion,
    billFingerprint: entity.billFingerprint,
    attempt: entity.attempt,
    merchantOrderId: entity.merchantOrderId,
    amount: Money.of(entity.amountMinor, entity.currency),
    status: entity.status as PaymentLinkStatus,
    providerOrderId: optional(entity.providerOrderId),
    paymentUrl: optional(entity.paymentUrl),
    expiresAt: entity.expiresAt,
    statusReason: optional(entity.statusReason),
    createdAt: entity.createdAt,
    updatedAt: entity.updatedAt,
  });
}
