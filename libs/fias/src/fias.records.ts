import { Money } from '@bridge/core';
import { FiasRecord, assertValidFieldId } from './fias.codec';
import { FiasProtocolError } from './fias.errors';
import { FiasFieldReader, FiasFieldWriter, FiasSlotAmounts, FIAS_SLOTS } from './fias.fields';

export const FIAS_ANSWER_STATUSES = [
  'OK',
  'NG',
  'NP',
  'CO',
  'DM',
  'UR',
  'RY',
  'NA',
  'FX',
  'IA',
  'DN',
  'BM',
  'CD',
  'NF',
  'BY',
  'NR',
  'DE',
  'AA',
  'AN',
] as const;
export type FiasAnswerStatus = (typeof FIAS_ANSWER_STATUSES)[number];

export function isFiasAnswerStatus(value: string): value is FiasAnswerStatus {
  return (FIAS_ANSWER_STATUSES as readonly string[]).includes(value);
}

export interface FiasStamp {
  readonly date?: string;
  readonly time?: string;
}

export type FiasStampRecordId = 'LS' | 'LA' | 'LE' | 'DR' | 'DS' | 'DE' | 'NS' | 'NE';

export interface FiasLinkDescription extends FiasStamp {
  readonly version?: string;
  readonly interfaceFamily?: string;
}

export interface FiasLinkRecord {
  readonly recordId: string;
  readonly fieldIds: readonly string[];
}

export type FiasGuestRecordId = 'GI' | 'GO' | 'GC';

export interface FiasGuestRecord extends FiasStamp {
  readonly room: string;
  readonly oldRoom?: string;
  readonly reservation?: string;
  readonly guestName?: string;
  readonly language?: string;
  readonly shareFlag?: string;
  readonly arrival?: string;
  readonly departure?: string;
  readonly vip?: string;
  readonly profile?: string;
  readonly swap?: boolean;
}

export interface FiasPostingAmounts {
  readonly total: Money;
  readonly subtotals?: FiasSlotAmounts;
  readonly taxes?: FiasSlotAmounts;
  readonly discounts?: FiasSlotAmounts;
  readonly tip?: Money;
  readonly serviceCharge?: Money;
}

interface FiasPostingCommon extends FiasStamp {
  readonly salesOutlet?: string;
  readonly userId?: string;
  readonly postingNumber: number;
  readonly paymentMethod?: string;
}

interface FiasPostingDetails extends FiasPostingAmounts {
  readonly postingType?: string;
  readonly checkNumber?: string;
  readonly covers?: number;
  readonly servingTime?: string;
  readonly table?: string;
  readonly text?: string;
}

export interface FiasPostingSimple extends FiasPostingCommon, FiasPostingDetails {
  readonly room: string;
  readonly workstation?: string;
}

export interface FiasPostingInquiry extends FiasPostingCommon {
  readonly kind: 'inquiry';
  readonly workstation: string;
  readonly inquiry: string;
  readonly maxMatches?: number;
}

export interface FiasPostingRequest extends FiasPostingCommon, FiasPostingDetails {
  readonly kind: 'posting';
  readonly workstation: string;
  readonly room: string;
  readonly reservation?: string;
  readonly guestName?: string;
}

export interface FiasGuestMatch {
  readonly room?: string;
  readonly reservation?: string;
  readonly guestName?: string;
  readonly arrival?: string;
  readonly departure?: string;
  readonly language?: string;
  readonly vip?: string;
  readonly profile?: string;
  readonly balance?: Money;
  readonly creditLimit?: Money;
  readonly noPost?: boolean;
}

export interface FiasPostingList extends FiasStamp {
  readonly salesOutlet?: string;
  readonly workstation?: string;
  readonly userId?: string;
  readonly postingNumber: number;
  readonly paymentMethod?: string;
  readonly matches: readonly FiasGuestMatch[];
}

export interface FiasPostingAnswer extends FiasStamp {
  readonly status: FiasAnswerStatus;
  readonly text?: string;
  readonly salesOutlet?: string;
  readonly workstation?: string;
  readonly userId?: string;
  readonly room?: string;
  readonly reservation?: string;
  readonly guestName?: string;
  readonly checkNumber?: string;
  readonly postingNumber?: number;
}

export interface FiasBillRequest extends FiasStamp {
  readonly room: string;
  readonly reservation?: string;
  readonly workstation?: string;
}

export interface FiasBillItem extends FiasStamp {
  readonly room?: string;
  readonly folioWindow?: number;
  readonly reservation?: string;
  readonly departmentCode?: string;
  readonly amount: Money;
  readonly description?: string;
  readonly display?: boolean;
}

export interface FiasBillBalance extends FiasStamp {
  readonly room?: string;
  readonly reservation?: string;
  readonly balance?: Money;
  readonly status: FiasAnswerStatus;
  readonly text?: string;
}

export interface FiasRemoteCheckout extends FiasStamp {
  readonly room: string;
  readonly reservation?: string;
  readonly balance?: Money;
  readonly status?: FiasAnswerStatus;
  readonly text?: string;
}

const stamp = (w: FiasFieldWriter, s: FiasStamp): FiasFieldWriter => w.date('DA', s.date).time('TI', s.time);
const readStamp = (r: FiasFieldReader): FiasStamp => ({ date: r.date('DA'), time: r.time('TI') });

function expectId(record: FiasRecord, ...ids: string[]): void {
  if (!ids.includes(record.id)) {
    throw new FiasProtocolError('FIAS.RECORD_UNEXPECTED', `Expected ${ids.join('/')}, got ${record.id}`, {
      metadata: { recordId: record.id, expected: ids },
    });
  }
}

function answerStatus(r: FiasFieldReader): FiasAnswerStatus {
  const status = r.requiredText('AS');
  if (!isFiasAnswerStatus(status)) {
    throw new FiasProtocolError('FIAS.FIELD_INVALID', `Unknown answer status "${status.slice(0, 8)}"`, {
      metadata: { recordId: r.record.id, field: 'AS' },
    });
  }
  return status;
}

function optionalAnswerStatus(r: FiasFieldReader): FiasAnswerStatus | undefined {
  return r.optionalText('AS') === undefined ? undefined : answerStatus(r);
}

function clean<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}

export function buildStampRecord(id: FiasStampRecordId, value: FiasStamp = {}): FiasRecord {
  return stamp(new FiasFieldWriter(id), value).build();
}

export function parseStampRecord(record: FiasRecord): FiasStamp {
  expectId(record, 'LS', 'LA', 'LE', 'DR', 'DS', 'DE', 'NS', 'NE');
  return clean(readStamp(new FiasFieldReader(record)));
}

export function buildLinkDescription(value: FiasLinkDescription): FiasRecord {
  return stamp(new FiasFieldWriter('LD'), value)
    .text('V#', value.version)
    .text('IF', value.interfaceFamily)
    .build();
}

export function parseLinkDescription(record: FiasRecord): FiasLinkDescription {
  expectId(record, 'LD');
  const r = new FiasFieldReader(record);
  return clean({ ...readStamp(r), version: r.optionalText('V#'), interfaceFamily: r.optionalText('IF') });
}

/** `LR|RIXB|FLRNG#BAASDATI|`: the `RI..|FL..` layout is fixed; FL concatenates 2-character field ids. */
export function buildLinkRecord(value: FiasLinkRecord): FiasRecord {
  for (const id of value.fieldIds) assertValidFieldId(id);
  return new FiasFieldWriter('LR').text('RI', value.recordId).text('FL', value.fieldIds.join('')).build();
}

export function parseLinkRecord(record: FiasRecord): FiasLinkRecord {
  expectId(record, 'LR');
  const r = new FiasFieldReader(record);
  const recordId = r.requiredText('RI');
  const list = r.requiredText('FL');
  if (recordId.length !== 2 || list.length % 2 !== 0) {
    throw new FiasProtocolError('FIAS.FIELD_INVALID', 'LR needs a 2-character RI and an even-length FL', {
      metadata: { recordId },
    });
  }
  const fieldIds: string[] = [];
  for (let i = 0; i < list.length; i += 2) fieldIds.push(list.slice(i, i + 2));
  for (const id of fieldIds) assertValidFieldId(id);
  return { recordId, fieldIds };
}

export function buildGuestRecord(id: FiasGuestRecordId, value: FiasGuestRecord): FiasRecord {
  const w = new FiasFieldWriter(id)
    .text('RN', value.room)
    .text('RO', value.oldRoom)
    .text('G#', value.reservation)
    .text('GN', value.guestName)
    .text('GL', value.language)
    .text('GS', value.shareFlag)
    .date('GA', value.arrival)
    .date('GD', value.departure)
    .text('GV', value.vip)
    .text('G+', value.profile)
    .flag('SF', value.swap);
  return stamp(w, value).build();
}

export function parseGuestRecord(record: FiasRecord): FiasGuestRecord {
  expectId(record, 'GI', 'GO', 'GC');
  const r = new FiasFieldReader(record);
  return clean({
    room: r.requiredText('RN'),
    oldRoom: r.optionalText('RO'),
    reservation: r.optionalText('G#'),
    guestName: r.optionalText('GN'),
    language: r.optionalText('GL'),
    shareFlag: r.optionalText('GS'),
    arrival: r.date('GA'),
    departure: r.date('GD'),
    vip: r.optionalText('GV'),
    profile: r.optionalText('G+'),
    swap: r.has('SF') ? true : undefined,
    ...readStamp(r),
  });
}

function writeAmounts(w: FiasFieldWriter, value: FiasPostingAmounts): FiasFieldWriter {
  return w
    .money('TA', value.total)
    .slots('S', value.subtotals)
    .slots('T', value.taxes)
    .slots('D', value.discounts)
    .money('TP', value.tip)
    .money('SC', value.serviceCharge);
}

function readAmounts(r: FiasFieldReader): FiasPostingAmounts {
  return {
    total: r.requiredMoney('TA'),
    subtotals: r.slots('S'),
    taxes: r.slots('T'),
    discounts: r.slots('D'),
    tip: r.money('TP'),
    serviceCharge: r.money('SC'),
  };
}

/** `TA = ΣS + ΣT + ΣD + TP + SC` (IFC8 FIAS, PR posting; otherwise the PMS answers `DM`). */
export function sumPostingParts(value: Omit<FiasPostingAmounts, 'total'>, currency: string): Money {
  const parts: Money[] = [];
  for (const amounts of [value.subtotals, value.taxes, value.discounts]) {
    for (const slot of FIAS_SLOTS) {
      const amount = amounts?.[slot];
      if (amount !== undefined) parts.push(amount);
    }
  }
  if (value.tip !== undefined) parts.push(value.tip);
  if (value.serviceCharge !== undefined) parts.push(value.serviceCharge);
  return Money.sum(parts, currency);
}

export function postingAmountsBalance(value: FiasPostingAmounts): boolean {
  return sumPostingParts(value, value.total.currency).equals(value.total);
}

function writeDetailsTail(
  w: FiasFieldWriter,
  value: FiasPostingDetails & FiasPostingCommon,
): FiasFieldWriter {
  w.text('C#', value.checkNumber)
    .integer('CV', value.covers)
    .text('ST', value.servingTime)
    .text('T#', value.table)
    .text('CT', value.text);
  return stamp(w, value).integer('P#', value.postingNumber).text('PM', value.paymentMethod);
}

function readDetails(r: FiasFieldReader): Omit<FiasPostingDetails, keyof FiasPostingAmounts> {
  return {
    postingType: r.optionalText('PT'),
    checkNumber: r.optionalText('C#'),
    covers: r.integer('CV'),
    servingTime: r.optionalText('ST'),
    table: r.optionalText('T#'),
    text: r.optionalText('CT'),
  };
}

function readCommon(r: FiasFieldReader): FiasPostingCommon {
  return {
    salesOutlet: r.optionalText('SO'),
    userId: r.optionalText('ID'),
    postingNumber: r.requiredInteger('P#'),
    paymentMethod: r.optionalText('PM'),
    ...readStamp(r),
  };
}

export function buildPostingSimple(value: FiasPostingSimple): FiasRecord {
  const w = new FiasFieldWriter('PS')
    .text('SO', value.salesOutlet)
    .text('WS', value.workstation)
    .text('ID', value.userId)
    .text('RN', value.room)
    .text('PT', value.postingType);
  return writeDetailsTail(writeAmounts(w, value), value).build();
}

export function parsePostingSimple(record: FiasRecord, currency: string): FiasPostingSimple {
  expectId(record, 'PS');
  const r = new FiasFieldReader(record, currency);
  return clean({
    ...readCommon(r),
    ...readDetails(r),
    ...readAmounts(r),
    room: r.requiredText('RN'),
    workstation: r.optionalText('WS'),
  });
}

export function buildPostingInquiry(value: Omit<FiasPostingInquiry, 'kind'>): FiasRecord {
  const w = new FiasFieldWriter('PR')
    .text('SO', value.salesOutlet)
    .text('WS', value.workstation)
    .text('ID', value.userId)
    .text('PI', value.inquiry)
    .integer('MX', value.maxMatches);
  return stamp(w, value).integer('P#', value.postingNumber).text('PM', value.paymentMethod).build();
}

export function buildPostingRequest(value: Omit<FiasPostingRequest, 'kind'>): FiasRecord {
  const w = new FiasFieldWriter('PR')
    .text('SO', value.salesOutlet)
    .text('WS', value.workstation)
    .text('ID', value.userId)
    .text('RN', value.room)
    .text('G#', value.reservation)
    .text('GN', value.guestName)
    .text('PT', value.postingType);
  return writeDetailsTail(writeAmounts(w, value), value).build();
}

export function parsePostingRequest(
  record: FiasRecord,
  currency: string,
): FiasPostingInquiry | FiasPostingRequest {
  expectId(record, 'PR');
  const r = new FiasFieldReader(record, currency);
  const common = readCommon(r);
  const workstation = r.requiredText('WS');
  if (r.has('PI')) {
    return clean({
      kind: 'inquiry' as const,
      ...common,
      workstation,
      inquiry: r.requiredText('PI'),
      maxMatches: r.integer('MX'),
    });
  }
  return clean({
    kind: 'posting' as const,
    ...common,
    ...readDetails(r),
    ...readAmounts(r),
    workstation,
    room: r.requiredText('RN'),
    reservation: r.optionalText('G#'),
    guestName: r.optionalText('GN'),
  });
}

const MATCH_FIELDS = new Set([
  'RN',
  'G#',
  'GN',
  'GA',
  'GD',
  'GL',
  'GV',
  'G+',
  'BA',
  'CL',
  'NP',
  'GF',
  'GT',
  'GG',
]);

export function buildPostingList(value: FiasPostingList): FiasRecord {
  const w = new FiasFieldWriter('PL')
    .text('SO', value.salesOutlet)
    .text('WS', value.workstation)
    .text('ID', value.userId);
  for (const match of value.matches) {
    w.text('RN', match.room)
      .text('G#', match.reservation)
      .text('GN', match.guestName)
      .date('GA', match.arrival)
      .date('GD', match.departure)
      .text('GL', match.language)
      .text('GV', match.vip)
      .text('G+', match.profile)
      .money('BA', match.balance)
      .money('CL', match.creditLimit)
      .yesNo('NP', match.noPost);
  }
  return stamp(w.integer('P#', value.postingNumber).text('PM', value.paymentMethod), value).build();
}

/**
 * PL repeats the guest fields once per matching account (sharers). A new match starts whenever a
 * guest field repeats, so both `RN G# GN` and `G# GN RN` orders (as the LR asked) parse.
 */
export function parsePostingList(record: FiasRecord, currency: string): FiasPostingList {
  expectId(record, 'PL');
  const groups: FiasRecord[] = [];
  let current: { id: string; value: string }[] = [];
  for (const field of record.fields) {
    if (!MATCH_FIELDS.has(field.id)) continue;
    if (current.some((f) => f.id === field.id)) {
      groups.push({ id: 'PL', fields: current });
      current = [];
    }
    current.push(field);
  }
  if (current.length > 0) groups.push({ id: 'PL', fields: current });
  const r = new FiasFieldReader(record, currency);
  return clean({
    salesOutlet: r.optionalText('SO'),
    workstation: r.optionalText('WS'),
    userId: r.optionalText('ID'),
    postingNumber: r.requiredInteger('P#'),
    paymentMethod: r.optionalText('PM'),
    ...readStamp(r),
    matches: groups.map((group) => {
      const g = new FiasFieldReader(group, currency);
      return clean({
        room: g.optionalText('RN'),
        reservation: g.optionalText('G#'),
        guestName: g.optionalText('GN'),
        arrival: g.date('GA'),
        departure: g.date('GD'),
        language: g.optionalText('GL'),
        vip: g.optionalText('GV'),
        profile: g.optionalText('G+'),
        balance: g.money('BA'),
        creditLimit: g.money('CL'),
        noPost: g.yesNo('NP'),
      });
    }),
  });
}

export function buildPostingAnswer(value: FiasPostingAnswer): FiasRecord {
  const w = new FiasFieldWriter('PA')
    .text('SO', value.salesOutlet)
    .text('WS', value.workstation)
    .text('ID', value.userId)
    .text('RN', value.room)
    .text('G#', value.reservation)
    .text('GN', value.guestName)
    .text('AS', value.status)
    .text('CT', value.text)
    .text('C#', value.checkNumber);
  return stamp(w, value).integer('P#', value.postingNumber).build();
}

export function parsePostingAnswer(record: FiasRecord): FiasPostingAnswer {
  expectId(record, 'PA');
  const r = new FiasFieldReader(record);
  return clean({
    status: answerStatus(r),
    text: r.optionalText('CT'),
    salesOutlet: r.optionalText('SO'),
    workstation: r.optionalText('WS'),
    userId: r.optionalText('ID'),
    room: r.optionalText('RN'),
    reservation: r.optionalText('G#'),
    guestName: r.optionalText('GN'),
    checkNumber: r.optionalText('C#'),
    postingNumber: r.integer('P#'),
    ...readStamp(r),
  });
}

export function buildBillRequest(value: FiasBillRequest): FiasRecord {
  const w = new FiasFieldWriter('XR')
    .text('RN', value.room)
    .text('G#', value.reservation)
    .text('WS', value.workstation);
  return stamp(w, value).build();
}

export function parseBillRequest(record: FiasRecord): FiasBillRequest {
  expectId(record, 'XR');
  const r = new FiasFieldReader(record);
  return clean({
    room: r.requiredText('RN'),
    reservation: r.optionalText('G#'),
    workstation: r.optionalText('WS'),
    ...readStamp(r),
  });
}

export function buildBillItem(value: FiasBillItem): FiasRecord {
  const w = new FiasFieldWriter('XI')
    .text('RN', value.room)
    .integer('F#', value.folioWindow)
    .text('G#', value.reservation)
    .text('DC', value.departmentCode)
    .money('BI', value.amount)
    .text('BD', value.description);
  return stamp(w, value).yesNo('FD', value.display).build();
}

export function parseBillItem(record: FiasRecord, currency: string): FiasBillItem {
  expectId(record, 'XI');
  const r = new FiasFieldReader(record, currency);
  return clean({
    room: r.optionalText('RN'),
    folioWindow: r.integer('F#'),
    reservation: r.optionalText('G#'),
    departmentCode: r.optionalText('DC'),
    amount: r.requiredMoney('BI'),
    description: r.optionalText('BD'),
    display: r.yesNo('FD'),
    ...readStamp(r),
  });
}

export function buildBillBalance(value: FiasBillBalance): FiasRecord {
  const w = new FiasFieldWriter('XB')
    .text('RN', value.room)
    .text('G#', value.reservation)
    .money('BA', value.balance)
    .text('AS', value.status)
    .text('CT', value.text);
  return stamp(w, value).build();
}

export function parseBillBalance(record: FiasRecord, currency: string): FiasBillBalance {
  expectId(record, 'XB');
  const r = new FiasFieldReader(record, currency);
  return clean({
    room: r.optionalText('RN'),
    reservation: r.optionalText('G#'),
    balance: r.money('BA'),
    status: answerStatus(r),
    text: r.optionalText('CT'),
    ...readStamp(r),
  });
}

export function buildRemoteCheckout(value: FiasRemoteCheckout): FiasRecord {
  const w = new FiasFieldWriter('XC')
    .text('RN', value.room)
    .text('G#', value.reservation)
    .money('BA', value.balance)
    .text('AS', value.status)
    .text('CT', value.text);
  return stamp(w, value).build();
}

export function parseRemoteCheckout(record: FiasRecord, currency: string): FiasRemoteCheckout {
  expectId(record, 'XC');
  const r = new FiasFieldReader(record, currency);
  return clean({
    room: r.requiredText('RN'),
    reservation: r.optionalText('G#'),
    balance: r.money('BA'),
    status: optionalAnswerStatus(r),
    text: r.optionalText('CT'),
    ...readStamp(r),
  });
}

export type FiasTypedRecord =
  | { readonly id: FiasStampRecordId; readonly data: FiasStamp }
  | { readonly id: 'LD'; readonly data: FiasLinkDescription }
  | { readonly id: 'LR'; readonly data: FiasLinkRecord }
  | { readonly id: FiasGuestRecordId; readonly data: FiasGuestRecord }
  | { readonly id: 'PS'; readonly data: FiasPostingSimple }
  | { readonly id: 'PR'; readonly data: FiasPostingInquiry | FiasPostingRequest }
  | { readonly id: 'PL'; readonly data: FiasPostingList }
  | { readonly id: 'PA'; readonly data: FiasPostingAnswer }
  | { readonly id: 'XR'; readonly data: FiasBillRequest }
  | { readonly id: 'XI'; readonly data: FiasBillItem }
  | { readonly id: 'XB'; readonly data: FiasBillBalance }
  | { readonly id: 'XC'; readonly data: FiasRemoteCheckout };

export function parseTypedRecord(record: FiasRecord, currency: string): FiasTypedRecord {
  switch (record.id) {
    case 'LS':
    case 'LA':
    case 'LE':
    case 'DR':
    case 'DS':
    case 'DE':
    case 'NS':
    case 'NE':
      return { id: record.id, data: parseStampRecord(record) };
    case 'LD':
      return { id: 'LD', data: parseLinkDescription(record) };
    case 'LR':
      return { id: 'LR', data: parseLinkRecord(record) };
    case 'GI':
    case 'GO':
    case 'GC':
      return { id: record.id, data: parseGuestRecord(record) };
    case 'PS':
      return { id: 'PS', data: parsePostingSimple(record, currency) };
    case 'PR':
      return { id: 'PR', data: parsePostingRequest(record, currency) };
    case 'PL':
      return { id: 'PL', data: parsePostingList(record, currency) };
    case 'PA':
      return { id: 'PA', data: parsePostingAnswer(record) };
    case 'XR':
      return { id: 'XR', data: parseBillRequest(record) };
    case 'XI':
      return { id: 'XI', data: parseBillItem(record, currency) };
    case 'XB':
      return { id: 'XB', data: parseBillBalance(record, currency) };
    case 'XC':
      return { id: 'XC', data: parseRemoteCheckout(record, currency) };
    default:
      throw new FiasProtocolError('FIAS.RECORD_UNKNOWN', `Unsupported FIAS record ${record.id}`, {
        metadata: { recordId: record.id },
      });
  }
}
