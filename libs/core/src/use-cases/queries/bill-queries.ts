import { Injectable } from '@nestjs/common';
import { BillNotFoundError } from '../../errors/domain.errors';
import { Bill, BillStatus } from '../../domain/bill';
import { Payment } from '../../domain/payment';
import { PaymentLink } from '../../domain/payment-link';
import { Settlement } from '../../domain/settlement';
import { Store, StoredAuditEvent } from '../../ports/store.port';

export interface BillDetails {
  bill: Bill;
  links: PaymentLink[];
  payments: Payment[];
  settlements: Settlement[];
  events: StoredAuditEvent[];
}

@Injectable()
export class ListBills {
  constructor(private readonly store: Store) {}

  execute(input: { siteId?: string; status?: BillStatus; limit?: number; offset?: number }): Promise<Bill[]> {
    return this.store.bills.list(
      { siteId: input.siteId, status: input.status },
      { limit: Math.min(input.limit ?? 100, 500), offset: input.offset },
    );
  }
}

@Injectable()
export class GetBillDetails {
  constructor(private readonly store: Store) {}

  async execute(input: { billId: string }): Promise<BillDetails> {
    const bill = await this.store.bills.findById(input.billId);
    if (!bill)
      throw new BillNotFoundError(`Bill ${input.billId} not found`, { metadata: { billId: input.billId } });
    const [links, payments, settlements, events] = await Promise.all([
      this.store.links.listByBill(bill.id),
      this.store.payments.listByBill(bill.id),
      this.store.settlements.listByBill(bill.id),
      this.store.events.listByBill(bill.id),
    ]);
    return { bill, links, payments, settlements, events };
  }
}
