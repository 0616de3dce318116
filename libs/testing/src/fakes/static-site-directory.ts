import { SiteDirectory, SiteNotFoundError, SiteProfile } from '@bridge/core';

export class StaticSiteDirectory extends SiteDirectory {
  constructor(private readonly sites: SiteProfile[]) {
    super();
  }

  get(siteId: string): SiteProfile {
    const site = this.sites.find((s) => s.id === siteId);
    if (!site) throw new SiteNotFoundError(siteId);
    return site;
  }

  list(): SiteProfile[] {
    return [...this.sites];
  }
}
