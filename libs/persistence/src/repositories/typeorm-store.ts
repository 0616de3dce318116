import {
  BillRepository,
  EventLog,
  NotificationInbox,
  PaymentLinkRepository,
  PaymentRepository,
  SettlementRepository,
  Store,
  StoreScope,
} from '@bridge/core';
import { DataSource } from 'typeorm';
import { DbContext, TransactionContext, dbContextFor } from '../database/db-context';
import { TypeormBillRepository } from './bill.typeorm-repository';
import { TypeormEventLog } from './event-log.typeorm-repository';
import { TypeormNotificationInbox } from './notification-inbox.typeorm-repository';
import { TypeormPaymentLinkRepository } from './payment-link.typeorm-repository';
import { TypeormPaymentRepository } from './payment.typeorm-repository';
import { TypeormSettlementRepository } from './settlement.typeorm-repository';

function scopeOf(db: DbContext): StoreScope {
  return {
    bills: new TypeormBillRepository(db),
    links: new TypeormPaymentLinkRepository(db),
    payments: new TypeormPaymentRepository(db),
    settlements: new TypeormSettlementRepository(db),
    events: new TypeormEventLog(db),
    inbox: new TypeormNotificationInbox(db),
  };
}

export class TypeormStore extends Store {
  readonly bills: BillRepository;
  readonly links: PaymentLinkRepository;
  readonly payments: PaymentRepository;
  readonly settlements: SettlementRepository;
  readonly events: EventLog;
  readonly inbox: NotificationInbox;
  private readonly db: DbContext;

  constructor(dataSource: DataSource) {
    super();
    this.db = dbContextFor(dataSource);
    const scope = scopeOf(this.db);
    this.bills = scope.bills;
    this.links = scope.links;
    this.payments = scope.payments;
    this.settlements = scope.settlements;
    this.events = scope.events;
    this.inbox = scope.inbox;
  }

  transaction<T>(work: (scope: StoreScope) => Promise<T>): Promise<T> {
    return this.db.transaction((manager) => work(scopeOf(new TransactionContext(manager, this.db.postgres))));
  }

  async ping(): Promise<void> {
    await this.db.run((manager) => manager.query('SELECT 1'));
  }
}
