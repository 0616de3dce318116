import { Page, Payment, PaymentRepository } from '@bridge/core';
import { DbContext } from '../database/db-context';
import { entitySql } from '../database/entity-sql';
import { refusingDuplicates } from '../database/unique-violation';
import { PaymentEntity } from '../entities/payment.entity';
import { paymentToDomain, paymentToEntity } from '../mappers/payment.mapper';
import { assertUpdated } from './write-checks';

export class TypeormPaymentRepository extends PaymentRepository {
  constructor(private readonly db: DbContext) {
    super();
  }

  findById(id: string): Promise<Payment | null> {
    return this.db.read(async (manager) => {
      const entity = await entitySql(manager, PaymentEntity).selectOne(manager, '"id" = ?', [id]);
      return entity ? paymentToDomain(entity) : null;
    });
  }

  findByProviderOrder(providerOrderId: string, providerStatus: string): Promise<Payment | null> {
    return this.db.run(async (manager) => {
      const entity = await manager.findOneBy(PaymentEntity, { providerOrderId, providerStatus });
      return entity ? paymentToDomain(entity) : null;
    });
  }

  listByBill(billId: string): Promise<Payment[]> {
    return this.db.run(async (manager) => {
      const rows = await manager.find(PaymentEntity, {
        where: { billId },
        order: { createdAt: 'ASC', id: 'ASC' },
      });
      return rows.map(paymentToDomain);
    });
  }

  listWithOpenExcess(siteId: string | undefined, page: Page): Promise<Payment[]> {
    return this.db.run(async (manager) => {
      const rows = await manager.find(PaymentEntity, {
        where: siteId === undefined ? { excessStatus: 'open' } : { excessStatus: 'open', siteId },
        order: { createdAt: 'ASC', id: 'ASC' },
        take: page.limit,
        skip: page.offset,
      });
      return rows.map(paymentToDomain);
    });
  }

  async insert(payment: Payment): Promise<void> {
    await this.db.run((manager) =>
      refusingDuplicates(`Payment of ${payment.providerOrderId} (${payment.providerStatus})`, () =>
        entitySql(manager, PaymentEntity).insert(manager, [paymentToEntity(payment)]),
      ),
    );
  }

  async update(payment: Payment): Promise<void> {
    const { id, createdAt: _created, ...changes } = paymentToEntity(payment);
    const result = await this.db.run((manager) =>
      manager.createQueryBuilder().update(PaymentEntity).set(changes).where('id = :id', { id }).execute(),
    );
    assertUpdated(result, 'Payment', id);
  }
}
