import { Controller, Get, UseGuards } from '@nestjs/common';
import { SiteDirectory } from '@bridge/core';
import { SiteHealth } from '../../sites/site-health';
import { AdminTokenGuard } from '../admin-token.guard';

@Controller('api/v1/sites')
@UseGuards(AdminTokenGuard)
export class SitesController {
  constructor(
    private readonly sites: SiteDirectory,
    private readonly health: SiteHealth,
  ) {}

  @Get()
  list() {
    return this.sites.list().map((site) => ({
      id: site.id,
      kind: site.kind,
      name: site.name,
      currency: site.currency,
      health: this.health.get(site.id),
    }));
  }
}
