import { Global, Module, Type } from '@nestjs/common';
import { PaymentProviderRegistry, PosAdapterRegistry } from '@bridge/core';
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

/** One factory per kind of site; each vendor adds its class here. */
const POS_ADAPTER_FACTORIES: Type<PosAdapterFactory>[] = [RkeeperAdapterFactory, FiasAdapterFactory];
/** The payment provider every site uses. */
const PAYMENT_PROVIDER_FACTORIES: Type<PaymentProviderFactory>[] = [InvoiceboxProviderFactory];

/** Binds the POS/PMS and payment-provider ports to the vendor adapters each site's kind needs. */
@Global()
@Module({
  providers: [
    ...POS_ADAPTER_FACTORIES,
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
