import { EventEmitter } from 'node:events';
import { connect } from 'node:net';
import { UpstreamOutcomeUnknownError, UpstreamUnavailableError } from '@bridge/core';
import { FiasCodec, FiasRecord, fieldValue } from './fias.codec';
import { FiasProtocolError, isFiasProtocolError } from './fias.errors';
import { toFiasDate, toFiasTime } from './fias.fields';
import { FiasPostingNumberAllocator, FiasPostingNumberStore } from './fias.posting-number';
import {
  FiasGuestRecord,
  FiasGuestRecordId,
  FiasLinkRecord,
  FiasStamp,
  FiasTypedRecord,
  buildLinkDescription,
  buildLinkRecord,
  buildStampRecord,
  parseTypedRecord,
} from './fias.records';
import { FiasFrameTransport } from './fias.transport';

export interface FiasConnection {
  write(bytes: Buffer): void;
  end(): void;
  destroy(): void;
}

export interface FiasConnectionEvents {
  connect(): void;
  data(chunk: Buffer): void;
  close(): void;
  error(error: Error): void;
}

export type FiasConnector = (
  target: { host: string; port: number },
  events: FiasConnectionEvents,
) => FiasConnection;

export const netFiasConnector: FiasConnector = (target, events) => {
  const socket = connect({ host: target.host, port: target.port });
  socket.setNoDelay(true);
  socket.on('connect', () => events.connect());
  socket.on('data', (chunk: Buffer) => events.data(chunk));
  socket.on('error', (error) => events.error(error));
  socket.on('close', () => events.close());
  return {
    write: (bytes) => {
      socket.write(bytes);
    },
    end: () => socket.end(),
    destroy: () => socket.destroy(),
  };
};

export type FiasLinkState =
  'stopped' | 'connecting' | 'awaiting_link_start' | 'configuring' | 'alive' | 'reconnect_wait' | 'closing';

export interface FiasLinkStateChange {
  readonly from: FiasLinkState;
  readonly to: FiasLinkState;
  readonly reason: string;
  readonly at: Date;
}

export interface FiasLinkHealth {
  readonly state: FiasLinkState;
  readonly alive: boolean;
  readonly since: Date;
  readonly connectedAt?: Date;
  readonly lastAliveAt?: Date;
  readonly reconnectAttempt: number;
  readonly pendingRequests: number;
  readonly lastError?: string;
}

export type FiasUnsolicitedRecord =
  | { readonly id: FiasGuestRecordId; readonly data: FiasGuestRecord }
  | { readonly id: 'DR' | 'DS' | 'DE' | 'NS' | 'NE'; readonly data: FiasStamp };

export interface FiasTraffic {
  readonly direction: 'in' | 'out';
  readonly text: string;
  readonly at: Date;
}

export interface FiasLinkEventMap {
  state: [FiasLinkStateChange];
  /** GI/GO/GC, DS/DE (resync), NS/NE (night audit): push hints only, never a basis for postings. */
  event: [FiasUnsolicitedRecord];
  traffic: [FiasTraffic];
  protocolError: [FiasProtocolError];
  /** An answer nobody waits for (e.g. a PA after its request timed out): important for reconciliation. */
  unmatched: [FiasRecord];
}

export type FiasMatch =
  | { readonly by: 'posting_number'; readonly postingNumber: number; readonly workstation?: string }
  /** XR/XC answers carry no P#: one bill-channel request is in flight at a time. */
  | { readonly by: 'bill_channel'; readonly room: string };

export interface FiasExchangeRequest {
  readonly record: FiasRecord;
  readonly match: FiasMatch;
  readonly answers: readonly string[];
  readonly collect?: readonly string[];
  /** `write`: once sent, a failure means the outcome is unknown. */
  readonly effect: 'read' | 'write';
  readonly operation: string;
  readonly timeoutMs?: number;
}

export interface FiasExchangeResult {
  readonly answer: FiasRecord;
  readonly collected: readonly FiasRecord[];
  readonly sentText: string;
}

export interface FiasReconnectOptions {
  initialDelayMs?: number;
  maxDelayMs?: number;
  factor?: number;
}

export interface FiasLinkOptions {
  host: string;
  port: number;
  currency: string;
  encoding?: string;
  lrc?: boolean;
  ack?: boolean;
  ackTimeoutMs?: number;
  /** `IF` in LD. Default `PO`: see docs/decisions/fias-interface-family.md. */
  interfaceFamily?: string;
  vendorVersion?: string;
  linkRecords?: readonly FiasLinkRecord[];
  connectTimeoutMs?: number;
  linkStartWaitMs?: number;
  linkConfigTimeoutMs?: number;
  aliveIntervalMs?: number;
  aliveTimeoutMs?: number;
  answerTimeoutMs?: number;
  postingTimeoutMs?: number;
  awaitAliveMs?: number;
  linkEndWaitMs?: number;
  reconnect?: FiasReconnectOptions;
  postingNumberBlock?: number;
}

export interface FiasLinkDependencies {
  postingNumbers: FiasPostingNumberStore;
  connector?: FiasConnector;
  clock?: () => Date;
}

/** `LR|RI..|FL..|`: FL is the concatenation of 2-character field ids. */
const lr = (recordId: string, fieldList: string): FiasLinkRecord => ({
  recordId,
  fieldIds: fieldList.match(/../g) ?? [],
});

export const DEFAULT_FIAS_LINK_RECORDS: readonly FiasLinkRecord[] = [
  lr(
    'PR',
    'SOWSIDPIMXRNG#GNPTTAS1S2S3S4S5S6S7S8S9T1T2T3T4T5T6T7T8T9D1D2D3D4D5D6D7D8D9TPSCC#CVSTT#CTDATIP#PM',
  ),
  lr('PA', 'SOWSIDRNG#GNASCTC#DATIP#'),
  lr('PL', 'SOWSIDRNG#GNGAGDBACLNPP#PMDATI'),
  lr('XR', 'RNG#WSDATI'),
  lr('XI', 'RNF#G#DCBIBDDATIFD'),
  lr('XB', 'RNG#BAASCTDATI'),
  lr('GI', 'RNG#GNGLGSGAGDGVG+SFDATI'),
  lr('GO', 'RNG#GSSFDATI'),
  lr('GC', 'RNROG#GNGLGSGAGDGVG+SFDATI'),
  ...['DR', 'DS', 'DE', 'NS', 'NE', 'LS', 'LA', 'LE'].map((recordId) => lr(recordId, 'DATI')),
];

const MAX_ALIVE_INTERVAL_MS = 5 * 60_000;

interface Pending {
  readonly request: FiasExchangeRequest;
  readonly timeoutMs: number;
  readonly collected: FiasRecord[];
  readonly resolve: (result: FiasExchangeResult) => void;
  readonly reject: (error: Error) => void;
  sentText?: string;
  timer?: NodeJS.Timeout;
}

/**
 * The vendor end of a FIAS link over TCP (we are the client; the IFC is the server), as an explicit
 * state machine: connect → LS (theirs, or ours after 3 s) → LD, LR…, LA → their LA → alive.
 */
export class FiasLink extends EventEmitter<FiasLinkEventMap> {
  private currentState: FiasLinkState = 'stopped';
  private since: Date;
  private connection?: FiasConnection;
  private transport?: FiasFrameTransport;
  private generation = 0;
  private reconnectAttempt = 0;
  private connectedAt?: Date;
  private lastAliveAt?: Date;
  private lastError?: string;
  private stateTimer?: NodeJS.Timeout;
  private aliveTimer?: NodeJS.Timeout;
  private aliveDeadline?: NodeJS.Timeout;
  private reconnectTimer?: NodeJS.Timeout;
  private closeWaiter?: () => void;
  private readonly aliveWaiters = new Set<{ resolve(): void; reject(error: Error): void }>();
  private readonly byPostingNumber = new Map<number, Pending>();
  private readonly billQueue: Pending[] = [];
  private billActive?: Pending;
  private readonly codec: FiasCodec;
  private readonly allocator: FiasPostingNumberAllocator;
  private readonly connector: FiasConnector;
  private readonly clock: () => Date;
  private readonly settings: Required<Omit<FiasLinkOptions, 'reconnect' | 'encoding'>> & {
    reconnect: Required<FiasReconnectOptions>;
  };

  constructor(options: FiasLinkOptions, dependencies: FiasLinkDependencies) {
    super();
    this.clock = dependencies.clock ?? (() => new Date());
    this.since = this.clock();
    this.connector = dependencies.connector ?? netFiasConnector;
    this.codec = new FiasCodec({ encoding: options.encoding, lrc: options.lrc });
    this.settings = {
      host: options.host,
      port: options.port,
      currency: options.currency,
      lrc: options.lrc ?? false,
      ack: options.ack ?? false,
      ackTimeoutMs: options.ackTimeoutMs ?? 2000,
      interfaceFamily: options.interfaceFamily ?? 'PO',
      vendorVersion: options.vendorVersion ?? '1.01',
      linkRecords: options.linkRecords ?? DEFAULT_FIAS_LINK_RECORDS,
      connectTimeoutMs: options.connectTimeoutMs ?? 5000,
      linkStartWaitMs: options.linkStartWaitMs ?? 3000,
      linkConfigTimeoutMs: options.linkConfigTimeoutMs ?? 10_000,
      aliveIntervalMs: options.aliveIntervalMs ?? 60_000,
      aliveTimeoutMs: options.aliveTimeoutMs ?? 10_000,
      answerTimeoutMs: options.answerTimeoutMs ?? 30_000,
      postingTimeoutMs: options.postingTimeoutMs ?? 60_000,
      awaitAliveMs: options.awaitAliveMs ?? 5000,
      linkEndWaitMs: options.linkEndWaitMs ?? 2000,
      postingNumberBlock: options.postingNumberBlock ?? 20,
      reconnect: {
        initialDelayMs: options.reconnect?.initialDelayMs ?? 500,
        maxDelayMs: options.reconnect?.maxDelayMs ?? 30_000,
        factor: options.reconnect?.factor ?? 2,
      },
    };
    // IFC8 FIAS: the vendor may send LS as an alive check, at most every 5 minutes.
    if (this.settings.aliveIntervalMs <= 0 || this.settings.aliveIntervalMs > MAX_ALIVE_INTERVAL_MS) {
      throw new FiasProtocolError('FIAS.CONFIG_INVALID', 'aliveIntervalMs must be within (0, 300000]');
    }
    this.allocator = new FiasPostingNumberAllocator(
      dependencies.postingNumbers,
      this.settings.postingNumberBlock,
    );
    buildLinkDescription({
      version: this.settings.vendorVersion,
      interfaceFamily: this.settings.interfaceFamily,
    });
    for (const linkRecord of this.settings.linkRecords) buildLinkRecord(linkRecord);
  }

  get state(): FiasLinkState {
    return this.currentState;
  }

  get currency(): string {
    return this.settings.currency;
  }

  get timeouts(): { answerMs: number; postingMs: number } {
    return { answerMs: this.settings.answerTimeoutMs, postingMs: this.settings.postingTimeoutMs };
  }

  health(): FiasLinkHealth {
    return {
      state: this.currentState,
      alive: this.currentState === 'alive',
      since: this.since,
      connectedAt: this.connectedAt,
      lastAliveAt: this.lastAliveAt,
      reconnectAttempt: this.reconnectAttempt,
      pendingRequests: this.byPostingNumber.size + this.billQueue.length + (this.billActive ? 1 : 0),
      lastError: this.lastError,
    };
  }

  start(): void {
    if (this.currentState !== 'stopped') return;
    this.connectNow();
  }

  async close(): Promise<void> {
    if (this.currentState === 'stopped') return;
    this.clearTimers();
    if (this.reconnectTimer) clearTimeout(this.reconnectTimer);
    const connected = ['awaiting_link_start', 'configuring', 'alive'].includes(this.currentState);
    this.setState('closing', 'close requested');
    if (connected && this.connection) {
      this.sendQuietly(buildStampRecord('LE', this.stamp()));
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, this.settings.linkEndWaitMs);
        this.closeWaiter = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      this.closeWaiter = undefined;
    }
    this.teardownConnection();
    this.failAll('FIAS link closed');
    const closed = this.unavailable('FIAS link closed', 'waitUntilAlive');
    for (const waiter of [...this.aliveWaiters]) waiter.reject(closed);
    this.setState('stopped', 'closed');
  }

  waitUntilAlive(timeoutMs = this.settings.awaitAliveMs): Promise<void> {
    if (this.currentState === 'alive') return Promise.resolve();
    if (this.currentState === 'stopped' || this.currentState === 'closing') {
      return Promise.reject(this.unavailable('FIAS link is not running', 'waitUntilAlive'));
    }
    return new Promise((resolve, reject) => {
      const waiter = {
        resolve: (): void => {
          clearTimeout(timer);
          this.aliveWaiters.delete(waiter);
          resolve();
        },
        reject: (error: Error): void => {
          clearTimeout(timer);
          this.aliveWaiters.delete(waiter);
          reject(error);
        },
      };
      const timer = setTimeout(
        () =>
          waiter.reject(
            this.unavailable(`FIAS link not alive (state ${this.currentState})`, 'waitUntilAlive'),
          ),
        timeoutMs,
      );
      this.aliveWaiters.add(waiter);
    });
  }

  allocatePostingNumber(): Promise<number> {
    return this.allocator.allocate();
  }

  async requestResync(): Promise<void> {
    await this.waitUntilAlive();
    this.sendQuietly(buildStampRecord('DR', this.stamp()));
  }

  stamp(): FiasStamp {
    const now = this.clock();
    return { date: toFiasDate(now), time: toFiasTime(now) };
  }

  async exchange(request: FiasExchangeRequest): Promise<FiasExchangeResult> {
    await this.waitUntilAlive();
    return new Promise<FiasExchangeResult>((resolve, reject) => {
      const pending: Pending = {
        request,
        timeoutMs: request.timeoutMs ?? this.settings.answerTimeoutMs,
        collected: [],
        resolve,
        reject,
      };
      if (request.match.by === 'bill_channel') {
        this.billQueue.push(pending);
        this.pumpBillChannel();
        return;
      }
      const postingNumber = request.match.postingNumber;
      if (this.byPostingNumber.has(postingNumber)) {
        reject(
          new FiasProtocolError('FIAS.POSTING_NUMBER_REUSED', `P# ${postingNumber} is already in flight`, {
            metadata: { postingNumber },
          }),
        );
        return;
      }
      this.byPostingNumber.set(postingNumber, pending);
      if (!this.transmit(pending)) this.byPostingNumber.delete(postingNumber);
    });
  }

  private connectNow(): void {
    const generation = ++this.generation;
    this.setState('connecting', `connecting to ${this.settings.host}:${this.settings.port}`);
    const current = (): boolean => generation === this.generation;
    this.transport = new FiasFrameTransport(
      { codec: this.codec, ack: this.settings.ack, ackTimeoutMs: this.settings.ackTimeoutMs },
      {
        write: (bytes) => this.connection?.write(bytes),
        onRecord: (record, text) => {
          if (current()) this.onRecord(record, text);
        },
        onProtocolError: (error) => {
          if (current()) this.emit('protocolError', error);
        },
        onFailure: (error) => {
          if (current()) this.dropConnection(error.message);
        },
      },
    );
    this.connection = this.connector(
      { host: this.settings.host, port: this.settings.port },
      {
        connect: () => {
          if (current()) this.onConnected();
        },
        data: (chunk) => {
          if (current()) this.transport?.receive(chunk);
        },
        error: (error) => {
          if (current()) this.lastError = error.message;
        },
        close: () => {
          if (!current()) return;
          if (this.currentState === 'closing') this.closeWaiter?.();
          else this.dropConnection(this.lastError ?? 'connection closed by peer');
        },
      },
    );
    this.armStateTimer(this.settings.connectTimeoutMs, 'connect timeout');
  }

  private onConnected(): void {
    this.clearTimers();
    this.connectedAt = this.clock();
    this.setState('awaiting_link_start', 'TCP connected');
    // IFC8 FIAS: on start the vendor waits up to 3 s for the PMS's LS before sending LS itself.
    this.stateTimer = setTimeout(() => {
      this.sendQuietly(buildStampRecord('LS', this.stamp()));
      this.sendConfiguration('no LS from the PMS; sent our own');
    }, this.settings.linkStartWaitMs);
  }

  private sendConfiguration(reason: string): void {
    this.clearTimers();
    this.sendQuietly(
      buildLinkDescription({
        ...this.stamp(),
        version: this.settings.vendorVersion,
        interfaceFamily: this.settings.interfaceFamily,
      }),
    );
    for (const linkRecord of this.settings.linkRecords) this.sendQuietly(buildLinkRecord(linkRecord));
    this.sendQuietly(buildStampRecord('LA', this.stamp()));
    this.setState('configuring', reason);
    this.armStateTimer(this.settings.linkConfigTimeoutMs, 'no LA after link configuration');
  }

  private becomeAlive(): void {
    this.clearTimers();
    this.reconnectAttempt = 0;
    this.lastAliveAt = this.clock();
    this.setState('alive', 'LA received');
    this.scheduleAliveCheck();
    for (const waiter of [...this.aliveWaiters]) waiter.resolve();
    this.pumpBillChannel();
  }

  private scheduleAliveCheck(): void {
    this.aliveTimer = setTimeout(() => {
      if (this.currentState !== 'alive') return;
      this.sendQuietly(buildStampRecord('LS', this.stamp()));
      this.aliveDeadline = setTimeout(
        () => this.dropConnection('no LA answer to the alive check'),
        this.settings.aliveTimeoutMs,
      );
    }, this.settings.aliveIntervalMs);
  }

  private dropConnection(reason: string): void {
    if (this.currentState === 'stopped' || this.currentState === 'closing') return;
    this.lastError = reason;
    this.teardownConnection();
    this.failAll(`FIAS link lost: ${reason}`);
    this.reconnectAttempt++;
    const { initialDelayMs, maxDelayMs, factor } = this.settings.reconnect;
    const delay = Math.min(initialDelayMs * factor ** (this.reconnectAttempt - 1), maxDelayMs);
    this.setState('reconnect_wait', reason);
    this.reconnectTimer = setTimeout(() => {
      this.reconnectTimer = undefined;
      if (this.currentState === 'reconnect_wait') this.connectNow();
    }, delay);
  }

  private teardownConnection(): void {
    this.clearTimers();
    this.generation++;
    this.transport?.dispose();
    this.transport = undefined;
    this.connection?.destroy();
    this.connection = undefined;
    this.connectedAt = undefined;
  }

  private onRecord(record: FiasRecord, text: string): void {
    this.emit('traffic', { direction: 'in', text, at: this.clock() });
    switch (record.id) {
      case 'LS':
        // The PMS (re)starts the link: LD/LR/LA again; pending requests keep their bookkeeping.
        if (this.currentState !== 'closing') this.sendConfiguration('LS from the PMS');
        return;
      case 'LA':
        if (this.currentState === 'configuring') {
          this.becomeAlive();
        } else if (this.currentState === 'alive') {
          this.lastAliveAt = this.clock();
          if (this.aliveDeadline) clearTimeout(this.aliveDeadline);
          this.aliveDeadline = undefined;
          if (this.aliveTimer) clearTimeout(this.aliveTimer);
          this.scheduleAliveCheck();
        }
        return;
      case 'LE':
        if (this.currentState === 'closing') {
          this.closeWaiter?.();
        } else {
          this.sendQuietly(buildStampRecord('LE', this.stamp()));
          this.dropConnection('LE from the PMS');
        }
        return;
      case 'PA':
      case 'PL':
        this.matchByPostingNumber(record);
        return;
      case 'XI':
      case 'XB':
      case 'XC':
        this.matchBillChannel(record);
        return;
      case 'GI':
      case 'GO':
      case 'GC':
      case 'DR':
      case 'DS':
      case 'DE':
      case 'NS':
      case 'NE':
        this.emitUnsolicited(record);
        return;
      default:
        this.emit(
          'protocolError',
          new FiasProtocolError('FIAS.RECORD_UNEXPECTED', `Unexpected ${record.id} from the PMS`, {
            metadata: { recordId: record.id },
          }),
        );
    }
  }

  private emitUnsolicited(record: FiasRecord): void {
    let typed: FiasTypedRecord;
    try {
      typed = parseTypedRecord(record, this.settings.currency);
    } catch (error) {
      if (isFiasProtocolError(error)) this.emit('protocolError', error);
      return;
    }
    switch (typed.id) {
      case 'GI':
      case 'GO':
      case 'GC':
        this.emit('event', { id: typed.id, data: typed.data });
        return;
      case 'DR':
      case 'DS':
      case 'DE':
      case 'NS':
      case 'NE':
        this.emit('event', { id: typed.id, data: typed.data });
    }
  }

  private matchByPostingNumber(record: FiasRecord): void {
    const text = fieldValue(record, 'P#');
    const postingNumber = text !== undefined && /^\d{1,8}$/.test(text) ? Number(text) : undefined;
    const pending = postingNumber === undefined ? undefined : this.byPostingNumber.get(postingNumber);
    const workstation = fieldValue(record, 'WS');
    if (
      postingNumber === undefined ||
      pending === undefined ||
      pending.request.match.by !== 'posting_number' ||
      !pending.request.answers.includes(record.id) ||
      (workstation !== undefined &&
        pending.request.match.workstation !== undefined &&
        workstation !== pending.request.match.workstation)
    ) {
      this.emit('unmatched', record);
      return;
    }
    this.byPostingNumber.delete(postingNumber);
    this.settle(pending, { answer: record });
  }

  private matchBillChannel(record: FiasRecord): void {
    const pending = this.billActive;
    const room = fieldValue(record, 'RN');
    if (
      pending === undefined ||
      pending.sentText === undefined ||
      pending.request.match.by !== 'bill_channel' ||
      (room !== undefined && room !== '' && room !== pending.request.match.room)
    ) {
      this.emit('unmatched', record);
      return;
    }
    if (pending.request.collect?.includes(record.id)) {
      pending.collected.push(record);
      return;
    }
    if (!pending.request.answers.includes(record.id)) {
      this.emit('unmatched', record);
      return;
    }
    this.billActive = undefined;
    this.settle(pending, { answer: record });
    this.pumpBillChannel();
  }

  private pumpBillChannel(): void {
    while (this.billActive === undefined && this.currentState === 'alive') {
      const next = this.billQueue.shift();
      if (!next) return;
      this.billActive = next;
      if (!this.transmit(next)) this.billActive = undefined;
    }
  }

  private transmit(pending: Pending): boolean {
    if (!this.transport || (this.currentState !== 'alive' && this.currentState !== 'configuring')) {
      pending.reject(this.unavailable('FIAS link not alive', pending.request.operation));
      return false;
    }
    try {
      pending.sentText = this.transport.send(pending.request.record);
    } catch (error) {
      pending.reject(error instanceof Error ? error : new FiasProtocolError('FIAS.ENCODING', String(error)));
      return false;
    }
    this.emit('traffic', { direction: 'out', text: pending.sentText, at: this.clock() });
    pending.timer = setTimeout(() => this.onTimeout(pending), pending.timeoutMs);
    return true;
  }

  private onTimeout(pending: Pending): void {
    const match = pending.request.match;
    if (match.by === 'posting_number') {
      if (this.byPostingNumber.get(match.postingNumber) !== pending) return;
      this.byPostingNumber.delete(match.postingNumber);
    } else {
      if (this.billActive !== pending) return;
      this.billActive = undefined;
    }
    this.fail(pending, `no answer within ${pending.timeoutMs} ms`);
    this.pumpBillChannel();
  }

  private settle(pending: Pending, result: { answer: FiasRecord }): void {
    if (pending.timer) clearTimeout(pending.timer);
    pending.resolve({
      answer: result.answer,
      collected: pending.collected,
      sentText: pending.sentText ?? '',
    });
  }

  private fail(pending: Pending, reason: string): void {
    if (pending.timer) clearTimeout(pending.timer);
    const { operation, effect } = pending.request;
    const metadata = { sent: pending.sentText !== undefined, state: this.currentState };
    if (effect === 'write' && pending.sentText !== undefined) {
      pending.reject(
        new UpstreamOutcomeUnknownError(`FIAS ${operation}: ${reason}; the PMS may have applied it`, {
          upstream: 'fias',
          operation,
          metadata,
        }),
      );
    } else {
      pending.reject(this.unavailable(`FIAS ${operation}: ${reason}`, operation, metadata));
    }
  }

  private failAll(reason: string): void {
    const all = [
      ...this.byPostingNumber.values(),
      ...(this.billActive ? [this.billActive] : []),
      ...this.billQueue,
    ];
    this.byPostingNumber.clear();
    this.billActive = undefined;
    this.billQueue.length = 0;
    for (const pending of all) this.fail(pending, reason);
  }

  private sendQuietly(record: FiasRecord): void {
    if (!this.transport) return;
    try {
      const text = this.transport.send(record);
      this.emit('traffic', { direction: 'out', text, at: this.clock() });
    } catch (error) {
      if (isFiasProtocolError(error)) this.emit('protocolError', error);
      else throw error;
    }
  }

  private unavailable(
    message: string,
    operation: string,
    metadata?: Record<string, unknown>,
  ): UpstreamUnavailableError {
    return new UpstreamUnavailableError(message, { upstream: 'fias', operation, metadata });
  }

  private setState(to: FiasLinkState, reason: string): void {
    const from = this.currentState;
    if (from === to) return;
    this.currentState = to;
    this.since = this.clock();
    this.emit('state', { from, to, reason, at: this.since });
  }

  private armStateTimer(ms: number, reason: string): void {
    if (this.stateTimer) clearTimeout(this.stateTimer);
    this.stateTimer = setTimeout(() => this.dropConnection(reason), ms);
  }

  private clearTimers(): void {
    for (const timer of [this.stateTimer, this.aliveTimer, this.aliveDeadline]) {
      if (timer) clearTimeout(timer);
    }
    this.stateTimer = undefined;
    this.aliveTimer = undefined;
    this.aliveDeadline = undefined;
  }
}
