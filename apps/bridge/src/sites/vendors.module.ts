import { Global, Module, Type } from '@nestjs/common';
import { PaymentProviderRegistry, PosAdapterRegistry } from '@bridge/core';
import { DataSource } from 'typeorm';
import { BridgeConfig } from '../config/bridge-config';
import {
  ConfiguredPosRegistry,
  ConfiguredProviderRegistry,
  PaymentProviderFactory,
  PosAdapterFactory,
} from './adapter-registries';
import { InvoiceboxProviderFactory } from '../vendors/invoicebox.factory';
import { RkeeperAdapterFactory } from '../vendors/rkeeper.factory';
import { FiasAdapterFactory } from '../vendors/fias.factory';
import { DatabaseFiasPostingNumberStore } from '../vendors/fias-posting-numbers';
import { DatabaseLicenseSeqStore } from '../vendors/rkeeper-license-sequence';

/** One factory per kind of site; each vendor adds its class here, and its provider below. */
const POS_ADAPTER_FACTORIES: Type<PosAdapterFactory>[] = [RkeeperAdapterFactory, FiasAdapterFactory];
/** The payment provider every site uses. */
const PAYMENT_PROVIDER_FACTORIES: Type<PaymentProviderFactory>[] = [InvoiceboxProviderFactory];

/** Binds the POS/PMS and payment-provider ports to the vendor adapters each site's kind needs. */
@Global()
@Module({
  providers: [
    // The vendors' counters that must never go back live in the bridge database.
    {
      provide: RkeeperAdapterFactory,
      useFactory: (dataSource: DataSource) =>
        new RkeeperAdapterFactory(new DatabaseLicenseSeqStore(dataSource)),
      inject: [DataSource],
    },
    {
      provide: FiasAdapterFactory,
      useFactory: (dataSource: DataSource) =>
        new FiasAdapterFactory(
          (siteId, file) => new DatabaseFiasPostingNumberStore(dataSource, siteId, file),
        ),
      inject: [DataSource],
    },
    ...PAYMENT_PROVIDER_FACTORIES,
    {
      provide: PosAdapterRegistry,
      useFactory: (config: BridgeConfig, ...factories: PosAdapterFactory[]) =>
        new ConfiguredPosRegistry(config, factories),
      inject: [BridgeConfig, ...POS_ADAPTER_FACTORIES],
    },
    {
      provide: PaymentProviderRegistry,
      useFactory: (config: BridgeConfig, ...factories: PaymentProviderFactory[]) => {
        if (factories.length !== 1)
          throw new Error('Exactly one payment provider adapter must be registered');
        return new ConfiguredProviderRegistry(config, factories[0]);
      },
      inject: [BridgeConfig, ...PAYMENT_PROVIDER_FACTORIES],
    },
  ],
  exports: [PosAdapterRegistry, PaymentProviderRegistry],
})
export class VendorsModule {}
