import { AuditEvent, EventLog, Page, StoredAuditEvent } from '@bridge/core';
import { EntityManager } from 'typeorm';
import { DbContext } from '../database/db-context';
import { entitySql } from '../database/entity-sql';
import { EventEntity } from '../entities/event.entity';
import { NewEventRow, eventToDomain, eventToRow } from '../mappers/event.mapper';

/** Rows per INSERT: 9 parameters each, far below SQLite's bound-parameter limit. */
const BATCH_SIZE = 200;

export class TypeormEventLog extends EventLog {
  constructor(private readonly db: DbContext) {
    super();
  }

  async append(...events: AuditEvent[]): Promise<void> {
    if (events.length === 0) return;
    const rows = events.map(eventToRow);
    if (rows.length <= BATCH_SIZE) {
      await this.db.run((manager) => insertRows(manager, rows));
      return;
    }
    await this.db.transaction(async (manager) => {
      for (let start = 0; start < rows.length; start += BATCH_SIZE) {
        await insertRows(manager, rows.slice(start, start + BATCH_SIZE));
      }
    });
  }

  listByBill(billId: string): Promise<StoredAuditEvent[]> {
    return this.db.run(async (manager) => {
      const rows = await manager.find(EventEntity, { where: { billId }, order: { id: 'ASC' } });
      return rows.map(eventToDomain);
    });
  }

  list(filter: { siteId?: string; types?: string[]; since?: Date }, page: Page): Promise<StoredAuditEvent[]> {
    if (filter.types?.length === 0) return Promise.resolve([]);
    return this.db.run(async (manager) => {
      const query = manager.createQueryBuilder(EventEntity, 'event');
      if (filter.siteId !== undefined) query.andWhere('event.siteId = :siteId', { siteId: filter.siteId });
      if (filter.types !== undefined) query.andWhere('event.type IN (:...types)', { types: filter.types });
      if (filter.since !== undefined) query.andWhere('event.at >= :since', { since: filter.since.getTime() });
      const rows = await query.orderBy('event.id', 'ASC').limit(page.limit).offset(page.offset).getMany();
      return rows.map(eventToDomain);
    });
  }
}

async function insertRows(manager: EntityManager, rows: NewEventRow[]): Promise<void> {
  await entitySql(manager, EventEntity).insert(manager, rows);
}
