import { BillLine, BillSnapshot, Money, Quantity } from '@bridge/core';

/** Builds a consistent bill snapshot: totals always match the lines. */
export class BillSnapshotBuilder {
  private lines: BillLine[] = [];
  private paidMinor = 0;
  private props: Partial<BillSnapshot> = {};

  constructor(private readonly currency = 'RUB') {}

  withLine(name: string, priceMinor: number, quantityMilli = 1000, vatCode?: string): this {
    const quantity = Quantity.ofMilli(quantityMilli);
    this.lines.push({
      lineId: `line-${this.lines.length + 1}`,
      sku: `sku-${this.lines.length + 1}`,
      name,
      quantity,
      total: Money.of(quantity.times(priceMinor), this.currency),
      vatCode,
    });
    return this;
  }

  withPaid(minor: number): this {
    this.paidMinor = minor;
    return this;
  }

  with(props: Partial<BillSnapshot>): this {
    Object.assign(this.props, props);
    return this;
  }

  build(): BillSnapshot {
    const total = Money.sum(
      this.lines.map((l) => l.total),
      this.currency,
    );
    const paid = Money.of(this.paidMinor, this.currency);
    return {
      externalId: 'order-1',
      kind: 'table_check',
      label: 'Стол 5',
      tableCode: '5',
      currency: this.currency,
      lines: this.lines,
      total,
      paid,
      amountDue: total.subtract(paid),
      externalVersion: '1',
      status: 'open',
      attributes: {},
      ...this.props,
    };
  }
}

export function aBillSnapshot(currency = 'RUB'): BillSnapshotBuilder {
  return new BillSnapshotBuilder(currency);
}
