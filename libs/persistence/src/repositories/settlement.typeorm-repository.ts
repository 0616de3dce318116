import {
  ConcurrentModificationError,
  Page,
  Settlement,
  SettlementRepository,
  SettlementStatus,
} from '@bridge/core';
import { EntityManager } from 'typeorm';
import { DbContext } from '../database/db-context';
import { entitySql } from '../database/entity-sql';
import { refusingDuplicates } from '../database/unique-violation';
import { SettlementEntity } from '../entities/settlement.entity';
import { settlementToDomain, settlementToEntity } from '../mappers/settlement.mapper';

const DUE_STATUSES: readonly SettlementStatus[] = ['pending', 'unknown_outcome'];

const NO_SETTLEMENTS = {
  pending: 0,
  in_flight: 0,
  applied: 0,
  unknown_outcome: 0,
  needs_attention: 0,
  resolved: 0,
} satisfies Record<SettlementStatus, number>;

/** What a settlement may change after it is created (see LINK_MUTABLE_COLUMNS for why only these). */
const SETTLEMENT_MUTABLE_COLUMNS: readonly (keyof SettlementEntity)[] = [
  'status',
  'attempts',
  'nextAttemptAt',
  'mode',
  'appliedAmountMinor',
  'externalRef',
  'lastErrorCode',
  'lastErrorMessage',
  'attentionReason',
  'leaseOwner',
  'leaseExpiresAt',
  'sentAt',
  'appliedAt',
  'resolutionNote',
  'resolvedBy',
  'updatedAt',
  'version',
];

export class TypeormSettlementRepository extends SettlementRepository {
  constructor(private readonly db: DbContext) {
    super();
  }

  findById(id: string): Promise<Settlement | null> {
    return this.db.run(async (manager) => {
      const entity = await manager.findOneBy(SettlementEntity, { id });
      return entity ? settlementToDomain(entity) : null;
    });
  }

  findByPaymentId(paymentId: string): Promise<Settlement | null> {
    return this.db.run(async (manager) => {
      const entity = await manager.findOneBy(SettlementEntity, { paymentId });
      return entity ? settlementToDomain(entity) : null;
    });
  }

  listByBill(billId: string): Promise<Settlement[]> {
    return this.db.run(async (manager) => {
      const rows = await manager.find(SettlementEntity, {
        where: { billId },
        order: { createdAt: 'ASC', id: 'ASC' },
      });
      return rows.map(settlementToDomain);
    });
  }

  list(filter: { siteId?: string; statuses?: SettlementStatus[] }, page: Page): Promise<Settlement[]> {
    if (filter.statuses?.length === 0) return Promise.resolve([]);
    return this.db.run(async (manager) => {
      const query = manager.createQueryBuilder(SettlementEntity, 's');
      if (filter.siteId !== undefined) query.andWhere('s.siteId = :siteId', { siteId: filter.siteId });
      if (filter.statuses !== undefined)
        query.andWhere('s.status IN (:...statuses)', { statuses: filter.statuses });
      const rows = await query
        .orderBy('s.createdAt', 'ASC')
        .addOrderBy('s.id', 'ASC')
        .limit(page.limit)
        .offset(page.offset)
        .getMany();
      return rows.map(settlementToDomain);
    });
  }

  appliedExternalRefs(billId: string): Promise<string[]> {
    return this.db.run(async (manager) => {
      const rows = await manager
        .createQueryBuilder(SettlementEntity, 's')
        .select('s.externalRef', 'externalRef')
        .where('s.billId = :billId', { billId })
        .andWhere('s.status = :status', { status: 'applied' })
        .andWhere('s.externalRef IS NOT NULL')
        .orderBy('s.appliedAt', 'ASC')
        .getRawMany<{ externalRef: string }>();
      return rows.map((row) => row.externalRef);
    });
  }

  claimDue(
    owner: string,
    leaseMs: number,
    now: Date,
    limit: number,
    filter: { excludeSiteIds?: readonly string[] } = {},
  ): Promise<Settlement[]> {
    if (limit <= 0) return Promise.resolve([]);
    return this.db.transaction(async (manager) => {
      const query = manager
        .createQueryBuilder(SettlementEntity, 's')
        .where('s.status IN (:...statuses)', { statuses: DUE_STATUSES })
        .andWhere('s.nextAttemptAt <= :now', { now: now.getTime() });
      if (filter.excludeSiteIds?.length)
        query.andWhere('s.siteId NOT IN (:...excluded)', { excluded: [...filter.excludeSiteIds] });
      query.orderBy('s.nextAttemptAt', 'ASC').addOrderBy('s.id', 'ASC').limit(limit);
      // SQLite needs no lock: its transactions are serialised (see db-context).
      if (this.db.postgres) query.setLock('pessimistic_write').setOnLocked('skip_locked');
      const claimed: Settlement[] = [];
      for (const row of await query.getMany()) {
        const settlement = settlementToDomain(row);
        settlement.claim(owner, leaseMs, now);
        if (await this.writeIfUnchanged(manager, settlement)) claimed.push(settlement);
      }
      return claimed;
    });
  }

  listExpiredLeases(now: Date, limit: number): Promise<Settlement[]> {
    return this.db.run(async (manager) => {
      const rows = await manager
        .createQueryBuilder(SettlementEntity, 's')
        .where('s.status = :status', { status: 'in_flight' })
        .andWhere('s.leaseExpiresAt < :now', { now: now.getTime() })
        .orderBy('s.leaseExpiresAt', 'ASC')
        .addOrderBy('s.id', 'ASC')
        .limit(limit)
        .getMany();
      return rows.map(settlementToDomain);
    });
  }

  countByStatus(): Promise<Record<SettlementStatus, number>> {
    return this.db.run(async (manager) => {
      const rows = await manager
        .createQueryBuilder(SettlementEntity, 's')
        .select('s.status', 'status')
        .addSelect('COUNT(*)', 'count')
        .groupBy('s.status')
        .getRawMany<{ status: SettlementStatus; count: number | string }>();
      const counts: Record<SettlementStatus, number> = { ...NO_SETTLEMENTS };
      for (const row of rows) counts[row.status] = Number(row.count);
      return counts;
    });
  }

  async insert(settlement: Settlement): Promise<void> {
    await this.db.run((manager) =>
      refusingDuplicates(`Settlement of payment ${settlement.paymentId}`, () =>
        entitySql(manager, SettlementEntity).insert(manager, [settlementToEntity(settlement)]),
      ),
    );
  }

  async update(settlement: Settlement): Promise<void> {
    const written = await this.db.run((manager) => this.writeIfUnchanged(manager, settlement));
    if (!written) {
      throw new ConcurrentModificationError(
        `Settlement ${settlement.id} changed since version ${settlement.version}`,
        {
          metadata: { settlementId: settlement.id, version: settlement.version },
        },
      );
    }
  }

  /** Bumps the version in memory too: the caller's next update of the same object must not conflict. */
  private async writeIfUnchanged(manager: EntityManager, settlement: Settlement): Promise<boolean> {
    const entity = settlementToEntity(settlement);
    const version = entity.version;
    const result = await entitySql(manager, SettlementEntity).updateById(
      manager,
      { ...entity, version: version + 1 },
      SETTLEMENT_MUTABLE_COLUMNS,
      { sql: '"version" = ?', parameters: [version] },
    );
    if (result.affected !== 1) return false;
    settlement.version = version + 1;
    return true;
  }
}
