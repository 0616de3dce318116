import { randomUUID } from 'node:crypto';
import {
  Bill,
  Money,
  Payment,
  PaymentLink,
  PaymentLinkProps,
  PaymentProps,
  Quantity,
  Settlement,
  SettlementProps,
} from '@bridge/core';

export const T0 = new Date('2026-03-01T12:00:00.000Z');

export function at(offsetMs: number): Date {
  return new Date(T0.getTime() + offsetMs);
}

export function rub(minor: number): Money {
  return Money.of(minor, 'RUB');
}

export function aBill(overrides: Partial<Bill> = {}): Bill {
  return {
    id: randomUUID(),
    siteId: 'cafe-1',
    externalId: `order-${randomUUID()}`,
    kind: 'table_check',
    label: 'Стол 5',
    tableCode: '5',
    currency: 'RUB',
    lines: [
      { lineId: 'l1', sku: '101', name: 'Борщ', quantity: Quantity.parse('1.5'), total: rub(45_000) },
      {
        lineId: 'l2',
        sku: '202',
        name: 'Чай',
        quantity: Quantity.units(2),
        total: rub(12_050),
        vatCode: 'RUS_VAT10',
      },
    ],
    total: rub(57_050),
    paid: rub(0),
    amountDue: rub(57_050),
    externalVersion: '7',
    fingerprint: 'f'.repeat(32),
    revision: 1,
    status: 'open',
    attributes: { visit: '42', orderIdent: '1007' },
    firstSeenAt: T0,
    lastSeenAt: at(1_000),
    updatedAt: at(1_000),
    ...overrides,
  };
}

export function aLink(
  bill: Pick<Bill, 'id' | 'siteId' | 'externalId'>,
  overrides: Partial<PaymentLinkProps> = {},
): PaymentLink {
  const attempt = overrides.attempt ?? 1;
  const billVersion = overrides.billVersion ?? '7';
  return new PaymentLink({
    id: randomUUID(),
    siteId: bill.siteId,
    billId: bill.id,
    billExternalId: bill.externalId,
    billVersion,
    billFingerprint: 'f'.repeat(32),
    attempt,
    merchantOrderId: PaymentLink.merchantOrderIdFor(bill.siteId, bill.externalId, billVersion, attempt),
    amount: rub(57_050),
    status: 'creating',
    expiresAt: at(3 * 3_600_000),
    createdAt: T0,
    updatedAt: T0,
    ...overrides,
  });
}

export function aPayment(link: PaymentLink, overrides: Partial<PaymentProps> = {}): Payment {
  return new Payment({
    id: randomUUID(),
    siteId: link.siteId,
    billId: link.billId,
    linkId: link.id,
    providerOrderId: link.providerOrderId ?? `ibox-${randomUUID()}`,
    providerStatus: 'completed',
    amount: link.amount,
    channel: 'webhook',
    status: 'confirmed',
    paidAt: at(5_000),
    excess: rub(0),
    excessStatus: 'none',
    refundedAmount: rub(0),
    createdAt: at(6_000),
    updatedAt: at(6_000),
    ...overrides,
  });
}

export function aSettlement(payment: Payment, overrides: Partial<SettlementProps> = {}): Settlement {
  return new Settlement({
    id: randomUUID(),
    paymentId: payment.id,
    siteId: payment.siteId,
    billId: payment.billId,
    billExternalId: 'order-1',
    amount: payment.amount,
    status: 'pending',
    attempts: 0,
    nextAttemptAt: at(6_000),
    version: 0,
    createdAt: at(6_000),
    updatedAt: at(6_000),
    ...overrides,
  });
}
