import { AuditEvent, StoredAuditEvent } from '@bridge/core';
import { EventEntity } from '../entities/event.entity';
import { nullable, optional, parseJsonObject } from './json-columns';

export type NewEventRow = Omit<EventEntity, 'id'>;

export function eventToRow(event: AuditEvent): NewEventRow {
  return {
    at: event.at,
    siteId: event.siteId,
    type: event.type,
    billId: nullable(event.billId),
    linkId: nullable(event.linkId),
    paymentId: nullable(event.paymentId),
    settlementId: nullable(event.settlementId),
    data: JSON.stringify(event.data),
  };
}

export function eventToDomain(entity: EventEntity): StoredAuditEvent {
  const event: StoredAuditEvent = {
    id: entity.id,
    at: entity.at,
    siteId: entity.siteId,
    type: entity.type,
    data: parseJsonObject(entity.data, 'events', 'data', entity.id),
  };
  const billId = optional(entity.billId);
  const linkId = optional(entity.linkId);
  const paymentId = optional(entity.paymentId);
  const settlementId = optional(entity.settlementId);
  if (billId !== undefined) event.billId = billId;
  if (linkId !== undefined) event.linkId = linkId;
  if (paymentId !== undefined) event.paymentId = paymentId;
  if (settlementId !== undefined) event.settlementId = settlementId;
  return event;
}
