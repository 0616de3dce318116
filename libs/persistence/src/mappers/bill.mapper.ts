import { Bill, BillKind, BillLine, BillStatus, InvalidBillError, Money, Quantity } from '@bridge/core';
import { BillEntity } from '../entities/bill.entity';
import {
  CorruptColumnError,
  isRecord,
  nullable,
  optional,
  parseJsonColumn,
  parseStringRecord,
} from './json-columns';

interface StoredLine {
  lineId: string;
  sku: string;
  name: string;
  quantityMilli: number;
  totalMinor: number;
  vatCode?: string;
}

export function billToEntity(bill: Bill): BillEntity {
  const entity = new BillEntity();
  entity.id = bill.id;
  entity.siteId = bill.siteId;
  entity.externalId = bill.externalId;
  entity.kind = bill.kind;
  entity.label = bill.label;
  entity.tableCode = nullable(bill.tableCode);
  entity.roomNumber = nullable(bill.roomNumber);
  entity.guestName = nullable(bill.guestName);
  entity.guestEmail = nullable(bill.guestEmail);
  entity.currency = bill.currency;
  entity.lines = JSON.stringify(bill.lines.map((line) => storedLine(bill, line)));
  entity.totalMinor = minorIn(bill, bill.total);
  entity.paidMinor = minorIn(bill, bill.paid);
  entity.amountDueMinor = minorIn(bill, bill.amountDue);
  entity.externalVersion = bill.externalVersion;
  entity.fingerprint = bill.fingerprint;
  entity.revision = bill.revision;
  entity.status = bill.status;
  entity.attributes = JSON.stringify(bill.attributes);
  entity.firstSeenAt = bill.firstSeenAt;
  entity.lastSeenAt = bill.lastSeenAt;
  entity.closedAt = nullable(bill.closedAt);
  entity.updatedAt = bill.updatedAt;
  return entity;
}

export function billToDomain(entity: BillEntity): Bill {
  const currency = entity.currency;
  return {
    id: entity.id,
    siteId: entity.siteId,
    externalId: entity.externalId,
    kind: entity.kind as BillKind,
    label: entity.label,
    tableCode: optional(entity.tableCode),
    roomNumber: optional(entity.roomNumber),
    guestName: optional(entity.guestName),
    guestEmail: optional(entity.guestEmail),
    currency,
    lines: parseLines(entity),
    total: Money.of(entity.totalMinor, currency),
    paid: Money.of(entity.paidMinor, currency),
    amountDue: Money.of(entity.amountDueMinor, currency),
    externalVersion: entity.externalVersion,
    fingerprint: entity.fingerprint,
    revision: entity.revision,
    status: entity.status as BillStatus,
    attributes: parseStringRecord(entity.attributes, 'bills', 'attributes', entity.id),
    firstSeenAt: entity.firstSeenAt,
    lastSeenAt: entity.lastSeenAt,
    closedAt: optional(entity.closedAt),
    updatedAt: entity.updatedAt,
  };
}

function minorIn(bill: Bill, money: Money): number {
  if (money.currency !== bill.currency) {
    throw new InvalidBillError(`Bill amounts must all be in ${bill.currency}`, {
      metadata: { billId: bill.id },
    });
  }
  return money.minor;
}

function storedLine(bill: Bill, line: BillLine): StoredLine {
  const stored: StoredLine = {
    lineId: line.lineId,
    sku: line.sku,
    name: line.name,
    quantityMilli: line.quantity.milli,
    totalMinor: minorIn(bill, line.total),
  };
  if (line.vatCode !== undefined) stored.vatCode = line.vatCode;
  return stored;
}

function parseLines(entity: BillEntity): BillLine[] {
  const corrupt = (detail: string): never => {
    throw new CorruptColumnError('bills', 'lines', entity.id, detail);
  };
  const value = parseJsonColumn(entity.lines, 'bills', 'lines', entity.id);
  if (!Array.isArray(value)) return corrupt('not a JSON array');
  return value.map((item: unknown, index): BillLine => {
    if (
      !isRecord(item) ||
      typeof item.lineId !== 'string' ||
      typeof item.sku !== 'string' ||
      typeof item.name !== 'string' ||
      typeof item.quantityMilli !== 'number' ||
      typeof item.totalMinor !== 'number' ||
      (item.vatCode !== undefined && typeof item.vatCode !== 'string')
    ) {
      return corrupt(`line ${index} has an unexpected shape`);
    }
    const line: BillLine = {
      lineId: item.lineId,
      sku: item.sku,
      name: item.name,
      quantity: Quantity.ofMilli(item.quantityMilli),
      total: Money.of(item.totalMinor, entity.currency),
    };
    if (typeof item.vatCode === 'string') line.vatCode = item.vatCode;
    return line;
  });
}
