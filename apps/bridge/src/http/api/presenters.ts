import { Bill, BillDetails, Payment, PaymentLink, Settlement, StoredAuditEvent } from '@bridge/core';

// Money leaves the bridge as integer minor units plus currency: { amount: 105050, currency: 'RUB' }.

export function presentBill(bill: Bill) {
  return {
    id: bill.id,
    siteId: bill.siteId,
    externalId: bill.externalId,
    kind: bill.kind,
    label: bill.label,
    tableCode: bill.tableCode ?? null,
    roomNumber: bill.roomNumber ?? null,
    status: bill.status,
    total: bill.total.toJSON(),
    paid: bill.paid.toJSON(),
    amountDue: bill.amountDue.toJSON(),
    version: bill.externalVersion,
    lines: bill.lines.map((line) => ({
      name: line.name,
      sku: line.sku,
      quantity: line.quantity.toDecimalString(),
      total: line.total.toJSON(),
    })),
    updatedAt: bill.updatedAt.toISOString(),
  };
}

export function presentLink(link: PaymentLink) {
  return {
    id: link.id,
    status: link.status,
    statusReason: link.statusReason ?? null,
    merchantOrderId: link.merchantOrderId,
    amount: link.amount.toJSON(),
    paymentUrl: link.paymentUrl ?? null,
    billVersion: link.billVersion,
    expiresAt: link.expiresAt.toISOString(),
    createdAt: link.createdAt.toISOString(),
  };
}

export function presentPayment(payment: Payment) {
  return {
    id: payment.id,
    status: payment.status,
    amount: payment.amount.toJSON(),
    channel: payment.channel,
    providerOrderId: payment.providerOrderId,
    paidAt: payment.paidAt?.toISOString() ?? null,
    excess: payment.excess.toJSON(),
    excessStatus: payment.excessStatus,
    refunded: payment.refundedAmount.toJSON(),
  };
}

export function presentSettlement(settlement: Settlement) {
  return {
    id: settlement.id,
    paymentId: settlement.paymentId,
    status: settlement.status,
    mode: settlement.mode ?? null,
    amount: settlement.amount.toJSON(),
    appliedAmount: settlement.appliedAmount?.toJSON() ?? null,
    attempts: settlement.attempts,
    nextAttemptAt: settlement.nextAttemptAt.toISOString(),
    attentionReason: settlement.attentionReason ?? null,
    lastError: settlement.lastError ?? null,
    externalRef: settlement.externalRef ?? null,
    appliedAt: settlement.appliedAt?.toISOString() ?? null,
    resolutionNote: settlement.resolutionNote ?? null,
  };
}

export function presentEvent(event: StoredAuditEvent) {
  return { id: event.id, at: event.at.toISOString(), type: event.type, data: event.data };
}

export function presentBillDetails(details: BillDetails) {
  return {
    ...presentBill(details.bill),
    links: details.links.map(presentLink),
    payments: details.payments.map(presentPayment),
    settlements: details.settlements.map(presentSettlement),
    events: details.events.map(presentEvent),
  };
}
