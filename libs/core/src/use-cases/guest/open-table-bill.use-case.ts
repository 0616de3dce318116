import { Injectable } from '@nestjs/common';
import { BillNotPayableError } from '../../errors/domain.errors';
import { Bill } from '../../domain/bill';
import { PaymentLink } from '../../domain/payment-link';
import { SiteDirectory } from '../../ports/site-directory.port';
import { Store } from '../../ports/store.port';
import { IssuePaymentLink } from '../issue-payment-link/issue-payment-link.use-case';

export interface OpenTableBillInput {
  siteId: string;
  tableCode: string;
  /** Chosen on a table with several open bills, or carried by the guest's Pay form. */
  billId?: string;
}

export type TableBillView =
  | { kind: 'none' }
  | { kind: 'choose'; bills: Bill[] }
  | { kind: 'payable'; bill: Bill; link: PaymentLink }
  | { kind: 'paid'; bill: Bill };

/**
 * What a guest who scanned a table's static QR may see: that table's bill, re-read from the POS, with a
 * link for its current amount. An unknown site, table or bill all look the same ('none'): a guest page
 * must never tell one site's bills to someone probing another's.
 */
@Injectable()
export class OpenTableBill {
  constructor(
    private readonly store: Store,
    private readonly sites: SiteDirectory,
    private readonly issue: IssuePaymentLink,
  ) {}

  async execute(input: OpenTableBillInput): Promise<TableBillView> {
    if (!this.sites.list().some((site) => site.id === input.siteId)) return { kind: 'none' };
    const open = await this.store.bills.findOpenByTable(input.siteId, input.tableCode);
    let bill: Bill | undefined;
    if (input.billId) {
      bill = open.find((b) => b.id === input.billId) ?? (await this.closedAtTable(input));
      if (!bill) return { kind: 'none' };
    } else if (open.length > 1) {
      return { kind: 'choose', bills: open };
    } else {
      bill = open[0];
    }
    if (!bill) return { kind: 'none' };
    if (bill.status !== 'open') return bill.status === 'closed' ? { kind: 'paid', bill } : { kind: 'none' };
    try {
      const issued = await this.issue.execute({ billId: bill.id, refresh: true });
      return { kind: 'payable', bill: issued.bill, link: issued.link };
    } catch (error) {
      if (!(error instanceof BillNotPayableError)) throw error;
      const fresh = (await this.store.bills.findById(bill.id)) ?? bill;
      const settled = fresh.status === 'closed' || (fresh.status === 'open' && !fresh.amountDue.isPositive());
      return settled ? { kind: 'paid', bill: fresh } : { kind: 'none' };
    }
  }

  private async closedAtTable(input: OpenTableBillInput): Promise<Bill | undefined> {
    const bill = input.billId ? await this.store.bills.findById(input.billId) : null;
    const sameTable = bill && bill.siteId === input.siteId && bill.tableCode === input.tableCode;
    return sameTable ? bill : undefined;
  }
}
