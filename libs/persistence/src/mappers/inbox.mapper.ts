import { InboxEntry, NotificationChannel } from '@bridge/core';
import { NotificationInboxEntity } from '../entities/notification-inbox.entity';

export function inboxEntryToEntity(entry: InboxEntry, id: string): NotificationInboxEntity {
  const entity = new NotificationInboxEntity();
  entity.id = id;
  entity.siteId = entry.siteId;
  entity.channel = entry.channel;
  entity.providerOrderId = entry.providerOrderId;
  entity.providerStatus = entry.providerStatus;
  entity.receivedAt = entry.receivedAt;
  entity.body = entry.body;
  return entity;
}

export function inboxEntryToDomain(entity: NotificationInboxEntity): InboxEntry {
  return {
    siteId: entity.siteId,
    channel: entity.channel as NotificationChannel,
    providerOrderId: entity.providerOrderId,
    providerStatus: entity.providerStatus,
    receivedAt: entity.receivedAt,
    body: entity.body,
  };
}
