import { AlertCursorEntity } from './alert-cursor.entity';
import { AlertDeliveryEntity } from './alert-delivery.entity';
import { BillEntity } from './bill.entity';
import { CounterEntity } from './counter.entity';
import { EventEntity } from './event.entity';
import { JobLeaseEntity } from './job-lease.entity';
import { NotificationInboxEntity } from './notification-inbox.entity';
import { PaymentLinkEntity } from './payment-link.entity';
import { PaymentEntity } from './payment.entity';
import { ReconciliationReportEntity } from './reconciliation-report.entity';
import { SettlementEntity } from './settlement.entity';

export {
  AlertCursorEntity,
  AlertDeliveryEntity,
  BillEntity,
  CounterEntity,
  EventEntity,
  JobLeaseEntity,
  NotificationInboxEntity,
  PaymentEntity,
  PaymentLinkEntity,
  ReconciliationReportEntity,
  SettlementEntity,
};

/** Listed explicitly: globs do not survive the bundler. */
export const ENTITIES = [
  BillEntity,
  PaymentLinkEntity,
  PaymentEntity,
  SettlementEntity,
  NotificationInboxEntity,
  EventEntity,
  JobLeaseEntity,
  AlertDeliveryEntity,
  AlertCursorEntity,
  ReconciliationReportEntity,
  CounterEntity,
];
