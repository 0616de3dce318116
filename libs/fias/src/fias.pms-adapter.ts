import { createHash } from 'node:crypto';
import {
  AppliedPosPayment,
  ApplyPaymentCommand,
  BillChangeHint,
  BillLine,
  BillRef,
  BillSnapshot,
  BillSummary,
  FindAppliedPaymentQuery,
  Money,
  PosAdapter,
  PosHealth,
  PosPaymentLookup,
  PosRejectedError,
  Quantity,
  UpstreamProtocolError,
  UpstreamUnavailableError,
} from '@bridge/core';
import { FiasBillView, FiasClient, fiasPosFailureReason } from './fias.client';
import { FiasRejectedError, isFiasProtocolError } from './fias.errors';
import { fromFiasDateTime, toFiasDate, toFiasTime } from './fias.fields';
import {
  FiasConnector,
  FiasLink,
  FiasLinkOptions,
  FiasLinkStateChange,
  FiasUnsolicitedRecord,
} from './fias.link';
import { FiasPostingNumberStore } from './fias.posting-number';
import { FiasAnswerStatus, FiasBillItem, FiasGuestRecord } from './fias.records';

/**
 * How the hotel turns our PR posting into a payment on the folio (see docs/decisions/fias-payment-posting.md).
 * `positive`: TA is the amount paid and the hotel maps `PM`/`SO` to a payment transaction code (a credit).
 * `negative`: TA is minus the amount, for hotels that map the outlet to a charge code.
 */
export type FiasAmountSign = 'positive' | 'negative';

export interface FiasPaymentPostingOptions {
  readonly workstation: string;
  readonly salesOutlet?: string;
  readonly paymentMethod?: string;
  readonly userId?: string;
  readonly amountSign: FiasAmountSign;
  /** The folio `DC` the hotel's payment transaction code shows as in XI; narrows the read-back. */
  readonly transactionCode?: string;
}

export interface FiasPmsAdapterOptions {
  readonly siteId: string;
  readonly currency: string;
  readonly language?: 'ru' | 'en';
  readonly posting: FiasPaymentPostingOptions;
  /** A posted credit counts for a read-back when its DA/TI is this close to the attempt (PMS clock skew). */
  readonly readBackWindowMs?: number;
  /** When to try again after `NA` (night audit). */
  readonly nightAuditRetryMs?: number;
  /** A PMS that never answers DR with DS…DE: use the guests seen so far after this long. */
  readonly resyncTimeoutMs?: number;
  /** How long listOpenBills waits for the link and the guest list before it reports the PMS unavailable. */
  readonly guestListWaitMs?: number;
}

/** Nest's Logger fits this shape; the lib stays framework-free. */
export interface FiasAdapterLogger {
  log(context: object, message: string): void;
  warn(context: object, message: string): void;
}

/** What the adapter uses of a FiasLink (a scripted stand-in in unit tests). */
export interface FiasAdapterLink extends Pick<
  FiasLink,
  | 'start'
  | 'close'
  | 'health'
  | 'requestResync'
  | 'waitUntilAlive'
  | 'exchange'
  | 'allocatePostingNumber'
  | 'timeouts'
> {
  on(event: 'event', listener: (record: FiasUnsolicitedRecord) => void): unknown;
  on(event: 'state', listener: (change: FiasLinkStateChange) => void): unknown;
  off(event: 'event', listener: (record: FiasUnsolicitedRecord) => void): unknown;
  off(event: 'state', listener: (change: FiasLinkStateChange) => void): unknown;
}

export interface FiasPmsAdapterDependencies {
  readonly link: FiasAdapterLink;
  readonly clock?: () => Date;
  readonly logger?: FiasAdapterLogger;
}

interface InHouseGuest {
  readonly reservation: string;
  room: string;
  guestName?: string;
}

interface CandidateCredit {
  readonly stamp: string;
}

const SILENT_LOGGER: FiasAdapterLogger = { log: () => undefined, warn: () => undefined };
const CHECKED_OUT_MEMORY = 500;
const REF = /^(?:P#\d{1,8}|XI)@(\d{12}):(\d+)$/;

const TEXT = {
  ru: { room: 'Номер', other: 'Прочие начисления по счёту', department: 'Услуга' },
  en: { room: 'Room', other: 'Other folio charges', department: 'Department' },
} as const;

/**
 * A hotel PMS over FIAS as a core PosAdapter: one bill per in-house reservation (from GI/GO/GC and a
 * DR resync), folios read with XR, payments posted with PR inquiry + posting as the site configures.
 */
export class FiasPmsAdapter extends PosAdapter {
  readonly vendor = 'fias';
  private readonly link: FiasAdapterLink;
  private readonly client: FiasClient;
  private readonly clock: () => Date;
  private readonly logger: FiasAdapterLogger;
  private readonly text: (typeof TEXT)[keyof typeof TEXT];
  private readonly listeners = new Set<(hint: BillChangeHint) => void>();
  private guests = new Map<string, InHouseGuest>();
  private resyncing?: Map<string, InHouseGuest>;
  private readonly checkedOut = new Map<string, BillSnapshot | undefined>();
  private readonly lastSnapshots = new Map<string, BillSnapshot>();
  private ready = false;
  private started = false;
  private readonly readyWaiters = new Set<() => void>();
  private resyncTimer?: NodeJS.Timeout;
  private nightAudit = false;
  private postingChain: Promise<unknown> = Promise.resolve();
  private readonly readBackWindowMs: number;
  private readonly nightAuditRetryMs: number;
  private readonly resyncTimeoutMs: number;
  private readonly guestListWaitMs: number;
  private readonly onEvent = (event: FiasUnsolicitedRecord): void => this.handleEvent(event);
  private readonly onState = (change: FiasLinkStateChange): void => this.handleState(change);

  constructor(
    private readonly options: FiasPmsAdapterOptions,
    dependencies: FiasPmsAdapterDependencies,
  ) {
    super();
    this.link = dependencies.link;
    this.clock = dependencies.clock ?? (() => new Date());
    this.logger = dependencies.logger ?? SILENT_LOGGER;
    this.text = TEXT[options.language ?? 'ru'];
    this.readBackWindowMs = options.readBackWindowMs ?? 10 * 60_000;
    this.nightAuditRetryMs = options.nightAuditRetryMs ?? 5 * 60_000;
    this.resyncTimeoutMs = options.resyncTimeoutMs ?? 15_000;
    this.guestListWaitMs = options.guestListWaitMs ?? 5_000;
    this.client = new FiasClient(this.link, {
      currency: options.currency,
      workstation: options.posting.workstation,
      salesOutlet: options.posting.salesOutlet,
      paymentMethod: options.posting.paymentMethod,
      userId: options.posting.userId,
      clock: this.clock,
    });
  }

  override async start(): Promise<void> {
    if (this.started) return;
    this.started = true;
    this.link.on('event', this.onEvent);
    this.link.on('state', this.onState);
    this.link.start();
  }

  override async stop(): Promise<void> {
    if (this.resyncTimer) clearTimeout(this.resyncTimer);
    this.resyncTimer = undefined;
    await this.link.close();
    this.link.off('event', this.onEvent);
    this.link.off('state', this.onState);
    this.started = false;
  }

  override onBillChanged(listener: (hint: BillChangeHint) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  async checkHealth(): Promise<PosHealth> {
    const health = this.link.health();
    const parts = [`FIAS link ${health.state}`];
    if (!this.ready) parts.push('guest list not loaded');
    if (this.nightAudit) parts.push('night audit in progress');
    if (!health.alive && health.lastError) parts.push(health.lastError);
    return { ok: health.alive, detail: parts.join('; ') };
  }

  /** Folios carry no cheap version: every bill comes back with `externalVersion: null` (slow refresh). */
  async listOpenBills(): Promise<BillSummary[]> {
    await this.awaitGuestList();
    return [...this.guests.keys()].map((externalId) => ({ externalId, externalVersion: null }));
  }

  async getBill(ref: BillRef): Promise<BillSnapshot | null> {
    const reservation = ref.externalId;
    const guest = this.guests.get(reservation);
    if (!guest) {
      if (this.checkedOut.has(reservation)) {
        const last = this.checkedOut.get(reservation);
        return last ? { ...last, status: 'closed' } : null;
      }
      if (this.ready || !ref.attributes.room) return null;
    }
    const room = guest?.room ?? ref.attributes.room;
    const view = await this.readFolio(room, reservation);
    if (!view) return null;
    const snapshot = this.snapshot(view, guest?.guestName ?? ref.attributes.guestName);
    if (this.guests.has(reservation)) this.lastSnapshots.set(reservation, snapshot);
    return snapshot;
  }

  applyPayment(command: ApplyPaymentCommand): Promise<AppliedPosPayment> {
    // The IFC pairs a posting with the last inquiry of its workstation: one inquiry+posting at a time.
    const result = this.postingChain.then(() => this.post(command));
    this.postingChain = result.catch(() => undefined);
    return result;
  }

  async findAppliedPayment(query: FindAppliedPaymentQuery): Promise<PosPaymentLookup> {
    const reservation = query.bill.externalId;
    const room = this.guests.get(reservation)?.room ?? query.bill.attributes.room;
    if (!room) return { status: 'undeterminable', reason: `Room of reservation ${reservation} is unknown` };
    const view = await this.readFolio(room, reservation);
    if (!view) {
      return {
        status: 'undeterminable',
        reason: 'The PMS no longer shows the folio (guest checked out or bill view disabled)',
      };
    }
    const credit = query.amount.negate();
    const from = query.sentAt.getTime() - this.readBackWindowMs;
    const to = this.clock().getTime() + this.readBackWindowMs;
    const candidates: CandidateCredit[] = [];
    let unstamped = 0;
    for (const item of view.items) {
      if (!item.amount.equals(credit)) continue;
      const code = this.options.posting.transactionCode;
      if (code !== undefined && item.departmentCode !== code) continue;
      const at = itemTime(item);
      if (!at) {
        unstamped++;
        continue;
      }
      if (at.getTime() >= from && at.getTime() <= to) candidates.push({ stamp: `${item.date}${item.time}` });
    }
    let unmatchedExclusions = 0;
    for (const ref of query.excludeExternalRefs) {
      const parsed = REF.exec(ref);
      if (!parsed || Number(parsed[2]) !== query.amount.minor) continue;
      const index = candidates.findIndex((candidate) => candidate.stamp === parsed[1]);
      if (index >= 0) candidates.splice(index, 1);
      else unmatchedExclusions++;
    }
    if (unstamped > 0) {
      return {
        status: 'undeterminable',
        reason: 'A credit of this amount on the folio has no date and time',
      };
    }
    if (candidates.length === 0) return { status: 'not_found' };
    if (candidates.length > 1 || unmatchedExclusions > 0) {
      return {
        status: 'undeterminable',
        reason: `${candidates.length} credits of ${query.amount.toString()} posted around the attempt; cannot tell which is ours`,
      };
    }
    return {
      status: 'found',
      payment: {
        externalRef: `XI@${candidates[0].stamp}:${query.amount.minor}`,
        amount: query.amount,
        mode: query.mode,
      },
    };
  }

  private async post(command: ApplyPaymentCommand): Promise<AppliedPosPayment> {
    const { amount } = command;
    const reservation = command.bill.externalId;
    if (amount.currency !== this.options.currency || !amount.isPositive()) {
      throw this.rejected('rejected', `Cannot post ${amount.toString()} to a ${this.options.currency} folio`);
    }
    const room = this.guests.get(reservation)?.room ?? command.bill.attributes.room;
    if (!room) throw this.rejected('guest_not_found', `Reservation ${reservation} is not in house`);

    const view = await this.readFolio(room, reservation);
    if (!view)
      throw this.rejected('guest_not_found', `The PMS shows no folio for reservation ${reservation}`);
    const due = view.balance.isPositive() ? view.balance : Money.zero(this.options.currency);
    // A folio stays open until checkout; paying more than it owes would leave the guest in credit.
    if (amount.greaterThan(due)) {
      throw this.rejected(
        'amount_mismatch',
        `${command.mode === 'close' ? 'Closing' : 'Prepaying'} ${amount.toString()} exceeds the balance ${due.toString()}`,
      );
    }

    const inquiry = await this.client.inquire(room);
    if (!inquiry.found) throw this.answerRejected(inquiry.status, inquiry.text, 'PR inquiry');
    const match = inquiry.matches.find((m) => m.reservation === reservation);
    if (!match) throw this.rejected('guest_not_found', `Reservation ${reservation} is not in room ${room}`);
    if (match.noPost) throw this.rejected('no_post', `Reservation ${reservation} has the no-post flag`);

    const at = this.clock();
    const total = this.options.posting.amountSign === 'negative' ? amount.negate() : amount;
    const result = await this.client.post({
      room: match.room ?? room,
      reservation,
      guestName: match.guestName,
      total,
      inquiryPostingNumber: inquiry.postingNumber,
      at,
    });
    if (!result.accepted) throw this.answerRejected(result.status, result.text, 'PR posting');
    this.logger.log(
      { siteId: this.options.siteId, reservation, postingNumber: result.postingNumber, amount: amount.minor },
      'FIAS payment posted',
    );
    return {
      externalRef: `P#${result.postingNumber}@${toFiasDate(at)}${toFiasTime(at)}:${amount.minor}`,
      amount,
      mode: command.mode,
    };
  }

  /** The folio, or null when the PMS does not show it (`XB ASUR`: not in house, or bill view off). */
  private async readFolio(room: string, reservation: string): Promise<FiasBillView | null> {
    try {
      return await this.client.billView(room, reservation);
    } catch (error) {
      if (error instanceof FiasRejectedError) return null;
      if (isFiasProtocolError(error)) {
        throw new UpstreamProtocolError(`FIAS XR bill view: ${error.message}`, {
          upstream: 'fias',
          operation: 'XR bill view',
          cause: error,
          metadata: { reservation, code: error.code },
        });
      }
      throw error;
    }
  }

  private snapshot(view: FiasBillView, guestName: string | undefined): BillSnapshot {
    const currency = this.options.currency;
    const lines: BillLine[] = [];
    const credits: Money[] = [];
    view.items.forEach((item, index) => {
      if (item.amount.isNegative()) credits.push(item.amount.negate());
      if (!item.amount.isPositive() || item.display === false) return;
      lines.push({
        lineId: `${item.folioWindow ?? 1}:${index}`,
        sku: item.departmentCode ?? 'FOLIO',
        name: item.description ?? `${this.text.department} ${item.departmentCode ?? ''}`.trim(),
        quantity: Quantity.units(1),
        total: item.amount,
      });
    });
    let paid = Money.sum(credits, currency);
    const shown = Money.sum(
      lines.map((l) => l.total),
      currency,
    );
    // Items the PMS hides from the guest (FDN) still count in BA: one line keeps due = total − paid.
    const gap = view.balance.subtract(shown.subtract(paid));
    if (gap.isPositive()) {
      lines.push({
        lineId: 'other',
        sku: 'FOLIO',
        name: this.text.other,
        quantity: Quantity.units(1),
        total: gap,
      });
    } else if (gap.isNegative()) {
      paid = paid.add(gap.negate());
    }
    const total = Money.sum(
      lines.map((l) => l.total),
      currency,
    );
    const digest = createHash('sha256')
      .update(
        JSON.stringify([
          view.balance.minor,
          view.items.map((i) => [
            i.folioWindow ?? null,
            i.departmentCode ?? null,
            i.amount.minor,
            i.description ?? null,
            i.date ?? null,
            i.time ?? null,
            i.display ?? null,
          ]),
        ]),
      )
      .digest('hex')
      .slice(0, 24);
    return {
      externalId: view.reservation,
      kind: 'room_folio',
      label: `${this.text.room} ${view.room}${guestName ? ` — ${guestName}` : ''}`,
      roomNumber: view.room,
      guestName,
      currency,
      lines,
      total,
      paid,
      amountDue: view.balance.isPositive() ? view.balance : Money.zero(currency),
      externalVersion: digest,
      status: 'open',
      attributes: { room: view.room, reservation: view.reservation, ...(guestName ? { guestName } : {}) },
    };
  }

  private handleState(change: FiasLinkStateChange): void {
    if (change.from === 'alive' && change.to !== 'alive') {
      this.ready = false;
      this.resyncing = undefined;
    }
    if (change.to !== 'alive') return;
    if (this.resyncTimer) clearTimeout(this.resyncTimer);
    this.resyncTimer = setTimeout(() => {
      this.resyncTimer = undefined;
      if (this.ready) return;
      this.logger.warn(
        { siteId: this.options.siteId, guests: this.guests.size },
        'FIAS resync (DR) got no DS/DE; using the guests seen so far',
      );
      this.markReady();
    }, this.resyncTimeoutMs);
    this.link.requestResync().catch((error: unknown) => {
      this.logger.warn(
        { siteId: this.options.siteId, err: error instanceof Error ? error.message : String(error) },
        'FIAS resync request failed',
      );
    });
  }

  private handleEvent(event: FiasUnsolicitedRecord): void {
    switch (event.id) {
      case 'DS':
        this.resyncing = new Map();
        return;
      case 'DE':
        if (this.resyncing) this.guests = this.resyncing;
        this.resyncing = undefined;
        for (const reservation of this.lastSnapshots.keys()) {
          if (!this.guests.has(reservation)) this.lastSnapshots.delete(reservation);
        }
        this.markReady();
        this.emit({ reason: 'FIAS database resync' });
        return;
      case 'NS':
      case 'NE':
        this.nightAudit = event.id === 'NS';
        this.logger.log(
          { siteId: this.options.siteId },
          `FIAS night audit ${this.nightAudit ? 'started' : 'ended'}`,
        );
        // Postings refused during the audit need not wait for their retry.
        if (!this.nightAudit) this.emit({ reason: 'FIAS night audit ended', postingsResumed: true });
        return;
      case 'DR':
        return;
      case 'GI':
        return this.checkIn(event.data);
      case 'GC':
        return this.change(event.data);
      case 'GO':
        return this.checkOut(event.data);
    }
  }

  private checkIn(record: FiasGuestRecord): void {
    if (!record.reservation) {
      this.logger.warn({ siteId: this.options.siteId, room: record.room }, 'FIAS GI without G# ignored');
      return;
    }
    const guest: InHouseGuest = {
      reservation: record.reservation,
      room: record.room,
      guestName: record.guestName,
    };
    if (record.swap && this.resyncing) {
      this.resyncing.set(guest.reservation, guest);
      return;
    }
    this.guests.set(guest.reservation, guest);
    this.resyncing?.set(guest.reservation, guest);
    this.checkedOut.delete(guest.reservation);
    this.emit({ externalId: guest.reservation, reason: 'FIAS GI check-in' });
  }

  private change(record: FiasGuestRecord): void {
    if (!record.reservation) return;
    const previous = this.guests.get(record.reservation);
    const guest: InHouseGuest = {
      reservation: record.reservation,
      room: record.room,
      guestName: record.guestName ?? previous?.guestName,
    };
    this.guests.set(guest.reservation, guest);
    this.resyncing?.set(guest.reservation, guest);
    this.emit({ externalId: guest.reservation, reason: 'FIAS GC guest change' });
  }

  private checkOut(record: FiasGuestRecord): void {
    const leaving = record.reservation
      ? [record.reservation]
      : [...this.guests.values()].filter((g) => g.room === record.room).map((g) => g.reservation);
    for (const reservation of leaving) {
      this.guests.delete(reservation);
      this.resyncing?.delete(reservation);
      this.checkedOut.set(reservation, this.lastSnapshots.get(reservation));
      this.lastSnapshots.delete(reservation);
      if (this.checkedOut.size > CHECKED_OUT_MEMORY) {
        const oldest = this.checkedOut.keys().next();
        if (!oldest.done) this.checkedOut.delete(oldest.value);
      }
      this.emit({ externalId: reservation, reason: 'FIAS GO check-out' });
    }
  }

  private markReady(): void {
    this.ready = true;
    for (const waiter of [...this.readyWaiters]) waiter();
  }

  private async awaitGuestList(): Promise<void> {
    await this.link.waitUntilAlive(this.guestListWaitMs);
    if (this.ready) return;
    await new Promise<void>((resolve, reject) => {
      const done = (): void => {
        clearTimeout(timer);
        this.readyWaiters.delete(done);
        resolve();
      };
      const timer = setTimeout(() => {
        this.readyWaiters.delete(done);
        reject(
          new UpstreamUnavailableError('FIAS: the in-house guest list has not been received yet', {
            upstream: 'fias',
            operation: 'listOpenBills',
          }),
        );
      }, this.guestListWaitMs);
      this.readyWaiters.add(done);
    });
  }

  private emit(hint: BillChangeHint): void {
    for (const listener of this.listeners) listener(hint);
  }

  private answerRejected(
    status: FiasAnswerStatus,
    text: string | undefined,
    operation: string,
  ): PosRejectedError {
    const reason = status === 'OK' ? 'rejected' : fiasPosFailureReason(status);
    return new PosRejectedError(reason, `FIAS ${operation} answered ${status}${text ? ` (${text})` : ''}`, {
      upstream: 'fias',
      operation,
      vendorCode: status,
      retryAfterMs: status === 'NA' ? this.nightAuditRetryMs : undefined,
      metadata: { siteId: this.options.siteId, text },
    });
  }

  private rejected(reason: PosRejectedError['reason'], message: string): PosRejectedError {
    return new PosRejectedError(reason, `FIAS: ${message}`, {
      upstream: 'fias',
      operation: 'applyPayment',
      metadata: { siteId: this.options.siteId },
    });
  }
}

function itemTime(item: FiasBillItem): Date | undefined {
  if (!item.date || !item.time) return undefined;
  try {
    return fromFiasDateTime(item.date, item.time);
  } catch (error) {
    if (isFiasProtocolError(error)) return undefined;
    throw error;
  }
}

export interface CreateFiasPmsAdapterOptions extends FiasPmsAdapterOptions {
  readonly link: Omit<FiasLinkOptions, 'currency'>;
}

export interface CreateFiasPmsAdapterDependencies {
  readonly postingNumbers: FiasPostingNumberStore;
  readonly connector?: FiasConnector;
  readonly clock?: () => Date;
  readonly logger?: FiasAdapterLogger;
}

/** The adapter over a real TCP link (or `connector`), with durable posting numbers from `postingNumbers`. */
export function createFiasPmsAdapter(
  options: CreateFiasPmsAdapterOptions,
  dependencies: CreateFiasPmsAdapterDependencies,
): FiasPmsAdapter {
  const link = new FiasLink(
    { ...options.link, currency: options.currency },
    {
      postingNumbers: dependencies.postingNumbers,
      connector: dependencies.connector,
      clock: dependencies.clock,
    },
  );
  if (dependencies.logger) {
    const logger = dependencies.logger;
    link.on('state', (change) =>
      logger.log(
        { siteId: options.siteId, from: change.from, to: change.to, reason: change.reason },
        'FIAS link state',
      ),
    );
    link.on('unmatched', (record) =>
      logger.warn({ siteId: options.siteId, recordId: record.id }, 'FIAS answer nobody waited for'),
    );
  }
  return new FiasPmsAdapter(options, { link, clock: dependencies.clock, logger: dependencies.logger });
}
