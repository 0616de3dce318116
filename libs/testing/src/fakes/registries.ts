import {
  PaymentProvider,
  PaymentProviderRegistry,
  PosAdapter,
  PosAdapterRegistry,
  SettlementSignal,
  SiteNotFoundError,
} from '@bridge/core';

export class MapPosRegistry extends PosAdapterRegistry {
  constructor(private readonly adapters: Map<string, PosAdapter>) {
    super();
  }
  forSite(siteId: string): PosAdapter {
    const adapter = this.adapters.get(siteId);
    if (!adapter) throw new SiteNotFoundError(siteId);
    return adapter;
  }
}

export class MapProviderRegistry extends PaymentProviderRegistry {
  constructor(private readonly providers: Map<string, PaymentProvider>) {
    super();
  }
  forSite(siteId: string): PaymentProvider {
    const provider = this.providers.get(siteId);
    if (!provider) throw new SiteNotFoundError(siteId);
    return provider;
  }
}

/** Counts wake-ups instead of running a worker: tests drive settlement explicitly. */
export class CountingSettlementSignal extends SettlementSignal {
  count = 0;
  notifyPending(): void {
    this.count += 1;
  }
}
