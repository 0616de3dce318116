import { Injectable } from '@nestjs/common';
import { SiteDirectory, SiteNotFoundError, SiteProfile } from '@bridge/core';
import { BridgeConfig, SiteConfig } from '../config/bridge-config';

export function siteProfileOf(site: SiteConfig): SiteProfile {
  return {
    id: site.id,
    kind: site.kind,
    name: site.name,
    currency: site.currency,
    merchantId: site.merchant.merchantId,
    fiscal: { ...site.fiscal },
    linkLifetimeMinutes: site.linkLifetimeMinutes,
    language: site.language,
    autoRefundExcess: site.autoRefundExcess,
  };
}

@Injectable()
export class ConfigSiteDirectory extends SiteDirectory {
  private readonly sites: Map<string, SiteProfile>;

  constructor(config: BridgeConfig) {
    super();
    this.sites = new Map(config.sites.map((site) => [site.id, siteProfileOf(site)]));
  }

  get(siteId: string): SiteProfile {
    const site = this.sites.get(siteId);
    if (!site) throw new SiteNotFoundError(siteId);
    return site;
  }

  list(): SiteProfile[] {
    return [...this.sites.values()];
  }
}
