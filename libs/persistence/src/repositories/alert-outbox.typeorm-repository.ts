import {
  AlertDelivery,
  AlertDeliveryStatus,
  AlertOutbox,
  NewAlertDelivery,
  StoredAuditEvent,
} from '@bridge/core';
import { DataSource, MoreThan } from 'typeorm';
import { DbContext, dbContextFor, rawQuery } from '../database/db-context';
import { AlertCursorEntity } from '../entities/alert-cursor.entity';
import { AlertDeliveryEntity } from '../entities/alert-delivery.entity';
import { EventEntity } from '../entities/event.entity';
import { eventToDomain } from '../mappers/event.mapper';
import { assertUpdated } from './write-checks';

export class TypeormAlertOutbox extends AlertOutbox {
  private readonly db: DbContext;

  constructor(dataSource: DataSource) {
    super();
    this.db = dbContextFor(dataSource);
  }

  cursor(name: string): Promise<number | null> {
    return this.db.run(async (manager) => {
      const row = await manager.findOneBy(AlertCursorEntity, { name });
      return row ? row.lastEventId : null;
    });
  }

  latestEventId(): Promise<number> {
    return this.db.run(async (manager) => {
      const row = await manager
        .createQueryBuilder(EventEntity, 'event')
        .select('MAX(event.id)', 'max')
        .getRawOne<{ max: string | number | null }>();
      return row?.max === null || row?.max === undefined ? 0 : Number(row.max);
    });
  }

  eventsAfter(eventId: number, limit: number): Promise<StoredAuditEvent[]> {
    return this.db.run(async (manager) => {
      const rows = await manager.find(EventEntity, {
        where: { id: MoreThan(eventId) },
        order: { id: 'ASC' },
        take: limit,
      });
      return rows.map(eventToDomain);
    });
  }

  enqueue(name: string, deliveries: NewAlertDelivery[], cursor: number): Promise<number> {
    return this.db.transaction(async (manager) => {
      let inserted = 0;
      for (const d of deliveries) {
        const result = await rawQuery(
          manager,
          `INSERT INTO "alert_deliveries" ("id", "endpoint_key", "site_id", "event_id", "event_type", "body", "status", "attempts", "next_attempt_at", "created_at", "updated_at")
           VALUES (?, ?, ?, ?, ?, ?, 'pending', 0, ?, ?, ?) ON CONFLICT ("endpoint_key", "event_id") DO NOTHING`,
          [
            d.id,
            d.endpointKey,
            d.siteId,
            d.eventId,
            d.eventType,
            d.body,
            d.createdAt.getTime(),
            d.createdAt.getTime(),
            d.createdAt.getTime(),
          ],
        );
        inserted += result.affected ?? 0;
      }
      await rawQuery(
        manager,
        `INSERT INTO "alert_cursors" ("name", "last_event_id", "updated_at") VALUES (?, ?, ?)
         ON CONFLICT ("name") DO UPDATE SET "last_event_id" = excluded."last_event_id", "updated_at" = excluded."updated_at"
         WHERE "alert_cursors"."last_event_id" < excluded."last_event_id"`,
        [name, cursor, Date.now()],
      );
      return inserted;
    });
  }

  listDue(now: Date, limit: number): Promise<AlertDelivery[]> {
    return this.db.run(async (manager) => {
      const rows = await manager
        .createQueryBuilder(AlertDeliveryEntity, 'd')
        .where('d.status = :status', { status: 'pending' })
        .andWhere('d.nextAttemptAt <= :now', { now: now.getTime() })
        .orderBy('d.eventId', 'ASC')
        .limit(limit)
        .getMany();
      return rows.map(toDomain);
    });
  }

  list(filter: { status?: AlertDeliveryStatus; siteId?: string }, limit: number): Promise<AlertDelivery[]> {
    return this.db.run(async (manager) => {
      const query = manager.createQueryBuilder(AlertDeliveryEntity, 'd');
      if (filter.status !== undefined) query.andWhere('d.status = :status', { status: filter.status });
      if (filter.siteId !== undefined) query.andWhere('d.siteId = :siteId', { siteId: filter.siteId });
      const rows = await query.orderBy('d.eventId', 'DESC').limit(limit).getMany();
      return rows.map(toDomain);
    });
  }

  async update(delivery: AlertDelivery): Promise<void> {
    const result = await this.db.run((manager) =>
      manager
        .createQueryBuilder()
        .update(AlertDeliveryEntity)
        .set({
          status: delivery.status,
          attempts: delivery.attempts,
          nextAttemptAt: delivery.nextAttemptAt,
          lastError: delivery.lastError ?? null,
          deliveredAt: delivery.deliveredAt ?? null,
          updatedAt: delivery.updatedAt,
        })
        .where('id = :id', { id: delivery.id })
        .execute(),
    );
    assertUpdated(result, 'Alert delivery', delivery.id);
  }
}

const STATUSES: readonly AlertDeliveryStatus[] = ['pending', 'delivered', 'failed', 'dropped'];

function toDomain(row: AlertDeliveryEntity): AlertDelivery {
  const status = STATUSES.find((s) => s === row.status);
  if (!status) throw new Error(`Alert delivery ${row.id} has an unknown status "${row.status}"`);
  return {
    id: row.id,
    endpointKey: row.endpointKey,
    siteId: row.siteId,
    eventId: row.eventId,
    eventType: row.eventType,
    body: row.body,
    status,
    attempts: row.attempts,
    nextAttemptAt: row.nextAttemptAt,
    lastError: row.lastError ?? undefined,
    deliveredAt: row.deliveredAt ?? undefined,
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
  };
}
