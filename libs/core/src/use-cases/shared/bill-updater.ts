import { Injectable } from '@nestjs/common';
import { DuplicateRecordError } from '../../errors/domain.errors';
import { Bill, BillSnapshot, billFromSnapshot } from '../../domain/bill';
import { newId } from '../../domain/ids';
import { PaymentLink } from '../../domain/payment-link';
import { Clock } from '../../ports/clock.port';
import { AuditEvent, Store } from '../../ports/store.port';
import { billEvent, linkEvent } from './audit';

export interface BillUpdate {
  bill: Bill | null;
  changed: boolean;
  /** Links that no longer stand for the bill and must be canceled at the provider. */
  superseded: PaymentLink[];
}

/** Records what the POS/PMS said about one bill, and retires the link of a bill that changed or closed. */
@Injectable()
export class BillUpdater {
  constructor(
    private readonly store: Store,
    private readonly clock: Clock,
  ) {}

  async apply(siteId: string, externalId: string, snapshot: BillSnapshot | null): Promise<BillUpdate> {
    try {
      return await this.applyOnce(siteId, externalId, snapshot);
    } catch (error) {
      // A sync and a push hint can meet on a bill seen for the first time: the loser reads the winner's row.
      if (!(error instanceof DuplicateRecordError)) throw error;
      return this.applyOnce(siteId, externalId, snapshot);
    }
  }

  private applyOnce(siteId: string, externalId: string, snapshot: BillSnapshot | null): Promise<BillUpdate> {
    return this.store.transaction(async (tx) => {
      const now = this.clock.now();
      const previous = await tx.bills.findByExternalId(siteId, externalId);
      const events: AuditEvent[] = [];
      let bill: Bill;
      let changed: boolean;

      if (!snapshot) {
        if (!previous || previous.status === 'gone')
          return { bill: previous, changed: false, superseded: [] };
        bill = {
          ...previous,
          status: 'gone',
          closedAt: previous.closedAt ?? now,
          updatedAt: now,
          lastSeenAt: now,
        };
        changed = true;
        events.push(billEvent(bill, 'bill.gone', now));
      } else {
        const result = billFromSnapshot(snapshot, {
          id: newId(),
          siteId,
          now,
          previous: previous ?? undefined,
        });
        bill = result.bill;
        changed = result.contentChanged || previous?.externalVersion !== bill.externalVersion;
        if (!previous) {
          events.push(billEvent(bill, 'bill.opened', now, summary(bill)));
        } else if (bill.status === 'closed' && previous.status !== 'closed') {
          events.push(billEvent(bill, 'bill.closed', now, summary(bill)));
        } else if (result.contentChanged) {
          events.push(
            billEvent(bill, 'bill.changed', now, {
              ...summary(bill),
              previousVersion: previous.externalVersion,
            }),
          );
        }
      }
      await tx.bills.save(bill);

      const superseded: PaymentLink[] = [];
      const live = await tx.links.findLiveByBill(bill.id);
      if (live && live.status === 'active') {
        const reason =
          bill.status !== 'open'
            ? 'bill_closed'
            : live.billFingerprint !== bill.fingerprint
              ? 'bill_changed'
              : undefined;
        if (reason) {
          live.supersede(reason, now);
          await tx.links.update(live);
          events.push(linkEvent(live, 'link.superseded', now, { reason }));
          superseded.push(live);
        }
      }
      if (events.length > 0) await tx.events.append(...events);
      return { bill, changed, superseded };
    });
  }
}

function summary(bill: Bill): Record<string, unknown> {
  return {
    version: bill.externalVersion,
    total: bill.total.toJSON(),
    paid: bill.paid.toJSON(),
    amountDue: bill.amountDue.toJSON(),
    lines: bill.lines.length,
  };
}
