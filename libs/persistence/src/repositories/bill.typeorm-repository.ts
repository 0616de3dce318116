import { Bill, BillRepository, BillStatus, OpenBillVersion, Page } from '@bridge/core';
import { compact } from '../database/compact';
import { DbContext } from '../database/db-context';
import { entitySql } from '../database/entity-sql';
import { refusingDuplicates } from '../database/unique-violation';
import { BillEntity } from '../entities/bill.entity';
import { billToDomain, billToEntity } from '../mappers/bill.mapper';

export class TypeormBillRepository extends BillRepository {
  constructor(private readonly db: DbContext) {
    super();
  }

  findById(id: string): Promise<Bill | null> {
    return this.db.read(async (manager) => {
      const entity = await entitySql(manager, BillEntity).selectOne(manager, '"id" = ?', [id]);
      return entity ? billToDomain(entity) : null;
    });
  }

  findByExternalId(siteId: string, externalId: string): Promise<Bill | null> {
    return this.db.read(async (manager) => {
      const entity = await entitySql(manager, BillEntity).selectOne(
        manager,
        '"site_id" = ? AND "external_id" = ?',
        [siteId, externalId],
      );
      return entity ? billToDomain(entity) : null;
    });
  }

  listOpenVersions(siteId: string): Promise<OpenBillVersion[]> {
    return this.db.run(async (manager) => {
      const rows = await manager.find(BillEntity, {
        select: { id: true, externalId: true, externalVersion: true, lastSeenAt: true },
        where: { siteId, status: 'open' },
        order: { externalId: 'ASC' },
      });
      return rows.map((row) => ({
        id: row.id,
        externalId: row.externalId,
        externalVersion: row.externalVersion,
        lastSeenAt: row.lastSeenAt,
      }));
    });
  }

  findOpenByTable(siteId: string, tableCode: string): Promise<Bill[]> {
    return this.db.run(async (manager) => {
      const rows = await manager.find(BillEntity, {
        where: { siteId, status: 'open', tableCode },
        order: { firstSeenAt: 'ASC', id: 'ASC' },
      });
      return rows.map(billToDomain);
    });
  }

  list(filter: { siteId?: string; status?: BillStatus }, page: Page): Promise<Bill[]> {
    return this.db.run(async (manager) => {
      const rows = await manager.find(BillEntity, {
        where: compact({ siteId: filter.siteId, status: filter.status }),
        order: { updatedAt: 'DESC', id: 'ASC' },
        take: page.limit,
        skip: page.offset,
      });
      return rows.map(billToDomain);
    });
  }

  save(bill: Bill): Promise<void> {
    return this.db.run((manager) =>
      refusingDuplicates(`Bill ${bill.siteId}/${bill.externalId}`, async () => {
        await entitySql(manager, BillEntity).upsertById(manager, billToEntity(bill));
      }),
    );
  }
}
