import { Controller, Get } from '@nestjs/common';
import { ApiOkResponse, ApiOperation } from '@nestjs/swagger';
import { SiteDirectory } from '@bridge/core';
import { BridgeConfig } from '../../config/bridge-config';
import { SiteHealth } from '../../sites/site-health';
import { SiteDto } from './api.dto';
import { OperatorApi } from './api-docs';
import { presentSite } from './presenters';

@Controller('api/v1/sites')
@OperatorApi('sites')
export class SitesController {
  constructor(
    private readonly sites: SiteDirectory,
    private readonly health: SiteHealth,
    private readonly config: BridgeConfig,
  ) {}

  @Get()
  @ApiOperation({ summary: 'The connected POS/PMS sites and their health' })
  @ApiOkResponse({ type: [SiteDto] })
  list(): SiteDto[] {
    const printers = new Set(this.config.sites.filter((s) => s.printer).map((s) => s.id));
    return this.sites
      .list()
      .map((site) => presentSite(site, this.health.get(site.id), printers.has(site.id)));
  }
}
