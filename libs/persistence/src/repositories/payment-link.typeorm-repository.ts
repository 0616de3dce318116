import {
  LIVE_LINK_STATUSES,
  Page,
  PaymentLink,
  PaymentLinkRepository,
  PaymentLinkStatus,
} from '@bridge/core';
import { FindOptionsWhere, In } from 'typeorm';
import { DbContext } from '../database/db-context';
import { entitySql } from '../database/entity-sql';
import { refusingDuplicates } from '../database/unique-violation';
import { PaymentLinkEntity } from '../entities/payment-link.entity';
import { paymentLinkToDomain, paymentLinkToEntity } from '../mappers/payment-link.mapper';
import { assertUpdated } from './write-checks';

/**
 * What a link may change after it is created (the rest is readonly in the domain). Naming only these keeps
 * SQLite from rewriting every index and re-checking the bill's foreign key on each status change.
 */
const LINK_MUTABLE_COLUMNS: readonly (keyof PaymentLinkEntity)[] = [
  'status',
  'providerOrderId',
  'paymentUrl',
  'expiresAt',
  'statusReason',
  'updatedAt',
];

export class TypeormPaymentLinkRepository extends PaymentLinkRepository {
  constructor(private readonly db: DbContext) {
    super();
  }

  findById(id: string): Promise<PaymentLink | null> {
    return this.findOneRaw('"id" = ?', [id]);
  }

  findLiveByBill(billId: string): Promise<PaymentLink | null> {
    return this.findOne({ billId, status: In([...LIVE_LINK_STATUSES]) });
  }

  findByProviderOrderId(providerOrderId: string): Promise<PaymentLink | null> {
    return this.findOneRaw('"provider_order_id" = ? ORDER BY "created_at" DESC, "id" ASC', [providerOrderId]);
  }

  findByMerchantOrderId(merchantOrderId: string): Promise<PaymentLink | null> {
    return this.findOne({ merchantOrderId });
  }

  listByBill(billId: string): Promise<PaymentLink[]> {
    return this.db.run(async (manager) => {
      const rows = await manager.find(PaymentLinkEntity, {
        where: { billId },
        order: { createdAt: 'ASC', attempt: 'ASC', id: 'ASC' },
      });
      return rows.map(paymentLinkToDomain);
    });
  }

  listByStatus(
    statuses: PaymentLinkStatus[],
    filter: { siteId?: string; updatedBefore?: Date },
    page: Page,
  ): Promise<PaymentLink[]> {
    if (statuses.length === 0) return Promise.resolve([]);
    return this.db.run(async (manager) => {
      const query = manager
        .createQueryBuilder(PaymentLinkEntity, 'link')
        .where('link.status IN (:...statuses)', { statuses });
      if (filter.siteId !== undefined) query.andWhere('link.siteId = :siteId', { siteId: filter.siteId });
      if (filter.updatedBefore !== undefined) {
        query.andWhere('link.updatedAt < :before', { before: filter.updatedBefore.getTime() });
      }
      const rows = await query
        .orderBy('link.updatedAt', 'ASC')
        .addOrderBy('link.id', 'ASC')
        .limit(page.limit)
        .offset(page.offset)
        .getMany();
      return rows.map(paymentLinkToDomain);
    });
  }

  listActiveForPolling(siteId: string, limit: number): Promise<PaymentLink[]> {
    return this.db.run(async (manager) => {
      const rows = await manager
        .createQueryBuilder(PaymentLinkEntity, 'link')
        .where('link.siteId = :siteId', { siteId })
        .andWhere('link.status = :status', { status: 'active' })
        .orderBy('link.lastPolledAt', 'ASC', 'NULLS FIRST')
        .addOrderBy('link.createdAt', 'ASC')
        .addOrderBy('link.id', 'ASC')
        .limit(limit)
        .getMany();
      return rows.map(paymentLinkToDomain);
    });
  }

  async markPolled(ids: string[], at: Date): Promise<void> {
    if (ids.length === 0) return;
    await this.db.run((manager) =>
      manager
        .createQueryBuilder()
        .update(PaymentLinkEntity)
        .set({ lastPolledAt: at })
        .where('id IN (:...ids)', { ids })
        .execute(),
    );
  }

  highestAttempt(billId: string, billVersion: string): Promise<number> {
    return this.db.run(async (manager) => {
      const row = await manager
        .createQueryBuilder(PaymentLinkEntity, 'link')
        .select('MAX(link.attempt)', 'highest')
        .where('link.billId = :billId', { billId })
        .andWhere('link.billVersion = :billVersion', { billVersion })
        .getRawOne<{ highest: number | string | null }>();
      return row?.highest == null ? 0 : Number(row.highest);
    });
  }

  async insert(link: PaymentLink): Promise<void> {
    await this.db.run((manager) =>
      refusingDuplicates(`Payment link ${link.merchantOrderId}`, () =>
        manager
          .createQueryBuilder()
          .insert()
          .into(PaymentLinkEntity)
          .values(paymentLinkToEntity(link))
          .execute(),
      ),
    );
  }

  async update(link: PaymentLink): Promise<void> {
    const entity = paymentLinkToEntity(link);
    const result = await this.db.run((manager) =>
      refusingDuplicates(`Live payment link of bill ${link.billId}`, () =>
        entitySql(manager, PaymentLinkEntity).updateById(manager, entity, LINK_MUTABLE_COLUMNS),
      ),
    );
    assertUpdated(result, 'Payment link', link.id);
  }

  /** Hot path of every notification: fixed SQL, no query builder; a read that needs no batch. */
  private findOneRaw(where: string, parameters: unknown[]): Promise<PaymentLink | null> {
    return this.db.read(async (manager) => {
      const entity = await entitySql(manager, PaymentLinkEntity).selectOne(manager, where, parameters);
      return entity ? paymentLinkToDomain(entity) : null;
    });
  }

  private findOne(where: FindOptionsWhere<PaymentLinkEntity>): Promise<PaymentLink | null> {
    return this.db.run(async (manager) => {
      const entity = await manager.findOne(PaymentLinkEntity, {
        where,
        order: { createdAt: 'DESC', id: 'ASC' },
      });
      return entity ? paymentLinkToDomain(entity) : null;
    });
  }
}
