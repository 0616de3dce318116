import {
  AppliedPosPayment,
  ApplyPaymentCommand,
  BillRef,
  BillSnapshot,
  BillSummary,
  FindAppliedPaymentQuery,
  Money,
  PosAdapter,
  PosHealth,
  PosPaymentLookup,
  PosRejectedError,
  UpstreamProtocolError,
  describeError,
} from '@bridge/core';
import { sameRkeeperGuid } from './rkeeper.assumptions';
import {
  RKEEPER_BILL_ATTRIBUTES,
  activePaymentLines,
  orderExternalId,
  orderToBillSnapshot,
  sessionPaymentLines,
} from './rkeeper.bill-mapper';
import { RkeeperLogger, RkeeperXmlClient } from './rkeeper.client';
import { RkeeperConfigError } from './rkeeper.config';
import { RKEEPER_UPSTREAM } from './rkeeper.errors';
import { RkeeperOrder, RkeeperOrderRef, RkeeperPaymentLine } from './rkeeper.types';

export interface RkeeperPosAdapterOptions {
  /** The r_keeper currency (payment type) Ident that stands for Invoicebox. */
  paymentCurrencyId: number;
  /** Reason Ident required on a Prepay ("причина внесения предоплаты"). */
  prepayReasonId: number;
  stationCode: number;
  cashierCode: number;
  logger?: RkeeperLogger;
}

interface ListCache {
  lastVersion?: number;
  summaries: BillSummary[];
}

const silentLogger: RkeeperLogger = { warn: () => undefined };

/**
 * r_keeper 7 behind the core POS port. Bills are orders, keyed by their guid; the order `version` is the bill
 * version. Money never leaves kopecks. The adapter keeps no state that matters for correctness: the order list
 * cache only saves a transfer, and read-back always asks r_keeper.
 */
export class RkeeperPosAdapter extends PosAdapter {
  readonly vendor = 'rkeeper';
  private readonly currency: string;
  private readonly logger: RkeeperLogger;
  private listCache?: ListCache;
  private precheckSeen = new Map<string, boolean>();
  private readonly precheckListeners = new Set<(externalId: string) => void>();

  constructor(
    private readonly client: RkeeperXmlClient,
    private readonly options: RkeeperPosAdapterOptions,
  ) {
    super();
    this.currency = client.config.currency;
    this.logger = options.logger ?? silentLogger;
  }

  /** One GetOrderList; while r_keeper's order table has not moved it answers "No changes" and nothing is parsed. */
  async listOpenBills(): Promise<BillSummary[]> {
    const cache = this.listCache;
    const result = await this.client.getOpenOrdersIfChanged(cache?.lastVersion);
    if (!result.changed) {
      if (cache) return cache.summaries;
      throw new UpstreamProtocolError('GetOrderList answered "No changes" to a request without lastversion', {
        upstream: RKEEPER_UPSTREAM,
        operation: 'GetOrderList',
      });
    }
    const summaries = result.orders.map((o) => ({
      externalId: orderExternalId(o.guid),
      externalVersion: String(o.version),
    }));
    this.listCache = { lastVersion: result.lastVersion, summaries };
    this.trackPrechecks(result.orders.map((o) => ({ externalId: orderExternalId(o.guid), bill: o.bill })));
    return summaries;
  }

  async getBill(ref: BillRef): Promise<BillSnapshot | null> {
    const order = await this.readOrder(ref);
    return order ? this.toSnapshot(order) : null;
  }

  async applyPayment(command: ApplyPaymentCommand): Promise<AppliedPosPayment> {
    if (command.amount.currency !== this.currency) {
      throw new PosRejectedError(
        'rejected',
        `Payment in ${command.amount.currency}, the r_keeper site works in ${this.currency}`,
        { upstream: RKEEPER_UPSTREAM, operation: 'applyPayment', metadata: { paymentId: command.paymentId } },
      );
    }
    return command.mode === 'close' ? this.payOrder(command) : this.prepay(command);
  }

  async findAppliedPayment(query: FindAppliedPaymentQuery): Promise<PosPaymentLookup> {
    const order = await this.readOrder(query.bill);
    if (!order) {
      return {
        status: 'undeterminable',
        reason: `r_keeper no longer returns order ${query.bill.externalId}`,
      };
    }
    const kind = query.mode === 'close' ? 'pay' : 'prepay';
    const candidates = this.ourLines(activePaymentLines(order), kind, query.amount);
    const match = candidates.find(
      (line) =>
        line.lineGuid && !query.excludeExternalRefs.some((ref) => sameRkeeperGuid(ref, line.lineGuid ?? '')),
    );
    if (match?.lineGuid) {
      return {
        status: 'found',
        payment: { externalRef: match.lineGuid, amount: match.amount, mode: query.mode },
      };
    }
    if (candidates.some((line) => !line.lineGuid)) {
      return {
        status: 'undeterminable',
        reason: 'r_keeper payment lines carry no line_guid to tell them apart',
      };
    }
    return { status: 'not_found' };
  }

  async checkHealth(): Promise<PosHealth> {
    try {
      const info = await this.client.getSystemInfo();
      return {
        ok: true,
        detail: `r_keeper ${info.serverVersion ?? '?'} (restaurant ${info.restCode ?? '?'})`,
      };
    } catch (error) {
      const described = describeError(error);
      return { ok: false, detail: `${described.code}: ${described.message}` };
    }
  }

  /**
   * Writes the payment URL into the order field the pre-check layout prints. The order's version grows; its
   * content does not, so the bridge does not see a changed bill.
   */
  async publishPaymentUrl(ref: BillRef, url: string): Promise<void> {
    await this.client.setPaymentUrl(this.orderRef(ref), url);
  }

  /** Called with the bill's external id when the list shows a pre-check printed that was not printed before. */
  onPrecheckPrinted(listener: (externalId: string) => void): () => void {
    this.precheckListeners.add(listener);
    return () => this.precheckListeners.delete(listener);
  }

  override async stop(): Promise<void> {
    this.client.close();
  }

  private async payOrder(command: ApplyPaymentCommand): Promise<AppliedPosPayment> {
    const order = this.orderRef(command.bill);
    const result = await this.write(() =>
      this.client.payOrder({
        order,
        payments: [{ currencyId: this.options.paymentCurrencyId, amount: command.amount }],
        cashierCode: this.options.cashierCode,
        stationCode: this.options.stationCode,
      }),
    );
    const line = this.ourLines(
      result.printChecks.filter((c) => !c.deleted).flatMap((c) => c.lines),
      'pay',
      command.amount,
    ).find((l) => l.lineGuid);
    const externalRef =
      line?.lineGuid ?? (await this.refAfterWrite(command, 'pay')) ?? this.fallbackRef(command);
    return { externalRef, amount: command.amount, mode: 'close' };
  }

  private async prepay(command: ApplyPaymentCommand): Promise<AppliedPosPayment> {
    const result = await this.write(() =>
      this.client.addPrepay({
        order: this.orderRef(command.bill),
        currencyId: this.options.paymentCurrencyId,
        amount: command.amount,
        reasonId: this.options.prepayReasonId,
        stationCode: this.options.stationCode,
      }),
    );
    const added = result.order ? this.newestLine(result.order, 'prepay', command.amount) : undefined;
    const externalRef = added ?? (await this.refAfterWrite(command, 'prepay')) ?? this.fallbackRef(command);
    return { externalRef, amount: command.amount, mode: 'prepayment' };
  }

  /** The write went through (Status Ok): a failure to name its line must not turn it into an error. */
  private async refAfterWrite(
    command: ApplyPaymentCommand,
    kind: RkeeperPaymentLine['kind'],
  ): Promise<string | undefined> {
    try {
      const order = await this.client.getOrder(this.orderRef(command.bill));
      return this.newestLine(order, kind, command.amount);
    } catch (error) {
      this.logger.warn('Payment applied, but its r_keeper line could not be read back', {
        externalId: command.bill.externalId,
        error: describeError(error),
      });
      return undefined;
    }
  }

  private fallbackRef(command: ApplyPaymentCommand): string {
    this.logger.warn('Payment applied without a visible r_keeper line_guid; recorded under the payment id', {
      externalId: command.bill.externalId,
      paymentId: command.paymentId,
    });
    return `${command.bill.externalId}/${command.paymentId}`;
  }

  /** Each SaveOrder/PayOrder adds a session or a receipt at the end: our line there is the one just written. */
  private newestLine(
    order: RkeeperOrder,
    kind: RkeeperPaymentLine['kind'],
    amount: Money,
  ): string | undefined {
    for (const session of [...order.sessions].reverse()) {
      const line = this.ourLines(sessionPaymentLines(session), kind, amount)
        .reverse()
        .find((l) => l.lineGuid);
      if (line?.lineGuid) return line.lineGuid;
    }
    return undefined;
  }

  private ourLines(
    lines: RkeeperPaymentLine[],
    kind: RkeeperPaymentLine['kind'],
    amount: Money,
  ): RkeeperPaymentLine[] {
    return lines.filter(
      (l) => l.kind === kind && l.currencyId === this.options.paymentCurrencyId && l.amount.equals(amount),
    );
  }

  /** The client checks its configuration before sending: such a problem is a refusal, nothing reached r_keeper. */
  private async write<T>(call: () => Promise<T>): Promise<T> {
    try {
      return await call();
    } catch (error) {
      if (!(error instanceof RkeeperConfigError)) throw error;
      throw new PosRejectedError('rejected', error.message, {
        upstream: RKEEPER_UPSTREAM,
        operation: 'applyPayment',
      });
    }
  }

  private async readOrder(ref: BillRef): Promise<RkeeperOrder | null> {
    try {
      return await this.client.getOrder(this.orderRef(ref));
    } catch (error) {
      if (error instanceof PosRejectedError && error.reason === 'not_found') return null;
      throw error;
    }
  }

  private toSnapshot(order: RkeeperOrder): BillSnapshot {
    return orderToBillSnapshot(order, {
      currency: this.currency,
      paymentUrlPropName: this.client.config.paymentUrlPropName,
      onInconsistency: (message, context) => this.logger.warn(message, context),
    });
  }

  private orderRef(ref: BillRef): RkeeperOrderRef {
    return { guid: ref.attributes[RKEEPER_BILL_ATTRIBUTES.guid] || ref.externalId };
  }

  private trackPrechecks(orders: { externalId: string; bill: boolean }[]): void {
    const seen = new Map<string, boolean>();
    const printed: string[] = [];
    for (const { externalId, bill } of orders) {
      if (bill && this.precheckSeen.get(externalId) !== true) printed.push(externalId);
      seen.set(externalId, bill);
    }
    this.precheckSeen = seen;
    for (const externalId of printed) {
      for (const listener of this.precheckListeners) {
        try {
          listener(externalId);
        } catch (error) {
          this.logger.warn('Pre-check listener threw', { externalId, error: describeError(error) });
        }
      }
    }
  }
}
