/** Money in a report: integer minor units, as everywhere in the HTTP API. */
export interface MoneyJson {
  amount: number;
  currency: string;
}

/**
 * What the daily three-way reconciliation can find. Stable values: scripts and the operations guide use them.
 * - paid_but_open: money at Invoicebox, the bill still open at the POS/PMS and the payment not on it.
 * - closed_at_pos_but_paid_online: the bill was closed by other means, an online payment exists: money to return.
 * - paid_twice: completed payments of one bill add up to more than its total.
 * - overpaid: the POS/PMS took what was due; the rest of the payment waits to be returned.
 * - confirmed_unknown_to_bridge: Invoicebox completed an order the bridge recorded no payment for.
 * - applied_without_confirmed_payment: applied at the POS/PMS, but Invoicebox does not show the order completed.
 * - unconfirmed_payment: the bridge recorded a payment Invoicebox does not show as completed (not applied).
 * - applied_missing_at_pos: the bridge applied it, but the POS/PMS shows no such payment.
 * - refund_unknown_to_bridge / refund_missing_at_provider / refund_mismatch: the two refund ledgers disagree.
 */
export type MismatchKind =
  | 'paid_but_open'
  | 'closed_at_pos_but_paid_online'
  | 'paid_twice'
  | 'overpaid'
  | 'confirmed_unknown_to_bridge'
  | 'applied_without_confirmed_payment'
  | 'unconfirmed_payment'
  | 'applied_missing_at_pos'
  | 'refund_unknown_to_bridge'
  | 'refund_missing_at_provider'
  | 'refund_mismatch';

export const MISMATCH_KINDS: readonly MismatchKind[] = [
  'paid_but_open',
  'closed_at_pos_but_paid_online',
  'paid_twice',
  'overpaid',
  'confirmed_unknown_to_bridge',
  'applied_without_confirmed_payment',
  'unconfirmed_payment',
  'applied_missing_at_pos',
  'refund_unknown_to_bridge',
  'refund_missing_at_provider',
  'refund_mismatch',
];

/**
 * What the run did about a mismatch. `waiting_for_person`: it is on the dashboard's attention list
 * (or needs a look in the report); `recorded`: a payment the bridge had missed is now recorded and settling.
 */
export type MismatchAction =
  | 'none'
  | 'recorded'
  | 'refunded'
  | 'refund_pending'
  | 'refund_in_progress'
  | 'refund_failed'
  | 'waiting_for_person';

export interface ReconciliationMismatch {
  kind: MismatchKind;
  billId?: string;
  billExternalId?: string;
  billLabel?: string;
  paymentIds: string[];
  providerOrderId?: string;
  /** The money in question: to return, missing, or counted twice. */
  amount: MoneyJson;
  detail: string;
  action: MismatchAction;
}

export interface ReconciliationTotals {
  invoicebox: { completedOrders: number; completed: MoneyJson; refunds: number; refunded: MoneyJson };
  bridge: {
    payments: number;
    paid: MoneyJson;
    applied: number;
    appliedAmount: MoneyJson;
    waitingForPerson: number;
    refunds: number;
    refunded: MoneyJson;
  };
  pos: {
    billsChecked: number;
    billsUnreadable: number;
    paymentsVerified: number;
    paymentsUnverifiable: number;
  };
}

export interface ReconciliationReport {
  /** `<siteId>:<date>`: a rerun for the same day replaces the report. */
  id: string;
  siteId: string;
  /** The site's calendar day, YYYY-MM-DD. */
  date: string;
  timeZone: string;
  /** ISO instants: the day is [from, to). */
  from: string;
  to: string;
  generatedAt: string;
  status: 'clean' | 'mismatches';
  totals: ReconciliationTotals;
  byKind: Partial<Record<MismatchKind, number>>;
  mismatches: ReconciliationMismatch[];
  files?: { json: string; csv: string };
  /** Why the files could not be written; the report is in the database all the same. */
  filesError?: string;
}

const CSV_COLUMNS = [
  'date',
  'siteId',
  'kind',
  'billId',
  'billExternalId',
  'billLabel',
  'paymentIds',
  'providerOrderId',
  'amountMinor',
  'currency',
  'action',
  'detail',
] as const;

function csvCell(value: string | number | undefined): string {
  const text = value === undefined ? '' : String(value);
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** One row per mismatch, RFC 4180 quoting, CRLF line ends (what spreadsheets expect). */
export function reconciliationCsv(report: ReconciliationReport): string {
  const rows = report.mismatches.map((m) =>
    [
      report.date,
      report.siteId,
      m.kind,
      m.billId,
      m.billExternalId,
      m.billLabel,
      m.paymentIds.join(' '),
      m.providerOrderId,
      m.amount.amount,
      m.amount.currency,
      m.action,
      m.detail,
    ]
      .map(csvCell)
      .join(','),
  );
  return [CSV_COLUMNS.join(','), ...rows].join('\r\n') + '\r\n';
}
