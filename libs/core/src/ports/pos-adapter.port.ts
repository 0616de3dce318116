import { BillSnapshot } from '../domain/bill';
import { Money } from '../domain/money';
import { SettlementMode } from '../domain/settlement';

export interface BillSummary {
  externalId: string;
  /** null when the POS/PMS cannot tell cheaply (FIAS): the bill is re-read on the slow refresh cycle. */
  externalVersion: string | null;
}

export interface BillRef {
  externalId: string;
  attributes: Record<string, string>;
}

export interface ApplyPaymentCommand {
  bill: BillRef;
  /** The bill version the decision was taken on. */
  expectedVersion: string;
  /** The bridge's payment id: written into the POS/PMS where it has room for a reference. */
  paymentId: string;
  providerOrderId: string;
  amount: Money;
  mode: SettlementMode;
}

export interface AppliedPosPayment {
  /** The POS/PMS's own reference for what was applied (r_keeper line_guid, FIAS P#). */
  externalRef: string;
  amount: Money;
  mode: SettlementMode;
}

export interface FindAppliedPaymentQuery {
  bill: BillRef;
  paymentId: string;
  amount: Money;
  mode: SettlementMode;
  sentAt: Date;
  /** References already matched to other settlements of this bill. */
  excludeExternalRefs: string[];
}

export type PosPaymentLookup =
  | { status: 'found'; payment: AppliedPosPayment }
  | { status: 'not_found' }
  | { status: 'undeterminable'; reason: string };

export interface BillChangeHint {
  /** Absent: re-read everything (the POS/PMS asked for a resync). */
  externalId?: string;
  reason: string;
  /** The POS/PMS takes postings again (a night audit ended): payments it held back may go now. */
  postingsResumed?: boolean;
}

export interface PosHealth {
  ok: boolean;
  detail: string;
}

/**
 * One POS or PMS. Errors: UpstreamUnavailableError (nothing happened), UpstreamOutcomeUnknownError
 * (a write may have happened), PosRejectedError (refused, with a reason), UpstreamAuth/Tls/ProtocolError.
 */
export abstract class PosAdapter {
  abstract readonly vendor: string;

  abstract listOpenBills(): Promise<BillSummary[]>;

  /** null when the POS/PMS no longer knows the bill; closed bills come back with status `closed`. */
  abstract getBill(ref: BillRef): Promise<BillSnapshot | null>;

  abstract applyPayment(command: ApplyPaymentCommand): Promise<AppliedPosPayment>;

  /** Reads the POS/PMS back after an attempt whose outcome is unknown. */
  abstract findAppliedPayment(query: FindAppliedPaymentQuery): Promise<PosPaymentLookup>;

  abstract checkHealth(): Promise<PosHealth>;

  /** Push hints from the POS/PMS; adapters without them keep this default. */
  onBillChanged(_listener: (hint: BillChangeHint) => void): () => void {
    return () => undefined;
  }

  async start(): Promise<void> {}

  async stop(): Promise<void> {}
}

export abstract class PosAdapterRegistry {
  abstract forSite(siteId: string): PosAdapter;
}
