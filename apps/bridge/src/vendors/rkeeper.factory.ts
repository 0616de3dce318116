import { Injectable, Logger } from '@nestjs/common';
import { PosAdapter } from '@bridge/core';
import {
  InMemoryLicenseSeqStore,
  RKEEPER_CLIENT_DEFAULTS,
  RkeeperClientConfig,
  RkeeperConfigError,
  RkeeperExchange,
  RkeeperLicenseSeqStore,
  RkeeperLogger,
  RkeeperPosAdapter,
  RkeeperXmlClient,
} from '@bridge/rkeeper';
import { BridgeConfig, RkeeperConfig, SiteConfig } from '../config/bridge-config';
import { PosAdapterFactory } from '../sites/adapter-registries';

/** The r_keeper client settings of one site. */
export function rkeeperClientConfig(site: SiteConfig, rk: RkeeperConfig): RkeeperClientConfig {
  return {
    url: rk.url,
    username: rk.username,
    password: rk.password,
    tlsFingerprint: rk.tlsFingerprint,
    tlsInsecure: rk.tlsInsecure,
    requestEncoding: rk.requestEncoding,
    // One knob for reads and writes, as the lease check in load-config assumes. A write that outlives it is read
    // back, never resent.
    timeoutMs: rk.timeoutMs ?? RKEEPER_CLIENT_DEFAULTS.timeoutMs,
    writeTimeoutMs: rk.timeoutMs ?? RKEEPER_CLIENT_DEFAULTS.timeoutMs,
    currency: site.currency,
    stationCode: rk.stationCode,
    cashierCode: rk.cashierCode,
    prepayReasonId: rk.prepayReasonId,
    paymentUrlPropName: rk.linkOrderField,
    license: rk.license,
  };
}

/** Builds the r_keeper adapter of each `kind: rkeeper` site. */
@Injectable()
export class RkeeperAdapterFactory extends PosAdapterFactory {
  readonly kind = 'rkeeper' as const;

  /** The service passes the database-backed store (DatabaseLicenseSeqStore); in memory is for tests only. */
  constructor(private readonly licenseSeqStore: RkeeperLicenseSeqStore = new InMemoryLicenseSeqStore()) {
    super();
  }

  create(site: SiteConfig, _config: BridgeConfig): PosAdapter {
    const rk = site.rkeeper;
    if (!rk) throw new Error(`Site ${site.id} of kind rkeeper has no rkeeper section`);
    const nest = new Logger(`rkeeper:${site.id}`);
    const logger: RkeeperLogger = {
      warn: (message, context) => nest.warn({ siteId: site.id, ...context }, message),
    };
    let client: RkeeperXmlClient;
    try {
      client = new RkeeperXmlClient(rkeeperClientConfig(site, rk), {
        logger,
        licenseSeqStore: this.licenseSeqStore,
        onExchange: (exchange) => logExchange(nest, site.id, exchange),
      });
    } catch (error) {
      if (!(error instanceof RkeeperConfigError)) throw error;
      const problems = error.problems.map((p) => p.replace(/^paymentUrlPropName/, 'linkOrderField'));
      throw new Error(`Site ${site.id}, rkeeper: ${problems.join('; ')}`, { cause: error });
    }
    return new RkeeperPosAdapter(client, {
      paymentCurrencyId: rk.paymentCurrencyId,
      prepayReasonId: rk.prepayReasonId,
      stationCode: rk.stationCode,
      cashierCode: rk.cashierCode,
      logger,
    });
  }
}

/** Metadata only; failures are logged by whoever made the call. */
function logExchange(logger: Logger, siteId: string, exchange: RkeeperExchange): void {
  const entry = {
    siteId,
    cmd: exchange.cmd,
    write: exchange.write,
    httpStatus: exchange.httpStatus,
    durationMs: exchange.durationMs,
  };
  logger.debug(exchange.error ? { ...entry, err: exchange.error.message } : entry, 'r_keeper call');
}
