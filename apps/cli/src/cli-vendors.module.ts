import { DynamicModule, Logger, Module } from '@nestjs/common';
import { PaymentProviderRegistry, PosAdapterRegistry, describeError } from '@bridge/core';
import { BridgeConfig } from '../../bridge/src/config/bridge-config';
import {
  ConfiguredPosRegistry,
  ConfiguredProviderRegistry,
  PosAdapterFactory,
} from '../../bridge/src/sites/adapter-registries';
import { FiasAdapterFactory } from '../../bridge/src/vendors/fias.factory';
import { InvoiceboxProviderFactory } from '../../bridge/src/vendors/invoicebox.factory';
import { DataSource } from 'typeorm';
import { RkeeperAdapterFactory } from '../../bridge/src/vendors/rkeeper.factory';
import { DatabaseFiasPostingNumberStore } from '../../bridge/src/vendors/fias-posting-numbers';
import { DatabaseLicenseSeqStore } from '../../bridge/src/vendors/rkeeper-license-sequence';
import { hasExclusiveLink } from './pos-links';

/** The bridge's registry, except that it opens an exclusive link (FIAS) only when the command owns it. */
class CliPosRegistry extends ConfiguredPosRegistry {
  private readonly log = new Logger('PosAdapters');

  constructor(
    private readonly config: BridgeConfig,
    factories: PosAdapterFactory[],
    private readonly ownedLinks: ReadonlySet<string>,
  ) {
    super(config, factories);
  }

  override async onModuleInit(): Promise<void> {
    const startable = this.config.sites.filter(
      (site) => !hasExclusiveLink(site.kind) || this.ownedLinks.has(site.id),
    );
    await Promise.all(
      startable.map((site) =>
        this.forSite(site.id)
          .start()
          .catch((error: unknown) =>
            this.log.warn({ siteId: site.id, err: describeError(error) }, 'Adapter start failed'),
          ),
      ),
    );
  }
}

/** The vendor factories of apps/bridge/src/sites/vendors.module.ts, behind the same registries. */
@Module({})
export class CliVendorsModule {
  static forRoot(ownedLinks: ReadonlySet<string>): DynamicModule {
    return {
      module: CliVendorsModule,
      global: true,
      providers: [
        {
          provide: PosAdapterRegistry,
          // Without a database (doctor's upstream checks) nothing is paid, so no licence number is spent.
          useFactory: (config: BridgeConfig, dataSource?: DataSource) =>
            new CliPosRegistry(
              config,
              [
                new RkeeperAdapterFactory(dataSource ? new DatabaseLicenseSeqStore(dataSource) : undefined),
                new FiasAdapterFactory(
                  dataSource
                    ? (siteId, file) => new DatabaseFiasPostingNumberStore(dataSource, siteId, file)
                    : undefined,
                ),
              ],
              ownedLinks,
            ),
          inject: [BridgeConfig, { token: DataSource, optional: true }],
        },
        {
          provide: PaymentProviderRegistry,
          useFactory: (config: BridgeConfig) =>
            new ConfiguredProviderRegistry(config, new InvoiceboxProviderFactory()),
          inject: [BridgeConfig],
        },
      ],
      exports: [PosAdapterRegistry, PaymentProviderRegistry],
    };
  }
}
