import {
  Body,
  Controller,
  Get,
  Param,
  ParseUUIDPipe,
  Post,
  Query,
  Req,
  Res,
  UseGuards,
} from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import {
  Clock,
  GetBillDetails,
  GetFloor,
  GetSettlementLatency,
  ListAttention,
  ListReconciliationReports,
  SiteDirectory,
} from '@bridge/core';
import { Request, Response } from 'express';
import { BridgeConfig } from '../../config/bridge-config';
import { SiteHealth } from '../../sites/site-health';
import { OperatorAuth, OperatorAuthGuard, SESSION_COOKIE, readCookie } from '../api/operator-auth';
import { Lang, pageCsp, pickLang } from '../guest/html';
import {
  attentionFragment,
  billFragment,
  dashboardPage,
  floorFragment,
  latencyFragment,
  reconciliationFragment,
  signInPage,
} from './dashboard-pages';

const LANG_COOKIE = 'bridge_lang';

interface SignInForm {
  token?: unknown;
  lang?: unknown;
}

/** The staff dashboard: server-rendered pages and fragments, one small script, actions through the API. */
@ApiExcludeController()
@Controller('dashboard')
export class DashboardController {
  constructor(
    private readonly auth: OperatorAuth,
    private readonly clock: Clock,
    private readonly config: BridgeConfig,
  ) {}

  @Get()
  page(@Query('lang') langQuery: unknown, @Req() request: Request, @Res() response: Response): void {
    const lang = this.lang(request, langQuery, response);
    if (!this.auth.hasValidSession(request, this.clock.now()))
      return html(response, 200, signInPage(lang, false), false);
    html(response, 200, dashboardPage(lang), true);
  }

  @Post('sign-in')
  signIn(@Body() form: SignInForm, @Req() request: Request, @Res() response: Response): void {
    const lang = this.lang(request, form.lang, response);
    if (typeof form.token !== 'string' || !this.auth.isAdminToken(form.token.trim())) {
      return html(response, 401, signInPage(lang, true), false);
    }
    const session = this.auth.issueSession(this.clock.now());
    response.cookie(SESSION_COOKIE, session.value, {
      httpOnly: true,
      sameSite: 'strict',
      secure: request.secure,
      path: '/',
      maxAge: session.maxAgeMs,
    });
    response.redirect(303, '/dashboard');
  }

  @Post('sign-out')
  signOut(@Res() response: Response): void {
    response.clearCookie(SESSION_COOKIE, { path: '/' });
    response.redirect(303, '/dashboard');
  }

  private lang(request: Request, query: unknown, response: Response): Lang {
    if (query === 'ru' || query === 'en') {
      response.cookie(LANG_COOKIE, query, { sameSite: 'strict', path: '/', maxAge: 365 * 86_400_000 });
      return query;
    }
    return pickLang(request, readCookie(request, LANG_COOKIE));
  }
}

@ApiExcludeController()
@Controller('dashboard/fragments')
@UseGuards(OperatorAuthGuard)
export class DashboardFragmentsController {
  constructor(
    private readonly floor: GetFloor,
    private readonly attention: ListAttention,
    private readonly billDetails: GetBillDetails,
    private readonly latency: GetSettlementLatency,
    private readonly reports: ListReconciliationReports,
    private readonly sites: SiteDirectory,
    private readonly health: SiteHealth,
    private readonly clock: Clock,
    private readonly config: BridgeConfig,
  ) {}

  @Get('floor')
  async getFloor(@Req() request: Request, @Res() response: Response): Promise<void> {
    const entries = await this.floor.execute({});
    const sites = this.sites.list().map((site) => ({
      site,
      health: this.health.get(site.id),
      printer: this.hasPrinter(site.id),
      entries: entries.filter((entry) => entry.bill.siteId === site.id),
    }));
    fragment(response, floorFragment(sites, langOf(request)));
  }

  @Get('attention')
  async getAttention(@Req() request: Request, @Res() response: Response): Promise<void> {
    fragment(response, attentionFragment(await this.attention.execute({}), langOf(request)));
  }

  @Get('bills/:id')
  async getBill(
    @Param('id', new ParseUUIDPipe()) id: string,
    @Req() request: Request,
    @Res() response: Response,
  ): Promise<void> {
    const details = await this.billDetails.execute({ billId: id });
    const site = this.sites.get(details.bill.siteId);
    fragment(
      response,
      billFragment(details, site, this.hasPrinter(site.id), langOf(request), this.clock.now()),
    );
  }

  @Get('latency')
  async getLatency(@Req() request: Request, @Res() response: Response): Promise<void> {
    fragment(response, latencyFragment(await this.latency.execute({ hours: 6 }), langOf(request)));
  }

  @Get('reconciliation')
  async getReconciliation(@Req() request: Request, @Res() response: Response): Promise<void> {
    const reports = await this.reports.execute({ days: 7 });
    fragment(response, reconciliationFragment(reports, this.sites.list(), langOf(request)));
  }

  private hasPrinter(siteId: string): boolean {
    return this.config.sites.some((site) => site.id === siteId && site.printer !== undefined);
  }
}

function langOf(request: Request): Lang {
  return pickLang(request, request.query.lang ?? readCookie(request, LANG_COOKIE));
}

function html(response: Response, status: number, body: string, scripts: boolean): void {
  response.setHeader('Content-Security-Policy', pageCsp({ scripts }));
  response.setHeader('Cache-Control', 'no-store');
  response.status(status).type('html').send(body);
}

function fragment(response: Response, body: string): void {
  response.setHeader('Cache-Control', 'no-store');
  response.status(200).type('html').send(body);
}
