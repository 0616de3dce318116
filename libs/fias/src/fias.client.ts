import { Money, PosFailureReason, PosRejectedError, UpstreamOutcomeUnknownError } from '@bridge/core';
import { FiasProtocolError, FiasRejectedError, isFiasProtocolError } from './fias.errors';
import { toFiasDate, toFiasTime } from './fias.fields';
import { FiasLink } from './fias.link';
import {
  FiasAnswerStatus,
  FiasBillItem,
  FiasGuestMatch,
  FiasPostingAmounts,
  FiasPostingAnswer,
  FiasPostingList,
  buildBillRequest,
  buildPostingInquiry,
  buildPostingRequest,
  buildRemoteCheckout,
  parseBillBalance,
  parseBillItem,
  parsePostingAnswer,
  parsePostingList,
  parseRemoteCheckout,
  sumPostingParts,
} from './fias.records';

export interface FiasClientOptions {
  currency: string;
  workstation: string;
  salesOutlet?: string;
  userId?: string;
  /** `PM` the hotel maps to the transaction code these postings go to. */
  paymentMethod?: string;
  maxMatches?: number;
  clock?: () => Date;
}

export type FiasInquiryResult =
  | {
      readonly found: true;
      readonly postingNumber: number;
      readonly matches: readonly FiasGuestMatch[];
      readonly list: FiasPostingList;
    }
  | {
      readonly found: false;
      readonly postingNumber: number;
      readonly status: FiasAnswerStatus;
      readonly text?: string;
      readonly answer: FiasPostingAnswer;
    };

export interface FiasPostingInput extends FiasPostingAmounts {
  readonly room: string;
  readonly reservation?: string;
  readonly guestName?: string;
  readonly inquiryPostingNumber: number;
  readonly checkNumber?: string;
  readonly covers?: number;
  readonly table?: string;
  readonly text?: string;
  readonly paymentMethod?: string;
  readonly salesOutlet?: string;
  /** DA/TI; `C#`+`DA`+`TI` must be identical across postings of one check. */
  readonly at?: Date;
}

export interface FiasPostingResult {
  readonly status: FiasAnswerStatus;
  readonly accepted: boolean;
  readonly text?: string;
  readonly postingNumber: number;
  readonly answer: FiasPostingAnswer;
  readonly sentText: string;
}

export interface FiasBillView {
  readonly room: string;
  readonly reservation: string;
  readonly items: readonly FiasBillItem[];
  readonly balance: Money;
  /** Sum of the items flagged `FDY` (Oracle recommends showing the guest this). */
  readonly displayedTotal: Money;
}

export interface FiasRemoteCheckoutResult {
  readonly status: FiasAnswerStatus;
  readonly text?: string;
}

export type FiasExchanger = Pick<FiasLink, 'allocatePostingNumber' | 'exchange' | 'timeouts'>;

const NO_POSTING_SPLIT_FIELDS = ['subtotals', 'taxes', 'discounts', 'tip', 'serviceCharge'] as const;

/** Inquiry, posting, bill view and remote checkout over a FiasLink. Retry policy is the caller's. */
export class FiasClient {
  private readonly clock: () => Date;

  constructor(
    private readonly link: FiasExchanger,
    private readonly options: FiasClientOptions,
  ) {
    this.clock = options.clock ?? (() => new Date());
  }

  async inquire(search: string, options: { maxMatches?: number } = {}): Promise<FiasInquiryResult> {
    let postingNumber = await this.link.allocatePostingNumber();
    // Some IFC builds compare P# with PI; never let a numeric room search equal its own P#.
    if (String(postingNumber) === search) postingNumber = await this.link.allocatePostingNumber();
    const now = this.clock();
    const record = buildPostingInquiry({
      salesOutlet: this.options.salesOutlet,
      workstation: this.options.workstation,
      userId: this.options.userId,
      inquiry: search,
      maxMatches: options.maxMatches ?? this.options.maxMatches,
      date: toFiasDate(now),
      time: toFiasTime(now),
      postingNumber,
      paymentMethod: this.options.paymentMethod,
    });
    const { answer } = await this.link.exchange({
      record,
      match: { by: 'posting_number', postingNumber, workstation: this.options.workstation },
      answers: ['PL', 'PA'],
      effect: 'read',
      operation: 'PR inquiry',
      timeoutMs: this.link.timeouts.postingMs,
    });
    if (answer.id === 'PL') {
      const list = parsePostingList(answer, this.options.currency);
      return { found: true, postingNumber, matches: list.matches, list };
    }
    const pa = parsePostingAnswer(answer);
    return { found: false, postingNumber, status: pa.status, text: pa.text, answer: pa };
  }

  /**
   * PR posting to a guest found by a prior inquiry. Sends `S1 = TA` when no split is given; refuses
   * (before sending) amounts that break `TA = ΣS + ΣT + ΣD + TP + SC`.
   */
  async post(input: FiasPostingInput): Promise<FiasPostingResult> {
    const amounts = this.checkedAmounts(input);
    const postingNumber = await this.link.allocatePostingNumber();
    if (postingNumber === input.inquiryPostingNumber) {
      throw new FiasProtocolError('FIAS.POSTING_NUMBER_REUSED', 'A posting must not reuse the inquiry P#', {
        metadata: { postingNumber },
      });
    }
    const at = input.at ?? this.clock();
    const record = buildPostingRequest({
      salesOutlet: input.salesOutlet ?? this.options.salesOutlet,
      workstation: this.options.workstation,
      userId: this.options.userId,
      room: input.room,
      reservation: input.reservation,
      guestName: input.guestName,
      ...amounts,
      checkNumber: input.checkNumber,
      covers: input.covers,
      table: input.table,
      text: input.text,
      date: toFiasDate(at),
      time: toFiasTime(at),
      postingNumber,
      paymentMethod: input.paymentMethod ?? this.options.paymentMethod,
    });
    const { answer, sentText } = await this.link.exchange({
      record,
      match: { by: 'posting_number', postingNumber, workstation: this.options.workstation },
      answers: ['PA'],
      effect: 'write',
      operation: 'PR posting',
      timeoutMs: this.link.timeouts.postingMs,
    });
    let pa: FiasPostingAnswer;
    try {
      pa = parsePostingAnswer(answer);
    } catch (error) {
      throw new UpstreamOutcomeUnknownError('FIAS PR posting: unreadable PA', {
        upstream: 'fias',
        operation: 'PR posting',
        cause: error,
        metadata: { postingNumber },
      });
    }
    return {
      status: pa.status,
      accepted: pa.status === 'OK',
      text: pa.text,
      postingNumber,
      answer: pa,
      sentText,
    };
  }

  async billView(room: string, reservation: string): Promise<FiasBillView> {
    const now = this.clock();
    const { answer, collected } = await this.link.exchange({
      record: buildBillRequest({ room, reservation, date: toFiasDate(now), time: toFiasTime(now) }),
      match: { by: 'bill_channel', room },
      answers: ['XB'],
      collect: ['XI'],
      effect: 'read',
      operation: 'XR bill view',
    });
    const currency = this.options.currency;
    const xb = parseBillBalance(answer, currency);
    if (xb.status !== 'OK') {
      throw new FiasRejectedError(xb.status, xb.text, {
        operation: 'XR bill view',
        metadata: { room, reservation },
      });
    }
    if (xb.balance === undefined) {
      throw new FiasProtocolError('FIAS.FIELD_MISSING', 'XB ASOK without BA', { metadata: { room } });
    }
    const items = collected
      .map((record) => parseBillItem(record, currency))
      .filter((item) => item.reservation === undefined || item.reservation === reservation);
    const displayedTotal = Money.sum(
      items.filter((item) => item.display !== false).map((item) => item.amount),
      currency,
    );
    return { room, reservation, items, balance: xb.balance, displayedTotal };
  }

  /** XC: `ASOK` only means checkout started; it is done when the PMS sends GO. */
  async remoteCheckout(room: string, reservation: string, balance: Money): Promise<FiasRemoteCheckoutResult> {
    this.assertCurrency(balance);
    const now = this.clock();
    const { answer } = await this.link.exchange({
      record: buildRemoteCheckout({
        room,
        reservation,
        balance,
        date: toFiasDate(now),
        time: toFiasTime(now),
      }),
      match: { by: 'bill_channel', room },
      answers: ['XC'],
      effect: 'write',
      operation: 'XC remote checkout',
    });
    let status: FiasAnswerStatus | undefined;
    let text: string | undefined;
    try {
      ({ status, text } = parseRemoteCheckout(answer, this.options.currency));
    } catch (error) {
      if (!isFiasProtocolError(error)) throw error;
    }
    if (status === undefined) {
      throw new UpstreamOutcomeUnknownError('FIAS XC answer without a readable AS', {
        upstream: 'fias',
        operation: 'XC remote checkout',
        metadata: { room },
      });
    }
    return { status, text };
  }

  private checkedAmounts(input: FiasPostingInput): FiasPostingAmounts {
    const all = [
      input.total,
      input.tip,
      input.serviceCharge,
      ...[input.subtotals, input.taxes, input.discounts].flatMap((slots) => Object.values(slots ?? {})),
    ];
    for (const amount of all) if (amount !== undefined) this.assertCurrency(amount);
    const split = NO_POSTING_SPLIT_FIELDS.some((key) => input[key] !== undefined);
    // Reference §4: with no split, send a single S1 = TA so the PMS's DM rule holds.
    const amounts: FiasPostingAmounts = split
      ? {
          total: input.total,
          subtotals: input.subtotals,
          taxes: input.taxes,
          discounts: input.discounts,
          tip: input.tip,
          serviceCharge: input.serviceCharge,
        }
      : { total: input.total, subtotals: { 1: input.total } };
    const sum = sumPostingParts(amounts, this.options.currency);
    if (!sum.equals(input.total)) {
      throw new FiasProtocolError('FIAS.AMOUNT_MISMATCH', `TA ${input.total.minor} != parts ${sum.minor}`, {
        metadata: { total: input.total.minor, parts: sum.minor },
      });
    }
    return amounts;
  }

  private assertCurrency(amount: Money): void {
    if (amount.currency !== this.options.currency) {
      throw new FiasProtocolError('FIAS.CONFIG_INVALID', `FIAS link is in ${this.options.currency}`, {
        metadata: { currency: amount.currency },
      });
    }
  }
}

export function fiasPosFailureReason(status: Exclude<FiasAnswerStatus, 'OK'>): PosFailureReason {
  switch (status) {
    case 'NG':
      return 'guest_not_found';
    case 'NP':
      return 'no_post';
    case 'NA':
      return 'night_audit';
    case 'RY':
      return 'retry_later';
    case 'DM':
      return 'amount_mismatch';
    default:
      return 'rejected';
  }
}

export function fiasPosRejectedError(
  result: { status: FiasAnswerStatus; text?: string },
  operation = 'PR posting',
): PosRejectedError {
  if (result.status === 'OK') {
    throw new FiasProtocolError('FIAS.RECORD_UNEXPECTED', 'An accepted posting is not a rejection');
  }
  return new PosRejectedError(fiasPosFailureReason(result.status), `FIAS answered ${result.status}`, {
    upstream: 'fias',
    operation,
    vendorCode: result.status,
    metadata: { text: result.text },
  });
}
