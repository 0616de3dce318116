import { Global, Module } from '@nestjs/common';
import { PaymentProviderRegistry, PosAdapterRegistry } from '@bridge/core';
import { BridgeConfig } from '../config/bridge-config';
import { ConfiguredPosRegistry, ConfiguredProviderRegistry, PaymentProviderFactory, PosAdapterFactory } from './adapter-registries';

const POS_FACTORIES: PosAdapterFactory[] = [];
const PROVIDER_FACTORY: PaymentProviderFactory | null = null;

/** Binds the POS/PMS and payment-provider ports to the vendor adapters each site's kind needs. */
@Global()
@Module({
  providers: [
    {
      provide: PosAdapterRegistry,
      useFactory: (config: BridgeConfig) => new ConfiguredPosRegistry(config, POS_FACTORIES),
      inject: [BridgeConfig],
    },
    {
      provide: PaymentProviderRegistry,
      useFactory: (config: BridgeConfig) => {
        if (!PROVIDER_FACTORY) throw new Error('No payment provider adapter in this build');
        return new ConfiguredProviderRegistry(config, PROVIDER_FACTORY);
      },
      inject: [BridgeConfig],
    },
  ],
  exports: [PosAdapterRegistry, PaymentProviderRegistry],
})
export class VendorsModule {}
