import {
  Money,
  PosRejectedError,
  UpstreamError,
  UpstreamOutcomeUnknownError,
  UpstreamProtocolError,
} from '@bridge/core';
import { RKEEPER_ASSUMPTIONS } from './rkeeper.assumptions';
import {
  ResolvedRkeeperClientConfig,
  RkeeperClientConfig,
  RkeeperConfigError,
  resolveRkeeperClientConfig,
} from './rkeeper.config';
import { RKEEPER_UPSTREAM, classifyRkeeperError } from './rkeeper.errors';
import {
  InMemoryLicenseSeqStore,
  RkeeperLicenseSeqStore,
  licenseInfoElement,
  maskLicenseToken,
} from './rkeeper.license';
import {
  Rk7Envelope,
  RkeeperShapeError,
  mapGetOrder,
  mapOptionalOrder,
  mapOrderList,
  mapOrderListVersion,
  mapPrintChecks,
  mapReference,
  mapSystemInfo,
  readEnvelope,
} from './rkeeper.mapper';
import {
  deleteReceiptPaymentsQuery,
  getOrderListQuery,
  getOrderQuery,
  getRefDataQuery,
  getSystemInfoQuery,
  payOrderQuery,
  savePrepayQuery,
  updateOrderPropsQuery,
} from './rkeeper.requests';
import { RkeeperHttpsTransport, mapHttpStatus } from './rkeeper.transport';
import {
  RkeeperCurrency,
  RkeeperDeletePaymentsInput,
  RkeeperExchange,
  RkeeperMenuItem,
  RkeeperOrder,
  RkeeperOrderListResult,
  RkeeperOrderRef,
  RkeeperOrderSummary,
  RkeeperPayOrderInput,
  RkeeperPrepayInput,
  RkeeperPrepayReason,
  RkeeperReference,
  RkeeperSystemInfo,
  RkeeperTable,
  RkeeperWriteResult,
} from './rkeeper.types';
import { RK7_STATUS_NO_CHANGES, RK7_STATUS_OK } from './wire/envelope.wire';
import { UnsupportedCharsetError, decodeXmlBody, encodeXml } from './xml/encoding';
import { XmlElement, XmlSyntaxError, buildXml, parseXml } from './xml/xml-tree';

export interface RkeeperLogger {
  warn(message: string, context?: Record<string, unknown>): void;
}

export interface RkeeperClientDeps {
  logger?: RkeeperLogger;
  licenseSeqStore?: RkeeperLicenseSeqStore;
  /** Every exchange, for the audit log; must not throw. */
  onExchange?: (exchange: RkeeperExchange) => void;
}

const consoleLogger: RkeeperLogger = {
  warn: (message, context) => console.warn(`[RkeeperXmlClient] ${message}`, context ?? ''),
};

interface CallResult {
  envelope: Rk7Envelope;
  requestXml: string;
  responseXml: string;
}

const REF_MASK = 'items.(Ident,Code,Name,GUIDString,Status,MainParentIdent)';

export class RkeeperXmlClient {
  readonly config: ResolvedRkeeperClientConfig;
  private readonly transport: RkeeperHttpsTransport;
  private readonly logger: RkeeperLogger;
  private readonly licenseSeqStore: RkeeperLicenseSeqStore;
  private readonly onExchange?: (exchange: RkeeperExchange) => void;

  constructor(config: RkeeperClientConfig, deps: RkeeperClientDeps = {}) {
    this.config = resolveRkeeperClientConfig(config);
    this.logger = deps.logger ?? consoleLogger;
    this.licenseSeqStore = deps.licenseSeqStore ?? new InMemoryLicenseSeqStore();
    this.onExchange = deps.onExchange;
    this.transport = new RkeeperHttpsTransport({
      url: this.config.url,
      username: this.config.username,
      password: this.config.password,
      pins: this.config.pins,
      insecure: this.config.insecure,
      maxSockets: this.config.maxSockets,
      idleSocketTimeoutMs: this.config.idleSocketTimeoutMs,
      maxResponseBytes: this.config.maxResponseBytes,
    });
    if (this.config.insecure) {
      this.logger.warn(
        'TLS certificate of the r_keeper server is NOT verified (tlsInsecure: true); pin tlsFingerprint instead',
        {
          url: this.config.url.origin,
        },
      );
    }
  }

  async getSystemInfo(): Promise<RkeeperSystemInfo> {
    const { envelope } = await this.call('GetSystemInfo', getSystemInfoQuery(), false);
    return this.mapRead('GetSystemInfo', () => mapSystemInfo(envelope));
  }

  async getRefData(
    refName: string,
    propMask: string = REF_MASK,
  ): Promise<RkeeperReference<RkeeperTable & RkeeperMenuItem>> {
    const { envelope } = await this.call('GetRefData', getRefDataQuery(refName, propMask), false);
    return this.mapRead('GetRefData', () => mapReference(envelope, refName));
  }

  async getTables(): Promise<RkeeperReference<RkeeperTable>> {
    return this.getRefData('TABLES', 'items.(Ident,Code,Name,GUIDString,Status,MainParentIdent,Hall)');
  }

  async getCurrencies(): Promise<RkeeperReference<RkeeperCurrency>> {
    return this.getRefData(RKEEPER_ASSUMPTIONS.currencyRefNames[0]);
  }

  async getPrepayReasons(): Promise<RkeeperReference<RkeeperPrepayReason>> {
    return this.getRefData(this.config.prepayReasonsRefName);
  }

  async getMenuItems(): Promise<RkeeperReference<RkeeperMenuItem>> {
    return this.getRefData(
      'MENUITEMS',
      'items.(Ident,Code,Name,GUIDString,Status,MainParentIdent,CategPath)',
    );
  }

  async getOpenOrders(): Promise<RkeeperOrderSummary[]> {
    const { envelope } = await this.call('GetOrderList', getOrderListQuery(), false);
    return this.mapRead('GetOrderList', () => mapOrderList(envelope, this.config.currency));
  }

  async getOpenOrdersIfChanged(lastVersion?: number): Promise<RkeeperOrderListResult> {
    const accepted = [RK7_STATUS_OK, RK7_STATUS_NO_CHANGES];
    const { envelope } = await this.call('GetOrderList', getOrderListQuery(lastVersion), false, accepted);
    return this.mapRead('GetOrderList', () => {
      const version = mapOrderListVersion(envelope);
      if (envelope.result.Status === RK7_STATUS_NO_CHANGES)
        return { changed: false, lastVersion: version ?? lastVersion };
      return { changed: true, lastVersion: version, orders: mapOrderList(envelope, this.config.currency) };
    });
  }

  async getOrder(ref: RkeeperOrderRef): Promise<RkeeperOrder> {
    const { envelope } = await this.call('GetOrder', getOrderQuery(ref), false);
    return this.mapRead('GetOrder', () => mapGetOrder(envelope, this.config.currency));
  }

  /** Closes the order. r_keeper accepts it only when the payments add up to unpaidSum exactly. */
  async payOrder(input: RkeeperPayOrderInput): Promise<RkeeperWriteResult> {
    const cashierCode = input.cashierCode ?? this.config.cashierCode;
    const stationCode = input.stationCode ?? this.config.stationCode;
    if (cashierCode === undefined || stationCode === undefined) {
      throw new RkeeperConfigError(['PayOrder needs cashierCode and stationCode']);
    }
    const payments = input.payments.map((p) => ({
      currencyId: p.currencyId,
      amountMinor: this.kopecks(p.amount, true),
    }));
    const query = payOrderQuery({
      order: input.order,
      cashierCode,
      stationCode,
      payments,
      licenseInfo: await this.licenseInfo(),
    });
    const result = await this.call('PayOrder', query, true);
    const printChecks =
      this.mapWrite('PayOrder', () => mapPrintChecks(result.envelope, this.config.currency)) ?? [];
    return { cmd: 'PayOrder', printChecks, requestXml: result.requestXml, responseXml: result.responseXml };
  }

  async addPrepay(input: RkeeperPrepayInput): Promise<RkeeperWriteResult> {
    const reasonId = input.reasonId ?? this.config.prepayReasonId;
    if (reasonId === undefined) throw new RkeeperConfigError(['a prepay needs prepayReasonId']);
    const query = savePrepayQuery({
      order: input.order,
      currencyId: input.currencyId,
      amountMinor: this.kopecks(input.amount, false),
      reasonId,
      stationCode: input.stationCode ?? this.config.stationCode,
      licenseInfo: await this.licenseInfo(),
    });
    const result = await this.call('SaveOrder', query, true);
    const order = this.mapWrite('SaveOrder', () => mapOptionalOrder(result.envelope, this.config.currency));
    return {
      cmd: 'SaveOrder',
      order,
      printChecks: [],
      requestXml: result.requestXml,
      responseXml: result.responseXml,
    };
  }

  /** Sets order extended properties (ExternalProps); idempotent, and the order's version grows. */
  async setOrderProps(order: RkeeperOrderRef, props: Record<string, string>): Promise<RkeeperWriteResult> {
    const result = await this.call(
      RKEEPER_ASSUMPTIONS.paymentUrlCommand,
      updateOrderPropsQuery(order, props),
      true,
    );
    return {
      cmd: 'UpdateOrder',
      printChecks: [],
      requestXml: result.requestXml,
      responseXml: result.responseXml,
    };
  }

  async setPaymentUrl(order: RkeeperOrderRef, url: string): Promise<RkeeperWriteResult> {
    return this.setOrderProps(order, { [this.config.paymentUrlPropName]: url });
  }

  async deleteReceiptPayments(input: RkeeperDeletePaymentsInput): Promise<RkeeperWriteResult> {
    const managerCode = input.managerCode ?? this.config.managerCode ?? this.config.cashierCode;
    if (managerCode === undefined) throw new RkeeperConfigError(['DeleteReceiptPayments needs managerCode']);
    if (input.lineGuids.length === 0)
      throw new RkeeperConfigError(['DeleteReceiptPayments needs at least one line_guid']);
    const query = deleteReceiptPaymentsQuery({
      order: input.order,
      managerCode,
      stationCode: input.stationCode ?? this.config.stationCode,
      lineGuids: input.lineGuids,
    });
    const result = await this.call('DeleteReceiptPayments', query, true);
    return {
      cmd: 'DeleteReceiptPayments',
      printChecks: [],
      requestXml: result.requestXml,
      responseXml: result.responseXml,
    };
  }

  close(): void {
    this.transport.close();
  }

  private kopecks(amount: Money, allowZero: boolean): number {
    if (amount.currency !== this.config.currency) {
      throw new RkeeperConfigError([
        `amount in ${amount.currency}, site currency is ${this.config.currency}`,
      ]);
    }
    if (amount.minor < 0 || (!allowZero && amount.minor === 0)) {
      throw new RkeeperConfigError([`amount must be positive, got ${amount.minor}`]);
    }
    return amount.minor;
  }

  private async licenseInfo(): Promise<XmlElement | undefined> {
    const license = this.config.license;
    if (!license) return undefined;
    return licenseInfoElement(license, await this.licenseSeqStore.next(license.instanceGuid));
  }

  private async call(
    cmd: string,
    query: XmlElement,
    write: boolean,
    accepted: readonly string[] = [RK7_STATUS_OK],
  ): Promise<CallResult> {
    const encoding = this.config.requestEncoding;
    const requestXml = buildXml(query, encoding);
    const started = Date.now();
    let httpStatus: number | undefined;
    let responseXml: string | undefined;
    try {
      const response = await this.transport.send({
        cmd,
        write,
        body: encodeXml(requestXml, encoding),
        contentType: `application/xml; charset=${encoding}`,
        timeoutMs: write ? this.config.writeTimeoutMs : this.config.timeoutMs,
      });
      httpStatus = response.status;
      const statusError = mapHttpStatus(response.status, cmd, write);
      if (statusError) throw statusError;
      responseXml = this.decode(cmd, write, response.body, response.contentType);
      const envelope = this.parseEnvelope(cmd, write, responseXml);
      this.assertAccepted(cmd, envelope, accepted);
      this.report({ cmd, write, requestXml, responseXml, httpStatus, durationMs: Date.now() - started });
      return { envelope, requestXml, responseXml };
    } catch (error) {
      const failure = error instanceof Error ? error : new Error(String(error));
      this.report({
        cmd,
        write,
        requestXml,
        responseXml,
        httpStatus,
        durationMs: Date.now() - started,
        error: failure,
      });
      throw error;
    }
  }

  private decode(cmd: string, write: boolean, body: Buffer, contentType: string | undefined): string {
    try {
      return decodeXmlBody(body, contentType).text;
    } catch (error) {
      if (error instanceof UnsupportedCharsetError) throw this.unreadable(cmd, write, error.message, error);
      throw error;
    }
  }

  private parseEnvelope(cmd: string, write: boolean, xml: string): Rk7Envelope {
    try {
      return readEnvelope(parseXml(xml));
    } catch (error) {
      if (error instanceof XmlSyntaxError || error instanceof RkeeperShapeError) {
        throw this.unreadable(cmd, write, error.message, error);
      }
      throw error;
    }
  }

  /**
   * An answer we cannot read. For a write the server may well have applied it, so that is an unknown outcome
   * (read back first), not a plain protocol error.
   */
  private unreadable(cmd: string, write: boolean, detail: string, cause: Error): UpstreamError {
    const protocol = new UpstreamProtocolError(`Unreadable r_keeper ${cmd} answer: ${detail}`, {
      upstream: RKEEPER_UPSTREAM,
      operation: cmd,
      cause,
    });
    if (!write) return protocol;
    return new UpstreamOutcomeUnknownError(`${cmd} answer is unreadable (${detail}); read the order back`, {
      upstream: RKEEPER_UPSTREAM,
      operation: cmd,
      cause: protocol,
    });
  }

  private assertAccepted(cmd: string, { result }: Rk7Envelope, accepted: readonly string[]): void {
    if (result.Status !== undefined && accepted.includes(result.Status)) return;
    const text = result.ErrorText?.trim() || `Status "${result.Status}"`;
    throw new PosRejectedError(classifyRkeeperError(text, this.config.errorPatterns), text, {
      upstream: RKEEPER_UPSTREAM,
      operation: cmd,
      vendorCode: result.RK7ErrorN,
      metadata: { status: result.Status },
    });
  }

  private mapRead<T>(cmd: string, map: () => T): T {
    try {
      return map();
    } catch (error) {
      if (error instanceof RkeeperShapeError) {
        throw new UpstreamProtocolError(`Unexpected r_keeper ${cmd} answer: ${error.message}`, {
          upstream: RKEEPER_UPSTREAM,
          operation: cmd,
          cause: error,
        });
      }
      throw error;
    }
  }

  /** Status was Ok, so the write happened; an odd payload is logged, not thrown. */
  private mapWrite<T>(cmd: string, map: () => T): T | undefined {
    try {
      return map();
    } catch (error) {
      if (!(error instanceof RkeeperShapeError)) throw error;
      this.logger.warn(`${cmd} succeeded but its answer could not be mapped: ${error.message}`);
      return undefined;
    }
  }

  private report(exchange: RkeeperExchange): void {
    if (!this.onExchange) return;
    try {
      this.onExchange({ ...exchange, requestXml: maskLicenseToken(exchange.requestXml) });
    } catch (error) {
      this.logger.warn('onExchange hook threw', { error: String(error) });
    }
  }
}
