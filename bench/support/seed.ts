import { randomUUID } from 'node:crypto';
import { Money } from '@bridge/core';
import { createDataSourceOptions, runMigrations } from '@bridge/persistence';
import { DataSource, EntityTarget, ObjectLiteral } from 'typeorm';
import { BillEntity } from '../../libs/persistence/src/entities/bill.entity';
import { PaymentLinkEntity } from '../../libs/persistence/src/entities/payment-link.entity';
import { billToEntity } from '../../libs/persistence/src/mappers/bill.mapper';
import { paymentLinkToEntity } from '../../libs/persistence/src/mappers/payment-link.mapper';
import { aBill, aLink } from '../../libs/persistence/src/testing/fixtures';
import { PaidOrder } from './notifications';

const AMOUNT_MINOR = 57_050;
const CHUNK = 400;

export async function openMigrated(databaseUrl: string): Promise<DataSource> {
  const dataSource = await new DataSource(createDataSourceOptions(databaseUrl)).initialize();
  await runMigrations(dataSource);
  return dataSource;
}

/**
 * `count` open bills, each with an active Invoicebox link, so that every notification of the benchmark is
 * a new payment. Written in bulk, outside the bridge.
 */
export async function seedActiveLinks(
  databaseUrl: string,
  siteId: string,
  count: number,
): Promise<PaidOrder[]> {
  const dataSource = await openMigrated(databaseUrl);
  try {
    const orders: PaidOrder[] = [];
    const bills: BillEntity[] = [];
    const links: PaymentLinkEntity[] = [];
    for (let i = 0; i < count; i++) {
      const bill = aBill({ siteId, externalId: `bench-order-${i}`, tableCode: String(1 + (i % 50)) });
      const providerOrderId = randomUUID();
      const link = aLink(bill, {
        status: 'active',
        providerOrderId,
        paymentUrl: `https://pay.invoicebox.ru/order/${providerOrderId}`,
        amount: Money.of(AMOUNT_MINOR, 'RUB'),
      });
      bills.push(billToEntity(bill));
      links.push(paymentLinkToEntity(link));
      orders.push({ providerOrderId, merchantOrderId: link.merchantOrderId, amountMinor: AMOUNT_MINOR });
    }
    await dataSource.transaction(async (manager) => {
      const insert = async <T extends ObjectLiteral>(target: EntityTarget<T>, rows: T[]) => {
        for (let start = 0; start < rows.length; start += CHUNK) {
          await manager
            .createQueryBuilder()
            .insert()
            .into(target)
            .values(rows.slice(start, start + CHUNK))
            .updateEntity(false)
            .execute();
        }
      };
      await insert(BillEntity, bills);
      await insert(PaymentLinkEntity, links);
    });
    return orders;
  } finally {
    await dataSource.destroy();
  }
}

export interface LedgerCheck {
  payments: number;
  distinctOrders: number;
  settlements: number;
  paymentsWithOtherThanOneSettlement: number;
  paidLinks: number;
  inbox: number;
}

/** What the notifications left in the ledger. */
export async function checkLedger(databaseUrl: string): Promise<LedgerCheck> {
  const dataSource = await new DataSource(createDataSourceOptions(databaseUrl)).initialize();
  try {
    const count = async (sql: string): Promise<number> => {
      const rows: unknown = await dataSource.query(sql);
      const first: unknown = Array.isArray(rows) ? rows[0] : undefined;
      const value: unknown =
        typeof first === 'object' && first !== null ? Reflect.get(first, 'n') : undefined;
      return Number(value);
    };
    return {
      payments: await count(`SELECT COUNT(*) AS "n" FROM "payments"`),
      distinctOrders: await count(`SELECT COUNT(DISTINCT "provider_order_id") AS "n" FROM "payments"`),
      settlements: await count(`SELECT COUNT(*) AS "n" FROM "settlements"`),
      paymentsWithOtherThanOneSettlement: await count(
        `SELECT COUNT(*) AS "n" FROM "payments" p WHERE (SELECT COUNT(*) FROM "settlements" s WHERE s."payment_id" = p."id") <> 1`,
      ),
      paidLinks: await count(`SELECT COUNT(*) AS "n" FROM "payment_links" WHERE "status" = 'paid'`),
      inbox: await count(`SELECT COUNT(*) AS "n" FROM "notification_inbox"`),
    };
  } finally {
    await dataSource.destroy();
  }
}
