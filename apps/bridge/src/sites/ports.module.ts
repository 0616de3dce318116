import { Global, Module } from '@nestjs/common';
import { Clock, SettlementPolicy, SettlementSignal, SiteDirectory, SystemClock } from '@bridge/core';
import { BridgeConfig } from '../config/bridge-config';
import { ConfigSiteDirectory } from './config-site-directory';
import { SettlementSignalBus } from './settlement-signal-bus';
import { SiteHealth } from './site-health';

/** The core ports that do not belong to a vendor or to the database. */
@Global()
@Module({
  providers: [
    { provide: Clock, useClass: SystemClock },
    { provide: SiteDirectory, useClass: ConfigSiteDirectory },
    {
      provide: SettlementPolicy,
      useFactory: (config: BridgeConfig) => new SettlementPolicy({ ...config.settlement }),
      inject: [BridgeConfig],
    },
    SettlementSignalBus,
    { provide: SettlementSignal, useExisting: SettlementSignalBus },
    SiteHealth,
  ],
  exports: [Clock, SiteDirectory, SettlementPolicy, SettlementSignal, SettlementSignalBus, SiteHealth],
})
export class PortsModule {}
