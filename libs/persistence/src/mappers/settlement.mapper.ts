import { AttentionReason, Money, Settlement, SettlementMode, SettlementStatus } from '@bridge/core';
import { SettlementEntity } from '../entities/settlement.entity';
import { nullable, optional } from './json-columns';
import { minorIn } from './payment.mapper';

export function settlementToEntity(settlement: Settlement): SettlementEntity {
  const currency = settlement.amount.currency;
  const entity = new SettlementEntity();
  entity.id = settlement.id;
  entity.paymentId = settlement.paymentId;
  entity.siteId = settlement.siteId;
  entity.billId = settlement.billId;
  entity.billExternalId = settlement.billExternalId;
  entity.amountMinor = settlement.amount.minor;
  entity.currency = currency;
  entity.status = settlement.status;
  entity.attempts = settlement.attempts;
  entity.nextAttemptAt = settlement.nextAttemptAt;
  entity.mode = nullable(settlement.mode);
  entity.appliedAmountMinor = settlement.appliedAmount
    ? minorIn(currency, settlement.appliedAmount, settlement.id)
    : null;
  entity.externalRef = nullable(settlement.externalRef);
  entity.lastErrorCode = settlement.lastError?.code ?? null;
  entity.lastErrorMessage = settlement.lastError?.message ?? null;
  entity.attentionReason = nullable(settlement.attentionReason);
  entity.leaseOwner = nullable(settlement.leaseOwner);
  entity.leaseExpiresAt = nullable(settlement.leaseExpiresAt);
  entity.sentAt = nullable(settlement.sentAt);
  entity.appliedAt = nullable(settlement.appliedAt);
  entity.resolutionNote = nullable(settlement.resolutionNote);
  entity.resolvedBy = nullable(settlement.resolvedBy);
  entity.version = settlement.version;
  entity.createdAt = settlement.createdAt;
  entity.updatedAt = settlement.updatedAt;
  return entity;
}

export function settlementToDomain(entity: SettlementEntity): Settlement {
  return new Settlement({
    id: entity.id,
    paymentId: entity.paymentId,
    siteId: entity.siteId,
    billId: entity.billId,
    billExternalId: entity.billExternalId,
    amount: Money.of(entity.amountMinor, entity.currency),
    status: entity.status as SettlementStatus,
    attempts: entity.attempts,
    nextAttemptAt: entity.nextAttemptAt,
    mode: optional(entity.mode) as SettlementMode | undefined,
    appliedAmount:
      entity.appliedAmountMinor === null ? undefined : Money.of(entity.appliedAmountMinor, entity.currency),
    externalRef: optional(entity.externalRef),
    lastError:
      entity.lastErrorCode === null
        ? undefined
        : { code: entity.lastErrorCode, message: entity.lastErrorMessage ?? '' },
    attentionReason: optional(entity.attentionReason) as AttentionReason | undefined,
    leaseOwner: optional(entity.leaseOwner),
    leaseExpiresAt: optional(entity.leaseExpiresAt),
    sentAt: optional(entity.sentAt),
    appliedAt: optional(entity.appliedAt),
    resolutionNote: optional(entity.resolutionNote),
    resolvedBy: optional(entity.resolvedBy),
    version: entity.version,
    createdAt: entity.createdAt,
    updatedAt: entity.updatedAt,
  });
}
