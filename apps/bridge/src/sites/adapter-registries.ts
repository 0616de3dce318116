import { Injectable, Logger, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import {
  PaymentProvider,
  PaymentProviderRegistry,
  PosAdapter,
  PosAdapterRegistry,
  SiteNotFoundError,
  describeError,
} from '@bridge/core';
import { BridgeConfig, SiteConfig } from '../config/bridge-config';
import { UpstreamCallFeed, metered } from '../observability/upstream-metering';
import { needsLinkLease } from './pos-link-leases';

/** Builds the POS/PMS adapter of one kind of site. Each vendor module provides one. */
export abstract class PosAdapterFactory {
  abstract readonly kind: SiteConfig['kind'];
  abstract create(site: SiteConfig, config: BridgeConfig): PosAdapter;
}

export abstract class PaymentProviderFactory {
  abstract create(site: SiteConfig, config: BridgeConfig): PaymentProvider;
}

export const POS_ADAPTER_FACTORIES = Symbol('POS_ADAPTER_FACTORIES');

@Injectable()
export class ConfiguredPosRegistry extends PosAdapterRegistry implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger('PosAdapters');
  private readonly adapters = new Map<string, PosAdapter>();
  /** Exclusive links (FIAS on PostgreSQL) are started by whoever holds their lease (PosLinkLeases). */
  private readonly leased = new Set<string>();
  /** Every call to an adapter, timed (the metrics subscribe). */
  readonly calls = new UpstreamCallFeed();

  constructor(config: BridgeConfig, factories: PosAdapterFactory[]) {
    super();
    for (const site of config.sites) {
      if (needsLinkLease(site, config)) this.leased.add(site.id);
      const factory = factories.find((f) => f.kind === site.kind);
      if (!factory) throw new Error(`No adapter for sites of kind ${site.kind}`);
      const adapter = factory.create(site, config);
      this.adapters.set(site.id, metered(adapter, { siteId: site.id, vendor: adapter.vendor }, this.calls));
    }
  }

  forSite(siteId: string): PosAdapter {
    const adapter = this.adapters.get(siteId);
    if (!adapter) throw new SiteNotFoundError(siteId);
    return adapter;
  }

  async onModuleInit(): Promise<void> {
    // A POS that is down at start must not stop the bridge: the site shows degraded and sync retries.
    await Promise.all(
      [...this.adapters.entries()]
        .filter(([siteId]) => !this.leased.has(siteId))
        .map(([siteId, adapter]) =>
          adapter
            .start()
            .catch((error: unknown) =>
              this.logger.warn({ siteId, err: describeError(error) }, 'Adapter start failed'),
            ),
        ),
    );
  }

  async onApplicationShutdown(): Promise<void> {
    await Promise.all([...this.adapters.values()].map((adapter) => adapter.stop().catch(() => undefined)));
  }
}

@Injectable()
export class ConfiguredProviderRegistry extends PaymentProviderRegistry {
  private readonly providers = new Map<string, PaymentProvider>();
  readonly calls = new UpstreamCallFeed();

  constructor(config: BridgeConfig, factory: PaymentProviderFactory) {
    super();
    for (const site of config.sites) {
      const provider = factory.create(site, config);
      this.providers.set(site.id, metered(provider, { siteId: site.id, vendor: provider.name }, this.calls));
    }
  }

  forSite(siteId: string): PaymentProvider {
    const provider = this.providers.get(siteId);
    if (!provider) throw new SiteNotFoundError(siteId);
    return provider;
  }
}
