import { createHash } from 'node:crypto';
import { InvalidBillError } from '../errors/domain.errors';
import { Money } from './money';
import { Quantity } from './quantity';

export type BillKind = 'table_check' | 'room_folio';
export type BillStatus = 'open' | 'closed' | 'gone';

export interface BillLine {
  /** The POS/PMS line id (r_keeper line_guid, folio window + item). */
  lineId: string;
  /** Dish code or department code: becomes the basket `sku`. */
  sku: string;
  /** What the guest paid for, in the merchant's words (54-FZ: dish names, not "Order #1"). */
  name: string;
  quantity: Quantity;
  /** The final line total after modifiers and discounts. */
  total: Money;
  /** Overrides the site's fiscal VAT code for this line. */
  vatCode?: string;
}

/** What the POS/PMS says about one open bill right now. Produced by adapters, validated here. */
export interface BillSnapshot {
  externalId: string;
  kind: BillKind;
  /** Shown to staff and guests: "Стол 5", "Room 2781". */
  label: string;
  tableCode?: string;
  roomNumber?: string;
  guestName?: string;
  guestEmail?: string;
  currency: string;
  lines: BillLine[];
  /** Sum of the lines. */
  total: Money;
  /** Already paid or prepaid at the POS/PMS. */
  paid: Money;
  /** What the guest still owes. */
  amountDue: Money;
  /** r_keeper order `version`, a folio digest: changes whenever the bill changes. */
  externalVersion: string;
  status: 'open' | 'closed';
  /** Vendor references the adapter needs later (visit, order ident, reservation number...). */
  attributes: Record<string, string>;
}

export function validateBillSnapshot(snapshot: BillSnapshot): BillSnapshot {
  const fail = (message: string): never => {
    throw new InvalidBillError(message, { metadata: { externalId: snapshot.externalId } });
  };
  if (!snapshot.externalId) fail('A bill needs an external id');
  if (!snapshot.externalVersion) fail('A bill needs an external version');
  for (const money of [
    snapshot.total,
    snapshot.paid,
    snapshot.amountDue,
    ...snapshot.lines.map((l) => l.total),
  ]) {
    if (money.currency !== snapshot.currency) fail(`Bill amounts must all be in ${snapshot.currency}`);
  }
  const linesTotal = Money.sum(
    snapshot.lines.map((l) => l.total),
    snapshot.currency,
  );
  if (!linesTotal.equals(snapshot.total)) {
    fail(`Bill lines add up to ${linesTotal.toString()} but the total is ${snapshot.total.toString()}`);
  }
  if (snapshot.amountDue.isNegative()) fail('The amount due cannot be negative');
  if (snapshot.paid.isNegative()) fail('The paid amount cannot be negative');
  return snapshot;
}

/** A digest of what the guest would pay for: changes when a dish, a price or a payment changes. */
export function billFingerprint(snapshot: BillSnapshot): string {
  const canonical = JSON.stringify([
    snapshot.currency,
    snapshot.total.minor,
    snapshot.paid.minor,
    snapshot.amountDue.minor,
    snapshot.status,
    snapshot.lines.map((l) => [l.lineId, l.sku, l.name, l.quantity.milli, l.total.minor, l.vatCode ?? '']),
  ]);
  return createHash('sha256').update(canonical).digest('hex').slice(0, 32);
}

export interface Bill {
  id: string;
  siteId: string;
  externalId: string;
  kind: BillKind;
  label: string;
  tableCode?: string;
  roomNumber?: string;
  guestName?: string;
  guestEmail?: string;
  currency: string;
  lines: BillLine[];
  total: Money;
  paid: Money;
  amountDue: Money;
  externalVersion: string;
  fingerprint: string;
  /** Counts content changes seen by the bridge. */
  revision: number;
  status: BillStatus;
  attributes: Record<string, string>;
  firstSeenAt: Date;
  lastSeenAt: Date;
  closedAt?: Date;
  updatedAt: Date;
}

export function isPayable(bill: Bill): boolean {
  return bill.status === 'open' && bill.amountDue.isPositive() && bill.lines.length > 0;
}

/** The bill as the bridge now knows it, after a fresh snapshot from the POS/PMS. */
export function billFromSnapshot(
  snapshot: BillSnapshot,
  context: { id: string; siteId: string; now: Date; previous?: Bill },
): { bill: Bill; contentChanged: boolean } {
  validateBillSnapshot(snapshot);
  const fingerprint = billFingerprint(snapshot);
  const previous = context.previous;
  const contentChanged = !previous || previous.fingerprint !== fingerprint || previous.status !== 'open';
  const bill: Bill = {
    id: previous?.id ?? context.id,
    siteId: context.siteId,
    externalId: snapshot.externalId,
    kind: snapshot.kind,
    label: snapshot.label,
    tableCode: snapshot.tableCode,
    roomNumber: snapshot.roomNumber,
    guestName: snapshot.guestName,
    guestEmail: snapshot.guestEmail,
    currency: snapshot.currency,
    lines: snapshot.lines,
    total: snapshot.total,
    paid: snapshot.paid,
    amountDue: snapshot.amountDue,
    externalVersion: snapshot.externalVersion,
    fingerprint,
    revision: previous ? previous.revision + (previous.fingerprint !== fingerprint ? 1 : 0) : 1,
    status: snapshot.status,
    attributes: snapshot.attributes,
    firstSeenAt: previous?.firstSeenAt ?? context.now,
    lastSeenAt: context.now,
    closedAt: snapshot.status === 'closed' ? (previous?.closedAt ?? context.now) : undefined,
    updatedAt:
      contentChanged || previous?.externalVersion !== snapshot.externalVersion
        ? context.now
        : previous.updatedAt,
  };
  return { bill, contentChanged };
}
