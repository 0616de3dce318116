import { Injectable } from '@nestjs/common';
import { Bill } from '../../domain/bill';
import { PosAdapterRegistry } from '../../ports/pos-adapter.port';
import { Store } from '../../ports/store.port';
import { BillUpdater } from '../shared/bill-updater';
import { LinkCanceller } from '../shared/link-canceller';

export interface RefreshBillInput {
  siteId: string;
  externalId: string;
}

/** Re-reads one bill from the POS/PMS now: a push hint, a guest scanning the table QR, a settlement done. */
@Injectable()
export class RefreshBill {
  constructor(
    private readonly store: Store,
    private readonly pos: PosAdapterRegistry,
    private readonly updater: BillUpdater,
    private readonly canceller: LinkCanceller,
  ) {}

  async execute(input: RefreshBillInput): Promise<Bill | null> {
    const known = await this.store.bills.findByExternalId(input.siteId, input.externalId);
    const snapshot = await this.pos
      .forSite(input.siteId)
      .getBill({ externalId: input.externalId, attributes: known?.attributes ?? {} });
    const update = await this.updater.apply(input.siteId, input.externalId, snapshot);
    await Promise.all(update.superseded.map((link) => this.canceller.cancel(link)));
    return update.bill;
  }
}
