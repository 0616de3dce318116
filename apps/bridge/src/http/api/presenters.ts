import {
  Attention,
  Bill,
  BillDetails,
  FloorEntry,
  Money,
  Payment,
  PaymentLink,
  RefundExcessResult,
  Settlement,
  SiteProfile,
  StoredAuditEvent,
  refundableExcess,
} from '@bridge/core';
import { SiteHealthState } from '../../sites/site-health';
import {
  AttentionDto,
  BillDetailsDto,
  BillDto,
  BillRefDto,
  EventDto,
  FloorBillDto,
  MoneyDto,
  PaymentDto,
  PaymentLinkDto,
  RefundResultDto,
  SettlementDto,
  SiteDto,
} from './api.dto';

// Each presenter returns exactly its DTO's fields: the OpenAPI test rejects anything undocumented.

export function presentMoney(money: Money): MoneyDto {
  return { amount: money.minor, currency: money.currency };
}

export function presentSite(site: SiteProfile, health: SiteHealthState, printer: boolean): SiteDto {
  return {
    id: site.id,
    kind: site.kind,
    name: site.name,
    currency: site.currency,
    language: site.language,
    printer,
    health: {
      status: health.status,
      ...(health.checkedAt ? { checkedAt: health.checkedAt } : {}),
      ...(health.lastSuccessAt ? { lastSuccessAt: health.lastSuccessAt } : {}),
      ...(health.error ? { error: { code: health.error.code, message: health.error.message } } : {}),
    },
  };
}

export function presentBill(bill: Bill): BillDto {
  return {
    id: bill.id,
    siteId: bill.siteId,
    externalId: bill.externalId,
    kind: bill.kind,
    label: bill.label,
    tableCode: bill.tableCode ?? null,
    roomNumber: bill.roomNumber ?? null,
    status: bill.status,
    total: presentMoney(bill.total),
    paid: presentMoney(bill.paid),
    amountDue: presentMoney(bill.amountDue),
    version: bill.externalVersion,
    lines: bill.lines.map((line) => ({
      name: line.name,
      sku: line.sku,
      quantity: line.quantity.toDecimalString(),
      total: presentMoney(line.total),
    })),
    updatedAt: bill.updatedAt.toISOString(),
  };
}

export function presentBillRef(bill: Bill): BillRefDto {
  return {
    id: bill.id,
    siteId: bill.siteId,
    label: bill.label,
    tableCode: bill.tableCode ?? null,
    status: bill.status,
  };
}

export function presentLink(link: PaymentLink): PaymentLinkDto {
  return {
    id: link.id,
    status: link.status,
    statusReason: link.statusReason ?? null,
    merchantOrderId: link.merchantOrderId,
    amount: presentMoney(link.amount),
    paymentUrl: link.paymentUrl ?? null,
    billVersion: link.billVersion,
    expiresAt: link.expiresAt.toISOString(),
    createdAt: link.createdAt.toISOString(),
  };
}

export function presentPayment(payment: Payment, settlement: Settlement | null): PaymentDto {
  return {
    id: payment.id,
    status: payment.status,
    amount: presentMoney(payment.amount),
    channel: payment.channel,
    providerOrderId: payment.providerOrderId,
    paidAt: payment.paidAt?.toISOString() ?? null,
    excess: presentMoney(payment.excess),
    excessStatus: payment.excessStatus,
    refundable: presentMoney(refundableExcess(payment, settlement)),
    refunded: presentMoney(payment.refundedAmount),
  };
}

export function presentSettlement(settlement: Settlement): SettlementDto {
  return {
    id: settlement.id,
    paymentId: settlement.paymentId,
    billId: settlement.billId,
    siteId: settlement.siteId,
    status: settlement.status,
    mode: settlement.mode ?? null,
    amount: presentMoney(settlement.amount),
    appliedAmount: settlement.appliedAmount ? presentMoney(settlement.appliedAmount) : null,
    attempts: settlement.attempts,
    nextAttemptAt: settlement.nextAttemptAt.toISOString(),
    attentionReason: settlement.attentionReason ?? null,
    lastError: settlement.lastError
      ? { code: settlement.lastError.code, message: settlement.lastError.message }
      : null,
    externalRef: settlement.externalRef ?? null,
    appliedAt: settlement.appliedAt?.toISOString() ?? null,
    resolutionNote: settlement.resolutionNote ?? null,
    resolvedBy: settlement.resolvedBy ?? null,
    createdAt: settlement.createdAt.toISOString(),
  };
}

export function presentEvent(event: StoredAuditEvent): EventDto {
  return {
    id: event.id,
    at: event.at.toISOString(),
    siteId: event.siteId,
    type: event.type,
    billId: event.billId ?? null,
    data: event.data,
  };
}

export function presentBillDetails(details: BillDetails): BillDetailsDto {
  const settlementOf = (payment: Payment) =>
    details.settlements.find((s) => s.paymentId === payment.id) ?? null;
  return {
    ...presentBill(details.bill),
    links: details.links.map(presentLink),
    payments: details.payments.map((p) => presentPayment(p, settlementOf(p))),
    settlements: details.settlements.map(presentSettlement),
    events: details.events.map(presentEvent),
  };
}

export function presentFloorBill(entry: FloorEntry): FloorBillDto {
  const { bill } = entry;
  const paidOnline = Money.sum(
    entry.payments.map((p) => p.amount),
    bill.currency,
  );
  return {
    id: bill.id,
    siteId: bill.siteId,
    label: bill.label,
    kind: bill.kind,
    tableCode: bill.tableCode ?? null,
    roomNumber: bill.roomNumber ?? null,
    status: entry.status,
    billStatus: bill.status,
    total: presentMoney(bill.total),
    amountDue: presentMoney(bill.amountDue),
    paidOnline: presentMoney(paidOnline),
    linkExpiresAt: entry.liveLink?.status === 'active' ? entry.liveLink.expiresAt.toISOString() : null,
    updatedAt: bill.updatedAt.toISOString(),
  };
}

export function presentAttention(attention: Attention): AttentionDto {
  return {
    settlements: attention.settlements.map((item) => ({
      settlement: presentSettlement(item.settlement),
      payment: item.payment ? presentPayment(item.payment, item.settlement) : null,
      bill: item.bill ? presentBillRef(item.bill) : null,
    })),
    payments: attention.payments.map((item) => ({
      payment: presentPayment(item.payment, item.settlement),
      settlement: item.settlement ? presentSettlement(item.settlement) : null,
      bill: item.bill ? presentBillRef(item.bill) : null,
    })),
  };
}

export function presentRefund(result: RefundExcessResult): RefundResultDto {
  return {
    paymentId: result.payment.id,
    refundId: result.refundId,
    status: result.status,
    amount: presentMoney(result.amount),
    providerRefundId: result.providerRefundId ?? null,
  };
}
