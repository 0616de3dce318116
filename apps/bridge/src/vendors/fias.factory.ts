import { mkdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { Injectable, Logger } from '@nestjs/common';
import { PosAdapter } from '@bridge/core';
import {
  FiasAdapterLogger,
  FiasPostingNumberStore,
  FileFiasPostingNumberStore,
  createFiasPmsAdapter,
} from '@bridge/fias';
import { BridgeConfig, SiteConfig } from '../config/bridge-config';
import { PosAdapterFactory } from '../sites/adapter-registries';

/** Where a site's P# high-water mark was kept by earlier versions (and is still read): beside the SQLite file. */
export function fiasPostingNumberFile(site: SiteConfig, config: BridgeConfig): string {
  if (site.fias?.postingNumberFile) return resolve(site.fias.postingNumberFile);
  const sqlite = /^sqlite:(.+)$/.exec(config.database.url);
  const folder = sqlite && sqlite[1] !== ':memory:' ? dirname(resolve(sqlite[1])) : resolve('data');
  return join(folder, `fias-${site.id}.posting-numbers.json`);
}

/** Builds the FIAS PMS adapter of each `kind: fias` site. */
@Injectable()
export class FiasAdapterFactory extends PosAdapterFactory {
  readonly kind = 'fias' as const;

  /**
   * The service keeps the P# mark in its database (DatabaseFiasPostingNumberStore, given the site's earlier
   * file); without one (tests, a CLI command that posts nothing) the file alone.
   */
  constructor(
    private readonly postingNumbersOf: (
      siteId: string,
      file: FileFiasPostingNumberStore,
    ) => FiasPostingNumberStore = (_siteId, file) => file,
  ) {
    super();
  }

  create(site: SiteConfig, config: BridgeConfig): PosAdapter {
    const fias = site.fias;
    if (!fias) throw new Error(`Site ${site.id} of kind fias has no fias section`);
    const nest = new Logger(`fias:${site.id}`);
    const logger: FiasAdapterLogger = {
      log: (context, message) => nest.log(context, message),
      warn: (context, message) => nest.warn(context, message),
    };
    // P# must never repeat, across restarts too: the mark is durable before a number is used.
    const file = fiasPostingNumberFile(site, config);
    mkdirSync(dirname(file), { recursive: true });
    const postingNumbers = this.postingNumbersOf(site.id, new FileFiasPostingNumberStore(file));
    return createFiasPmsAdapter(
      {
        siteId: site.id,
        currency: site.currency,
        language: site.language,
        posting: {
          workstation: fias.workstation,
          salesOutlet: String(fias.salesOutlet),
          paymentMethod: fias.paymentMethod,
          userId: fias.userId,
          amountSign: fias.amountSign,
          transactionCode: fias.transactionCode,
        },
        nightAuditRetryMs:
          fias.nightAuditRetrySeconds === undefined ? undefined : fias.nightAuditRetrySeconds * 1000,
        readBackWindowMs:
          fias.readBackWindowSeconds === undefined ? undefined : fias.readBackWindowSeconds * 1000,
        link: {
          host: fias.host,
          port: fias.port,
          encoding: fias.encoding,
          lrc: fias.lrc,
          ack: fias.ack,
          interfaceFamily: fias.interfaceFamily,
          answerTimeoutMs: fias.answerTimeoutMs,
          postingTimeoutMs: fias.postingTimeoutMs,
        },
      },
      { postingNumbers, logger },
    );
  }
}
