import { EventEmitter } from 'node:events';
import { AddressInfo, Server, Socket, createServer } from 'node:net';
import { Money } from '@bridge/core';
import {
  FiasBillRequest,
  FiasCodec,
  FiasFrameTransport,
  FiasPostingAnswer,
  FiasPostingInquiry,
  FiasPostingRequest,
  FiasPostingSimple,
  FiasProtocolError,
  FiasRecord,
  FiasRemoteCheckout,
  buildBillBalance,
  buildBillItem,
  buildGuestRecord,
  buildPostingAnswer,
  buildPostingList,
  buildRemoteCheckout,
  buildStampRecord,
  fieldValue,
  isFiasProtocolError,
  parseBillRequest,
  parseLinkDescription,
  parseLinkRecord,
  parsePostingRequest,
  parsePostingSimple,
  parseRemoteCheckout,
  postingAmountsBalance,
  toFiasDate,
  toFiasTime,
} from '@bridge/fias';
import {
  FiasHotel,
  FiasSimFolio,
  FiasSimFolioItem,
  FiasSimFolioItemSeed,
  FiasSimHotelSeed,
  FiasSimReservation,
  FiasSimReservationSeed,
  FiasSimulatorControlError,
} from './fias-hotel';
import {
  DEFAULT_FIAS_HOTEL_SEED,
  DEFAULT_FIAS_PAYMENT_MAPPING,
  FiasSimPaymentMapping,
} from './fias-simulator.seed';
import { FiasControlServer, startFiasControlServer } from './fias-control-server';

export type FiasSimLinkState = 'no_client' | 'awaiting_configuration' | 'alive';
export type FiasSimDuplicateMode = 'reject' | 'replay' | 'apply';

export interface FiasSimulatorOptions {
  port?: number;
  host?: string;
  encoding?: string;
  lrc?: boolean;
  ack?: boolean;
  ackTimeoutMs?: number;
  currency?: string;
  seed?: FiasSimHotelSeed;
  payments?: FiasSimPaymentMapping;
  billView?: boolean;
  remoteCheckout?: boolean;
  /** The IFC sends LS when a client connects (IFC8 FIAS, TCP link start). */
  sendLinkStartOnConnect?: boolean;
  /** What a second posting with an already used WS+P# gets: UR, the first answer again, or a second charge. */
  duplicatePostingNumber?: FiasSimDuplicateMode;
  checkoutDelayMs?: number;
  maxMatches?: number;
  clock?: () => Date;
  controlPort?: number;
  controlHost?: string;
}

export interface FiasSimTraffic {
  readonly direction: 'in' | 'out';
  readonly text: string;
  readonly at: Date;
  readonly connection: number;
}

export interface FiasSimulatorState {
  readonly linkState: FiasSimLinkState;
  readonly connectionsAccepted: number;
  readonly activeConnection?: number;
  readonly nightAudit: boolean;
  readonly billView: boolean;
  readonly linkDescription?: { readonly version?: string; readonly interfaceFamily?: string };
  readonly linkRecords: Readonly<Record<string, readonly string[]>>;
  readonly ignoredPostings: number;
  readonly appliedPostings: number;
  /** Garbage, LRC errors and unparseable frames received from the vendor. */
  readonly protocolErrors: number;
  readonly faults: {
    readonly dropOnNextPosting?: { readonly applyFirst: boolean };
    readonly answerDelay?: {
      readonly ms: number;
      readonly records?: readonly string[];
      readonly remaining: number;
    };
    readonly checkOutAfterNextInquiry: boolean;
  };
}

export interface FiasSimAnswerDelay {
  ms: number;
  records?: readonly string[];
  count?: number;
}

export interface FiasSimulatorControl {
  checkIn(reservation: FiasSimReservationSeed): FiasSimFolio;
  checkOut(reservation: string): FiasSimFolio;
  moveRoom(reservation: string, room: string): FiasSimFolio;
  addFolioItem(reservation: string, item: FiasSimFolioItemSeed): FiasSimFolioItem;
  setNoPost(reservation: string, noPost: boolean): FiasSimFolio;
  setCreditLimit(reservation: string, creditLimit: number | undefined): FiasSimFolio;
  startNightAudit(): void;
  endNightAudit(): void;
  setBillView(enabled: boolean): void;
  sendLinkStart(): void;
  dropConnection(): void;
  /** The next PR posting is received (and optionally applied) but the socket drops before any PA. */
  dropOnNextPosting(options?: { applyFirst?: boolean }): void;
  delayAnswers(delay: FiasSimAnswerDelay): void;
  checkOutAfterNextInquiry(): void;
  resync(): void;
  folio(reservation: string): FiasSimFolio;
  state(): FiasSimulatorState;
  traffic(): readonly FiasSimTraffic[];
}

export interface FiasSimulator {
  readonly host: string;
  readonly port: number;
  readonly controlUrl?: string;
  readonly control: FiasSimulatorControl;
  readonly linkState: FiasSimLinkState;
  received(recordId?: string): FiasRecord[];
  waitForLinkState(state: FiasSimLinkState, timeoutMs?: number): Promise<void>;
  waitForRecord(recordId: string, timeoutMs?: number): Promise<FiasRecord>;
  close(): Promise<void>;
}

interface SimConnection {
  readonly id: number;
  readonly socket: Socket;
  readonly transport: FiasFrameTransport;
  state: 'awaiting_configuration' | 'alive';
  readonly linkRecords: Map<string, readonly string[]>;
  linkDescription?: { version?: string; interfaceFamily?: string };
  closed: boolean;
}

interface AnswerBase {
  readonly salesOutlet?: string;
  readonly workstation?: string;
  readonly postingNumber: number;
  readonly date: string;
  readonly time: string;
}

interface InquiryMemo {
  readonly postingNumber: number;
  readonly reservations: ReadonlySet<string>;
  readonly rooms: ReadonlySet<string>;
}

const UNSOLICITED = new Set(['GI', 'GO', 'GC', 'DS', 'DE', 'NS', 'NE']);
const MAX_TRAFFIC = 2000;

interface SimEvents {
  record: [FiasRecord];
  linkState: [FiasSimLinkState];
}

export async function startFiasSimulator(options: FiasSimulatorOptions = {}): Promise<FiasSimulator> {
  const simulator = new FiasPmsSimulator(options);
  await simulator.listen(options.port ?? 0, options.host ?? '127.0.0.1');
  if (options.controlPort !== undefined) {
    await simulator.startControl(options.controlPort, options.controlHost ?? '127.0.0.1');
  }
  return simulator;
}

/** The PMS/IFC side of FIAS over TCP: one client at a time, a seeded hotel ledger, and fault knobs. */
class FiasPmsSimulator implements FiasSimulator {
  readonly control: FiasSimulatorControl;
  private readonly server: Server;
  private readonly codec: FiasCodec;
  private readonly hotel: FiasHotel;
  private readonly events = new EventEmitter<SimEvents>();
  private readonly clock: () => Date;
  private readonly currency: string;
  private readonly payments: FiasSimPaymentMapping;
  private readonly log: FiasSimTraffic[] = [];
  private readonly receivedRecords: FiasRecord[] = [];
  private readonly inquiries = new Map<string, InquiryMemo>();
  private readonly answeredPostings = new Map<string, FiasRecord[]>();
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly sockets = new Set<Socket>();
  private client?: SimConnection;
  private connectionsAccepted = 0;
  private nightAudit = false;
  private billView: boolean;
  private ignoredPostings = 0;
  private appliedPostings = 0;
  private protocolErrors = 0;
  private dropNextPosting?: { applyFirst: boolean };
  private answerDelay?: { ms: number; records?: readonly string[]; remaining: number };
  private checkOutAfterInquiry = false;
  private controlServer?: FiasControlServer;
  private address?: AddressInfo;

  constructor(private readonly options: FiasSimulatorOptions) {
    this.clock = options.clock ?? (() => new Date());
    this.currency = options.currency ?? 'RUB';
    this.payments = options.payments ?? DEFAULT_FIAS_PAYMENT_MAPPING;
    this.billView = options.billView ?? true;
    this.codec = new FiasCodec({ encoding: options.encoding, lrc: options.lrc });
    this.hotel = new FiasHotel(options.seed ?? DEFAULT_FIAS_HOTEL_SEED, () => this.stamp());
    this.server = createServer((socket) => this.accept(socket));
    this.control = this.createControl();
  }

  get host(): string {
    return this.address?.address ?? '127.0.0.1';
  }

  get port(): number {
    return this.address?.port ?? 0;
  }

  get controlUrl(): string | undefined {
    return this.controlServer?.url;
  }

  get linkState(): FiasSimLinkState {
    return this.client ? this.client.state : 'no_client';
  }

  async listen(port: number, host: string): Promise<void> {
    await new Promise<void>((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(port, host, () => {
        this.server.off('error', reject);
        resolve();
      });
    });
    this.address = this.server.address() as AddressInfo;
  }

  async startControl(port: number, host: string): Promise<void> {
    this.controlServer = await startFiasControlServer(this.control, port, host);
  }

  received(recordId?: string): FiasRecord[] {
    return this.receivedRecords.filter((record) => recordId === undefined || record.id === recordId);
  }

  waitForLinkState(state: FiasSimLinkState, timeoutMs = 5000): Promise<void> {
    if (this.linkState === state) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const listener = (value: FiasSimLinkState): void => {
        if (value !== state) return;
        cleanup();
        resolve();
      };
      const timer = setTimeout(() => {
        cleanup();
        reject(new Error(`FIAS simulator: link state ${state} not reached in ${timeoutMs} ms`));
      }, timeoutMs);
      const cleanup = (): void => {
        clearTimeout(timer);
        this.events.off('linkState', listener);
      };
      this.events.on('linkState', listener);
    });
  }

  waitForRecord(recordId: string, timeoutMs = 5000): Promise<FiasRecord> {
    return new Promise((resolve, reject) => {
      const listener = (record: FiasRecord): void => {
        if (record.id !== recordId) return;
        cleanup();
        resolve(record);
      };
      const timer = setTimeout(() => {
        cleanup();
        reject(new Error(`FIAS simulator: no ${recordId} within ${timeoutMs} ms`));
      }, timeoutMs);
      const cleanup = (): void => {
        clearTimeout(timer);
        this.events.off('record', listener);
      };
      this.events.on('record', listener);
    });
  }

  async close(): Promise<void> {
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
    for (const socket of this.sockets) socket.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
    await this.controlServer?.close();
  }

  private accept(socket: Socket): void {
    this.sockets.add(socket);
    socket.setNoDelay(true);
    // IFC8 FIAS: a single vendor client; a new connection takes the link and the old one is dropped.
    this.client?.socket.destroy();
    const id = ++this.connectionsAccepted;
    const connection: SimConnection = {
      id,
      socket,
      state: 'awaiting_configuration',
      linkRecords: new Map(),
      closed: false,
      transport: new FiasFrameTransport(
        { codec: this.codec, ack: this.options.ack ?? false, ackTimeoutMs: this.options.ackTimeoutMs },
        {
          write: (bytes) => {
            if (!socket.destroyed) socket.write(bytes);
          },
          onRecord: (record, text) => this.onRecord(connection, record, text),
          onProtocolError: () => {
            this.protocolErrors++;
          },
          onFailure: () => socket.destroy(),
        },
      ),
    };
    this.client = connection;
    this.events.emit('linkState', 'awaiting_configuration');
    socket.on('data', (chunk: Buffer) => connection.transport.receive(chunk));
    socket.on('error', () => undefined);
    socket.on('close', () => {
      this.sockets.delete(socket);
      connection.closed = true;
      connection.transport.dispose();
      if (this.client === connection) {
        this.client = undefined;
        this.events.emit('linkState', 'no_client');
      }
    });
    if (this.options.sendLinkStartOnConnect ?? true)
      this.send(connection, buildStampRecord('LS', this.stamp()));
  }

  private onRecord(connection: SimConnection, record: FiasRecord, text: string): void {
    this.record({ direction: 'in', text, at: this.clock(), connection: connection.id });
    this.receivedRecords.push(record);
    try {
      this.dispatch(connection, record);
    } catch (error) {
      if (!isFiasProtocolError(error) && !(error instanceof FiasSimulatorControlError)) throw error;
    }
    this.events.emit('record', record);
  }

  private dispatch(connection: SimConnection, record: FiasRecord): void {
    switch (record.id) {
      case 'LS':
        // An LS from the vendor while alive is an alive check, answered with LA.
        if (connection.state === 'alive') this.send(connection, buildStampRecord('LA', this.stamp()));
        return;
      case 'LD': {
        const { version, interfaceFamily } = parseLinkDescription(record);
        connection.linkDescription = { version, interfaceFamily };
        connection.linkRecords.clear();
        this.setConnectionState(connection, 'awaiting_configuration');
        return;
      }
      case 'LR': {
        const linkRecord = parseLinkRecord(record);
        connection.linkRecords.set(linkRecord.recordId, linkRecord.fieldIds);
        return;
      }
      case 'LA':
        if (connection.state === 'awaiting_configuration') {
          this.send(connection, buildStampRecord('LA', this.stamp()));
          this.setConnectionState(connection, 'alive');
        }
        return;
      case 'LE':
        this.send(connection, buildStampRecord('LE', this.stamp()));
        connection.socket.end();
        return;
    }
    if (connection.state !== 'alive') return;
    switch (record.id) {
      case 'PR':
        return this.onPostingRequest(connection, record);
      case 'PS':
        return this.onPostingSimple(connection, record);
      case 'XR':
        return this.onBillRequest(connection, record);
      case 'XC':
        return this.onRemoteCheckout(connection, record);
      case 'DR':
        return this.sendResync();
    }
  }

  private onPostingRequest(connection: SimConnection, record: FiasRecord): void {
    let request: FiasPostingInquiry | FiasPostingRequest;
    try {
      request = parsePostingRequest(record, this.currency);
    } catch (error) {
      if (!(error instanceof FiasProtocolError)) throw error;
      this.answer(connection, [this.invalidRequestAnswer(record, error)]);
      return;
    }
    const base = {
      salesOutlet: request.salesOutlet,
      workstation: request.workstation,
      postingNumber: request.postingNumber,
      ...this.stamp(),
    };
    if (this.nightAudit) {
      this.answer(connection, [
        buildPostingAnswer({ ...base, status: 'NA', text: 'NIGHT AUDIT IN PROGRESS' }),
      ]);
      return;
    }
    if (request.kind === 'inquiry') this.onInquiry(connection, request, base);
    else this.onPosting(connection, request, base);
  }

  private onInquiry(connection: SimConnection, inquiry: FiasPostingInquiry, base: AnswerBase): void {
    const matches = this.hotel.search(inquiry.inquiry, inquiry.maxMatches ?? this.options.maxMatches ?? 16);
    if (matches.length === 0) {
      this.inquiries.delete(inquiry.workstation);
      const text = /^\d+$/.test(inquiry.inquiry) ? 'INVALID ROOM' : 'NO GUEST FOUND';
      this.answer(connection, [buildPostingAnswer({ ...base, status: 'NG', text })]);
      return;
    }
    this.inquiries.set(inquiry.workstation, {
      postingNumber: inquiry.postingNumber,
      reservations: new Set(matches.map((r) => r.reservation)),
      rooms: new Set(matches.map((r) => r.room)),
    });
    const list = buildPostingList({
      ...base,
      paymentMethod: inquiry.paymentMethod,
      matches: matches.map((r) => ({
        room: r.room,
        reservation: r.reservation,
        guestName: r.guestName,
        arrival: r.arrival,
        departure: r.departure,
        balance: Money.of(this.hotel.balance(r.reservation), this.currency),
        creditLimit: r.creditLimit === undefined ? undefined : Money.of(r.creditLimit, this.currency),
        noPost: r.noPost,
      })),
    });
    this.answer(connection, [list]);
    if (this.checkOutAfterInquiry) {
      this.checkOutAfterInquiry = false;
      this.checkOut(matches[0].reservation);
    }
  }

  private onPosting(connection: SimConnection, posting: FiasPostingRequest, base: AnswerBase): void {
    const inquiry = this.inquiries.get(posting.workstation);
    const follows =
      inquiry !== undefined &&
      (posting.reservation !== undefined
        ? inquiry.reservations.has(posting.reservation)
        : inquiry.rooms.has(posting.room));
    // IFC8 FIAS: a PR posting without a prior successful inquiry is ignored (no answer at all).
    if (!follows) {
      this.ignoredPostings++;
      return;
    }
    if (this.dropNextPosting) {
      const { applyFirst } = this.dropNextPosting;
      this.dropNextPosting = undefined;
      if (applyFirst) this.evaluatePosting(posting, base);
      connection.socket.destroy();
      return;
    }
    const key = `PR:${posting.workstation}:${posting.postingNumber}`;
    const previous = this.answeredPostings.get(key);
    const mode = this.options.duplicatePostingNumber ?? 'reject';
    if (previous && mode === 'replay') {
      this.answer(connection, previous);
      return;
    }
    if (previous && mode === 'reject') {
      this.answer(connection, [
        buildPostingAnswer({ ...base, status: 'UR', text: 'DUPLICATE POSTING NUMBER' }),
      ]);
      return;
    }
    if (posting.postingNumber === inquiry?.postingNumber) {
      this.answer(connection, [
        buildPostingAnswer({ ...base, status: 'UR', text: 'P# REUSED FROM INQUIRY' }),
      ]);
      return;
    }
    const answer = [buildPostingAnswer(this.evaluatePosting(posting, base))];
    this.answeredPostings.set(key, answer);
    this.answer(connection, answer);
  }

  private evaluatePosting(
    posting: FiasPostingRequest | (FiasPostingSimple & { reservation?: undefined }),
    base: AnswerBase,
  ): FiasPostingAnswer {
    const answer = (
      status: FiasPostingAnswer['status'],
      text: string,
      r?: FiasSimReservation,
    ): FiasPostingAnswer => ({
      ...base,
      room: posting.room,
      reservation: r?.reservation ?? posting.reservation,
      guestName: r?.guestName,
      status,
      text,
    });
    const split = [
      posting.subtotals,
      posting.taxes,
      posting.discounts,
      posting.tip,
      posting.serviceCharge,
    ].some((part) => part !== undefined);
    // PR must satisfy TA = ΣS+ΣT+ΣD+TP+SC; a bare PS (TA only: minibar, phone) has no parts to check.
    if ((split || 'kind' in posting) && !postingAmountsBalance(posting)) {
      return answer('DM', 'SUBTOTALS DO NOT ADD UP TO TA');
    }
    const reservation =
      posting.reservation !== undefined
        ? this.hotel.find(posting.reservation)
        : this.hotel.inRoom(posting.room)[0];
    if (!reservation || reservation.status !== 'in_house' || reservation.room !== posting.room) {
      return answer('NG', 'GUEST NOT FOUND');
    }
    if (reservation.noPost) return answer('NP', 'NO POST ALLOWED', reservation);
    const payment =
      (posting.paymentMethod !== undefined && this.payments.paymentMethods.includes(posting.paymentMethod)) ||
      (posting.salesOutlet !== undefined && (this.payments.salesOutlets ?? []).includes(posting.salesOutlet));
    const amount = payment ? -posting.total.minor : posting.total.minor;
    const balance = this.hotel.balance(reservation.reservation);
    if (!payment && reservation.creditLimit !== undefined && balance + amount > reservation.creditLimit) {
      return answer('CO', 'CREDIT LIMIT EXCEEDED', reservation);
    }
    this.hotel.addItem(
      reservation.reservation,
      {
        window: 1,
        department: payment ? this.payments.departmentCode : `POS${posting.salesOutlet ?? ''}`,
        description: payment ? this.payments.description : this.chargeDescription(posting),
        amount,
        date: posting.date,
        time: posting.time,
      },
      posting.postingNumber,
    );
    this.appliedPostings++;
    return answer('OK', 'POSTING ACCEPTED', reservation);
  }

  private chargeDescription(posting: {
    postingType?: string;
    salesOutlet?: string;
    checkNumber?: string;
  }): string {
    if (posting.postingType === 'M') return 'Minibar';
    if (posting.postingType === 'T') return 'Telephone';
    return `Outlet ${posting.salesOutlet ?? '-'}${posting.checkNumber ? ` check ${posting.checkNumber}` : ''}`;
  }

  private onPostingSimple(connection: SimConnection, record: FiasRecord): void {
    let posting: FiasPostingSimple;
    try {
      posting = parsePostingSimple(record, this.currency);
    } catch (error) {
      if (!(error instanceof FiasProtocolError)) throw error;
      this.answer(connection, [this.invalidRequestAnswer(record, error)]);
      return;
    }
    const base = {
      salesOutlet: posting.salesOutlet,
      workstation: posting.workstation,
      postingNumber: posting.postingNumber,
      ...this.stamp(),
    };
    if (this.nightAudit) {
      this.answer(connection, [buildPostingAnswer({ room: posting.room, ...base, status: 'NA' })]);
      return;
    }
    const key = `PS:${posting.workstation ?? ''}:${posting.postingNumber}`;
    const previous = this.answeredPostings.get(key);
    const mode = this.options.duplicatePostingNumber ?? 'reject';
    if (previous && mode !== 'apply') {
      this.answer(
        connection,
        mode === 'replay'
          ? previous
          : [
              buildPostingAnswer({
                ...base,
                room: posting.room,
                status: 'UR',
                text: 'DUPLICATE POSTING NUMBER',
              }),
            ],
      );
      return;
    }
    const answer = [buildPostingAnswer(this.evaluatePosting(posting, base))];
    this.answeredPostings.set(key, answer);
    this.answer(connection, answer);
  }

  private invalidRequestAnswer(record: FiasRecord, error: FiasProtocolError): FiasRecord {
    const postingNumber = fieldValue(record, 'P#');
    return buildPostingAnswer({
      workstation: fieldValue(record, 'WS') || undefined,
      postingNumber: postingNumber && /^\d{1,8}$/.test(postingNumber) ? Number(postingNumber) : undefined,
      status: 'UR',
      text: `INVALID REQUEST ${error.code}`,
      ...this.stamp(),
    });
  }

  private onBillRequest(connection: SimConnection, record: FiasRecord): void {
    const zero = Money.zero(this.currency);
    let request: FiasBillRequest;
    try {
      request = parseBillRequest(record);
    } catch (error) {
      if (!(error instanceof FiasProtocolError)) throw error;
      this.answer(connection, [buildBillBalance({ status: 'UR', balance: zero, ...this.stamp() })]);
      return;
    }
    const { room, reservation: wanted } = request;
    if (!this.billView) {
      this.answer(connection, [buildBillBalance({ room, reservation: wanted, status: 'UR', balance: zero })]);
      return;
    }
    const reservation = this.lookUp(room, wanted);
    if (!reservation) {
      this.answer(connection, [
        buildBillBalance({ room, reservation: wanted, status: 'UR', text: 'GUEST NOT FOUND', balance: zero }),
      ]);
      return;
    }
    const items = reservation.items.map((item) =>
      buildBillItem({
        room,
        folioWindow: item.window,
        reservation: reservation.reservation,
        departmentCode: item.department,
        amount: Money.of(item.amount, this.currency),
        description: item.description,
        date: item.date,
        time: item.time,
        display: item.display,
      }),
    );
    const balance = buildBillBalance({
      room,
      reservation: reservation.reservation,
      balance: Money.of(this.hotel.balance(reservation.reservation), this.currency),
      status: 'OK',
      ...this.stamp(),
    });
    this.answer(connection, [...items, balance]);
  }

  private onRemoteCheckout(connection: SimConnection, record: FiasRecord): void {
    let request: FiasRemoteCheckout;
    try {
      request = parseRemoteCheckout(record, this.currency);
    } catch (error) {
      if (!(error instanceof FiasProtocolError)) throw error;
      this.answer(connection, [buildRemoteCheckout({ room: fieldValue(record, 'RN') || '?', status: 'UR' })]);
      return;
    }
    const reply = (status: FiasPostingAnswer['status'], text: string, balance?: number): void =>
      this.answer(connection, [
        buildRemoteCheckout({
          room: request.room,
          reservation: request.reservation,
          balance: balance === undefined ? undefined : Money.of(balance, this.currency),
          status,
          text,
          ...this.stamp(),
        }),
      ]);
    if (!(this.options.remoteCheckout ?? true)) return reply('NF', 'REMOTE CHECKOUT NOT ENABLED');
    const reservation = this.lookUp(request.room, request.reservation);
    if (!reservation) return reply('NG', 'GUEST NOT FOUND');
    const balance = this.hotel.balance(reservation.reservation);
    if (request.balance?.minor !== balance) return reply('BM', 'BALANCE MISMATCH', balance);
    reply('OK', 'CHECKOUT STARTED', balance);
    // XC ASOK only starts the checkout; it completes with a GO.
    this.later(this.options.checkoutDelayMs ?? 50, () => {
      if (this.hotel.find(reservation.reservation)?.status === 'in_house')
        this.checkOut(reservation.reservation);
    });
  }

  private lookUp(room: string, reservation: string | undefined): FiasSimReservation | undefined {
    const found = reservation !== undefined ? this.hotel.find(reservation) : this.hotel.inRoom(room)[0];
    return found && found.status === 'in_house' && found.room === room ? found : undefined;
  }

  private guestRecord(
    id: 'GI' | 'GO' | 'GC',
    r: FiasSimReservation,
    extra: { oldRoom?: string; swap?: boolean } = {},
  ): FiasRecord {
    return buildGuestRecord(id, {
      room: r.room,
      oldRoom: extra.oldRoom,
      reservation: r.reservation,
      guestName: id === 'GO' ? undefined : r.guestName,
      language: id === 'GO' ? undefined : r.language,
      shareFlag: this.hotel.inRoom(r.room).length > 1 ? 'Y' : 'N',
      arrival: id === 'GO' ? undefined : r.arrival,
      departure: id === 'GO' ? undefined : r.departure,
      vip: id === 'GO' ? undefined : r.vip,
      swap: extra.swap,
      ...this.stamp(),
    });
  }

  private checkIn(seed: FiasSimReservationSeed): FiasSimFolio {
    const existing = this.hotel.find(seed.reservation);
    let reservation: FiasSimReservation;
    if (existing) {
      if (existing.status === 'in_house') {
        throw new FiasSimulatorControlError(`Reservation ${seed.reservation} is already in house`, 409);
      }
      existing.room = seed.room;
      existing.guestName = seed.guestName;
      existing.status = 'in_house';
      for (const item of seed.items ?? []) this.hotel.addItem(existing.reservation, item);
      reservation = existing;
    } else {
      reservation = this.hotel.add({ ...seed, status: 'in_house' });
    }
    this.sendUnsolicited(this.guestRecord('GI', reservation));
    return this.hotel.folio(reservation.reservation);
  }

  private checkOut(reservationId: string): FiasSimFolio {
    const reservation = this.hotel.get(reservationId);
    if (reservation.status !== 'in_house') {
      throw new FiasSimulatorControlError(`Reservation ${reservationId} is not in house`, 409);
    }
    reservation.status = 'checked_out';
    this.sendUnsolicited(this.guestRecord('GO', reservation));
    return this.hotel.folio(reservationId);
  }

  private moveRoom(reservationId: string, room: string): FiasSimFolio {
    const reservation = this.hotel.get(reservationId);
    if (reservation.status !== 'in_house') {
      throw new FiasSimulatorControlError(`Reservation ${reservationId} is not in house`, 409);
    }
    const oldRoom = reservation.room;
    reservation.room = room;
    this.sendUnsolicited(this.guestRecord('GC', reservation, { oldRoom }));
    return this.hotel.folio(reservationId);
  }

  private sendResync(): void {
    this.sendUnsolicited(buildStampRecord('DS', this.stamp()));
    for (const reservation of this.hotel.inHouse()) {
      this.sendUnsolicited(this.guestRecord('GI', reservation, { swap: true }));
    }
    this.sendUnsolicited(buildStampRecord('DE', this.stamp()));
  }

  private answer(connection: SimConnection, records: readonly FiasRecord[]): void {
    const delay = this.answerDelay;
    if (
      delay &&
      delay.remaining > 0 &&
      (delay.records === undefined || delay.records.includes(records[0]?.id))
    ) {
      delay.remaining--;
      if (delay.remaining === 0) this.answerDelay = undefined;
      this.later(delay.ms, () => records.forEach((record) => this.send(connection, record)));
      return;
    }
    for (const record of records) this.send(connection, record);
  }

  private sendUnsolicited(record: FiasRecord): void {
    const connection = this.client;
    if (!connection || connection.state !== 'alive') return;
    if (
      UNSOLICITED.has(record.id) &&
      connection.linkRecords.size > 0 &&
      !connection.linkRecords.has(record.id)
    )
      return;
    this.send(connection, record);
  }

  private send(connection: SimConnection, record: FiasRecord): void {
    if (connection.closed || connection.socket.destroyed) return;
    // Only the fields the vendor listed in its LR for that record (all of them when it sent none).
    const fields = connection.linkRecords.get(record.id);
    const filtered =
      fields === undefined
        ? record
        : { id: record.id, fields: record.fields.filter((f) => fields.includes(f.id)) };
    const text = connection.transport.send(filtered);
    this.record({ direction: 'out', text, at: this.clock(), connection: connection.id });
  }

  private record(entry: FiasSimTraffic): void {
    this.log.push(entry);
    if (this.log.length > MAX_TRAFFIC) this.log.shift();
  }

  private setConnectionState(connection: SimConnection, state: SimConnection['state']): void {
    if (connection.state === state) return;
    connection.state = state;
    if (this.client === connection) this.events.emit('linkState', state);
  }

  private later(ms: number, action: () => void): void {
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      action();
    }, ms);
    this.timers.add(timer);
  }

  private stamp(): { date: string; time: string } {
    const now = this.clock();
    return { date: toFiasDate(now), time: toFiasTime(now) };
  }

  private createControl(): FiasSimulatorControl {
    const requireClient = (): SimConnection => {
      if (!this.client) throw new FiasSimulatorControlError('No vendor is connected', 409);
      return this.client;
    };
    return {
      checkIn: (seed) => this.checkIn(seed),
      checkOut: (reservation) => this.checkOut(reservation),
      moveRoom: (reservation, room) => this.moveRoom(reservation, room),
      addFolioItem: (reservation, item) => this.hotel.addItem(reservation, item),
      setNoPost: (reservation, noPost) => {
        this.hotel.get(reservation).noPost = noPost;
        return this.hotel.folio(reservation);
      },
      setCreditLimit: (reservation, creditLimit) => {
        this.hotel.get(reservation).creditLimit = creditLimit;
        return this.hotel.folio(reservation);
      },
      startNightAudit: () => {
        this.nightAudit = true;
        this.sendUnsolicited(buildStampRecord('NS', this.stamp()));
      },
      endNightAudit: () => {
        this.nightAudit = false;
        this.sendUnsolicited(buildStampRecord('NE', this.stamp()));
      },
      setBillView: (enabled) => {
        this.billView = enabled;
      },
      sendLinkStart: () => {
        const connection = requireClient();
        this.setConnectionState(connection, 'awaiting_configuration');
        this.send(connection, buildStampRecord('LS', this.stamp()));
      },
      dropConnection: () => requireClient().socket.destroy(),
      dropOnNextPosting: (options = {}) => {
        this.dropNextPosting = { applyFirst: options.applyFirst ?? false };
      },
      delayAnswers: (delay) => {
        if (!Number.isFinite(delay.ms) || delay.ms < 0)
          throw new FiasSimulatorControlError('ms must be >= 0');
        this.answerDelay = { ms: delay.ms, records: delay.records, remaining: delay.count ?? 1 };
      },
      checkOutAfterNextInquiry: () => {
        this.checkOutAfterInquiry = true;
      },
      resync: () => this.sendResync(),
      folio: (reservation) => this.hotel.folio(reservation),
      state: () => ({
        linkState: this.linkState,
        connectionsAccepted: this.connectionsAccepted,
        activeConnection: this.client?.id,
        nightAudit: this.nightAudit,
        billView: this.billView,
        linkDescription: this.client?.linkDescription,
        linkRecords: Object.fromEntries(this.client?.linkRecords ?? []),
        ignoredPostings: this.ignoredPostings,
        appliedPostings: this.appliedPostings,
        protocolErrors: this.protocolErrors,
        faults: {
          dropOnNextPosting: this.dropNextPosting && { ...this.dropNextPosting },
          answerDelay: this.answerDelay && { ...this.answerDelay },
          checkOutAfterNextInquiry: this.checkOutAfterInquiry,
        },
      }),
      traffic: () => [...this.log],
    };
  }
}
