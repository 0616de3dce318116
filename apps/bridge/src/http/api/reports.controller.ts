import { Controller, Get, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation } from '@nestjs/swagger';
import { GetFloor, GetSettlementLatency, ListReconciliationReports, SiteDirectory } from '@bridge/core';
import { BridgeConfig } from '../../config/bridge-config';
import { SiteHealth } from '../../sites/site-health';
import {
  FloorDto,
  LatencyDto,
  LatencyQuery,
  ReconciliationReportDto,
  ReportsQuery,
  SiteFilterQuery,
} from './api.dto';
import { OperatorApi } from './api-docs';
import { presentFloorBill, presentSite } from './presenters';

@Controller('api/v1')
@OperatorApi('dashboard')
export class ReportsController {
  constructor(
    private readonly floor: GetFloor,
    private readonly latency: GetSettlementLatency,
    private readonly reconciliation: ListReconciliationReports,
    private readonly sites: SiteDirectory,
    private readonly health: SiteHealth,
    private readonly config: BridgeConfig,
  ) {}

  @Get('floor')
  @ApiOperation({
    summary: 'Sites with health, and every open (and recently closed) table or folio with its status',
  })
  @ApiOkResponse({ type: FloorDto })
  async getFloor(@Query() query: SiteFilterQuery): Promise<FloorDto> {
    const entries = await this.floor.execute({ siteId: query.siteId });
    const printers = new Set(this.config.sites.filter((s) => s.printer).map((s) => s.id));
    const sites = this.sites.list().filter((site) => !query.siteId || site.id === query.siteId);
    return {
      generatedAt: new Date().toISOString(),
      sites: sites.map((site) => ({
        ...presentSite(site, this.health.get(site.id), printers.has(site.id)),
        bills: entries.filter((e) => e.bill.siteId === site.id).map(presentFloorBill),
      })),
    };
  }

  @Get('reports/latency')
  @ApiOperation({
    summary: 'Payment notification → applied at the POS/PMS, per settlement, over the last hours',
  })
  @ApiOkResponse({ type: LatencyDto })
  async getLatency(@Query() query: LatencyQuery): Promise<LatencyDto> {
    const series = await this.latency.execute({ hours: query.hours ?? 6, siteId: query.siteId });
    const sorted = series.points.map((p) => p.latencyMs).sort((a, b) => a - b);
    const percentile = (q: number) =>
      sorted.length ? sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)] : null;
    return {
      from: series.from.toISOString(),
      to: series.to.toISOString(),
      points: series.points.map((p) => ({
        at: p.at.toISOString(),
        siteId: p.siteId,
        latencyMs: Math.round(p.latencyMs),
      })),
      summary: {
        count: sorted.length,
        p50Ms: percentile(0.5),
        p95Ms: percentile(0.95),
        maxMs: sorted.length ? sorted[sorted.length - 1] : null,
      },
    };
  }

  @Get('reports/reconciliation')
  @ApiOperation({
    summary: 'Daily reconciliation reports, newest first (empty until the reconciliation job writes one)',
  })
  @ApiOkResponse({ type: [ReconciliationReportDto] })
  async getReconciliation(@Query() query: ReportsQuery): Promise<ReconciliationReportDto[]> {
    const reports = await this.reconciliation.execute({ siteId: query.siteId, days: query.days ?? 7 });
    return reports.map((event) => ({
      id: event.id,
      at: event.at.toISOString(),
      siteId: event.siteId,
      report: event.data,
    }));
  }
}
