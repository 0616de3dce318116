/** The migrations' key names, for reporting unique violations: SQLite names columns, not constraints. */
export interface UniqueKey {
  name: string;
  table: string;
  columns: readonly string[];
}

export const PRIMARY_KEYS = {
  bills: 'bills_pkey',
  paymentLinks: 'payment_links_pkey',
  payments: 'payments_pkey',
  settlements: 'settlements_pkey',
  notificationInbox: 'notification_inbox_pkey',
  events: 'events_pkey',
  jobLeases: 'job_leases_pkey',
  alertDeliveries: 'alert_deliveries_pkey',
  alertCursors: 'alert_cursors_pkey',
} as const;

export const UNIQUE_NAMES = {
  billExternalId: 'uq_bills_site_external_id',
  linkMerchantOrderId: 'uq_payment_links_merchant_order_id',
  linkLiveBill: 'ux_payment_links_live_bill',
  paymentProviderOrder: 'uq_payments_provider_order_status',
  settlementPayment: 'uq_settlements_payment_id',
  inboxProviderOrder: 'uq_notification_inbox_provider_order_status',
  alertDeliveryEndpointEvent: 'uq_alert_deliveries_endpoint_event',
} as const;

export const INDEX_NAMES = {
  billsSiteStatus: 'ix_bills_site_status',
  linksPolling: 'ix_payment_links_polling',
  linksProviderOrder: 'ix_payment_links_provider_order_id',
  linksBillVersion: 'ix_payment_links_bill_version',
  paymentsBill: 'ix_payments_bill_id',
  paymentsExcess: 'ix_payments_excess',
  settlementsDue: 'ix_settlements_due',
  settlementsLease: 'ix_settlements_lease_expires_at',
  settlementsBill: 'ix_settlements_bill_id',
  eventsBill: 'ix_events_bill_id',
  eventsSiteAt: 'ix_events_site_at',
  alertDeliveriesDue: 'ix_alert_deliveries_due',
} as const;

export const FOREIGN_KEY_NAMES = {
  linkBill: 'fk_payment_links_bill',
  paymentLink: 'fk_payments_link',
  settlementPayment: 'fk_settlements_payment',
} as const;

export const UNIQUE_KEYS: readonly UniqueKey[] = [
  { name: PRIMARY_KEYS.bills, table: 'bills', columns: ['id'] },
  { name: PRIMARY_KEYS.paymentLinks, table: 'payment_links', columns: ['id'] },
  { name: PRIMARY_KEYS.payments, table: 'payments', columns: ['id'] },
  { name: PRIMARY_KEYS.settlements, table: 'settlements', columns: ['id'] },
  { name: PRIMARY_KEYS.notificationInbox, table: 'notification_inbox', columns: ['id'] },
  { name: PRIMARY_KEYS.events, table: 'events', columns: ['id'] },
  { name: PRIMARY_KEYS.jobLeases, table: 'job_leases', columns: ['key'] },
  { name: UNIQUE_NAMES.billExternalId, table: 'bills', columns: ['site_id', 'external_id'] },
  { name: UNIQUE_NAMES.linkMerchantOrderId, table: 'payment_links', columns: ['merchant_order_id'] },
  { name: UNIQUE_NAMES.linkLiveBill, table: 'payment_links', columns: ['bill_id'] },
  {
    name: UNIQUE_NAMES.paymentProviderOrder,
    table: 'payments',
    columns: ['provider_order_id', 'provider_status'],
  },
  { name: UNIQUE_NAMES.settlementPayment, table: 'settlements', columns: ['payment_id'] },
  {
    name: UNIQUE_NAMES.inboxProviderOrder,
    table: 'notification_inbox',
    columns: ['provider_order_id', 'provider_status'],
  },
  { name: PRIMARY_KEYS.alertDeliveries, table: 'alert_deliveries', columns: ['id'] },
  { name: PRIMARY_KEYS.alertCursors, table: 'alert_cursors', columns: ['name'] },
  {
    name: UNIQUE_NAMES.alertDeliveryEndpointEvent,
    table: 'alert_deliveries',
    columns: ['endpoint_key', 'event_id'],
  },
];
