import { Module } from '@nestjs/common';
import { AcceptPaymentNotification } from './use-cases/accept-payment-notification/accept-payment-notification.use-case';
import { IssuePaymentLink } from './use-cases/issue-payment-link/issue-payment-link.use-case';
import { ResolveSettlement } from './use-cases/operator-actions/resolve-settlement.use-case';
import { RetrySettlement } from './use-cases/operator-actions/retry-settlement.use-case';
import { ReceiveProviderNotification } from './use-cases/receive-provider-notification/receive-provider-notification.use-case';
import { ReconcileLinks } from './use-cases/reconcile-links/reconcile-links.use-case';
import { RefreshBill } from './use-cases/refresh-bill/refresh-bill.use-case';
import { ProcessDueSettlements } from './use-cases/settle-payments/process-due-settlements.use-case';
import { ResumeSitePostings } from './use-cases/settle-payments/resume-site-postings.use-case';
import { SettlePayment } from './use-cases/settle-payments/settle-payment';
import { AbandonedLinkResolver } from './use-cases/shared/abandoned-link-resolver';
import { BillUpdater } from './use-cases/shared/bill-updater';
import { LinkCanceller } from './use-cases/shared/link-canceller';
import { SweepStuckSettlements } from './use-cases/sweep-stuck-settlements/sweep-stuck-settlements.use-case';
import { GetBillDetails, ListBills } from './use-cases/queries/bill-queries';
import { SyncSiteBills } from './use-cases/sync-site-bills/sync-site-bills.use-case';
import { EmailPaymentLink } from './use-cases/email-payment-link/email-payment-link.use-case';
import { RefundExcess } from './use-cases/refund-excess/refund-excess.use-case';
import { OpenTableBill } from './use-cases/guest/open-table-bill.use-case';
import {
  GetActiveLink,
  GetFloor,
  GetSettlementLatency,
  ListAttention,
  ListEvents,
  ListReconciliationReports,
} from './use-cases/dashboard/dashboard-queries';

export const CORE_USE_CASES = [
  AcceptPaymentNotification,
  ReceiveProviderNotification,
  IssuePaymentLink,
  RefreshBill,
  SyncSiteBills,
  SettlePayment,
  ProcessDueSettlements,
  ResumeSitePostings,
  ReconcileLinks,
  SweepStuckSettlements,
  RetrySettlement,
  ResolveSettlement,
  BillUpdater,
  LinkCanceller,
  AbandonedLinkResolver,
  ListBills,
  GetBillDetails,
  EmailPaymentLink,
  RefundExcess,
  GetFloor,
  ListAttention,
  ListEvents,
  GetSettlementLatency,
  ListReconciliationReports,
  GetActiveLink,
  OpenTableBill,
];

/**
 * The use cases. The ports they need (Store, Clock, SiteDirectory, PosAdapterRegistry,
 * PaymentProviderRegistry, JobLock, SettlementSignal, SettlementPolicy, LinkMailer) are bound by the app that imports it.
 */
@Module({ providers: CORE_USE_CASES, exports: CORE_USE_CASES })
export class CoreModule {}
