import { randomUUID } from 'node:crypto';
import { InboxEntry, NotificationInbox } from '@bridge/core';
import { DbContext, rawQuery } from '../database/db-context';
import { inboxEntryToEntity } from '../mappers/inbox.mapper';

export class TypeormNotificationInbox extends NotificationInbox {
  constructor(private readonly db: DbContext) {
    super();
  }

  /** ON CONFLICT, not a caught violation: a failed statement would abort the caller's PostgreSQL transaction. */
  add(entry: InboxEntry): Promise<boolean> {
    const row = inboxEntryToEntity(entry, randomUUID());
    return this.db.run(async (manager) => {
      const result = await rawQuery(
        manager,
        `INSERT INTO "notification_inbox"
           ("id", "site_id", "channel", "provider_order_id", "provider_status", "received_at", "body")
         VALUES (?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT ("provider_order_id", "provider_status") DO NOTHING`,
        [
          row.id,
          row.siteId,
          row.channel,
          row.providerOrderId,
          row.providerStatus,
          row.receivedAt.getTime(),
          row.body,
        ],
      );
      return result.affected === 1;
    });
  }
}
