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
import { RkeeperAdapterFactory } from '../../bridge/src/vendors/rkeeper.factory';
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
          useFactory: (config: BridgeConfig) =>
            new CliPosRegistry(config, [new RkeeperAdapterFactory(), new FiasAdapterFactory()], ownedLinks),
          inject: [BridgeConfig],
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
