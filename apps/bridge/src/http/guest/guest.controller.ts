import { Body, Controller, Get, Logger, Param, Post, Query, Req, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { OpenTableBill, SiteDirectory, TableBillView, UpstreamError, describeError } from '@bridge/core';
import { Request, Response } from 'express';
import {
  GuestContext,
  billPage,
  changedPage,
  choosePage,
  noBillPage,
  paidPage,
  unavailablePage,
} from './guest-pages';
import { SITE_ID, TABLE_CODE } from './guest-routes';
import { Lang, pageCsp, pickLang } from './html';

interface PayForm {
  bill?: unknown;
  v?: unknown;
  lang?: unknown;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * The page behind a table's static QR. It re-reads the bill from the POS on every visit, and the Pay
 * button re-checks the version the guest saw, so nobody pays an amount that is no longer due.
 */
@ApiExcludeController()
@Controller('t')
export class GuestController {
  private readonly logger = new Logger(GuestController.name);

  constructor(
    private readonly openTableBill: OpenTableBill,
    private readonly sites: SiteDirectory,
  ) {}

  @Get(':siteId/:tableCode')
  async show(
    @Param('siteId') siteId: string,
    @Param('tableCode') tableCode: string,
    @Query('lang') langQuery: unknown,
    @Query('bill') billQuery: unknown,
    @Req() request: Request,
    @Res() response: Response,
  ): Promise<void> {
    const lang = pickLang(request, langQuery);
    const billId = typeof billQuery === 'string' && UUID.test(billQuery) ? billQuery : undefined;
    const view = await this.view(siteId, tableCode, billId);
    const ctx = this.context(siteId, tableCode, lang, view);
    if (view === 'unavailable') return this.send(response, 503, unavailablePage(ctx));
    switch (view.kind) {
      case 'payable':
        return this.send(response, 200, billPage(ctx, view.bill), view.link.paymentUrl);
      case 'paid':
        return this.send(response, 200, paidPage(ctx, view.bill));
      case 'choose':
        return this.send(response, 200, choosePage(ctx, view.bills));
      default:
        return this.send(response, 200, noBillPage(ctx));
    }
  }

  @Post(':siteId/:tableCode/pay')
  async pay(
    @Param('siteId') siteId: string,
    @Param('tableCode') tableCode: string,
    @Body() form: PayForm,
    @Req() request: Request,
    @Res() response: Response,
  ): Promise<void> {
    const lang = pickLang(request, form.lang);
    const billId = typeof form.bill === 'string' && UUID.test(form.bill) ? form.bill : undefined;
    const seen = typeof form.v === 'string' ? form.v : '';
    const view = billId ? await this.view(siteId, tableCode, billId) : ({ kind: 'none' } as const);
    const ctx = this.context(siteId, tableCode, lang, view);
    if (view === 'unavailable') return this.send(response, 503, unavailablePage(ctx));
    if (view.kind === 'paid') return this.send(response, 200, paidPage(ctx, view.bill));
    if (view.kind !== 'payable') return this.send(response, 200, noBillPage(ctx));
    if (view.bill.fingerprint !== seen)
      return this.send(response, 409, changedPage(ctx, view.bill), view.link.paymentUrl);
    response.setHeader('Cache-Control', 'no-store');
    response.redirect(303, view.link.paymentUrl ?? ctx.path);
  }

  private async view(
    siteId: string,
    tableCode: string,
    billId?: string,
  ): Promise<TableBillView | 'unavailable'> {
    if (!SITE_ID.test(siteId) || !TABLE_CODE.test(tableCode)) return { kind: 'none' };
    try {
      return await this.openTableBill.execute({ siteId, tableCode, billId });
    } catch (error) {
      // A guest gets a page they can act on, never an error body.
      if (error instanceof UpstreamError) {
        this.logger.warn(
          { siteId, err: describeError(error) },
          'Guest page could not reach the POS or the provider',
        );
      } else {
        this.logger.error({ siteId, err: describeError(error) }, 'Guest page failed');
      }
      return 'unavailable';
    }
  }

  private context(
    siteId: string,
    tableCode: string,
    lang: Lang,
    view: TableBillView | 'unavailable',
  ): GuestContext {
    const venue = view !== 'unavailable' && view.kind !== 'none' ? this.sites.get(siteId).name : '';
    return { lang, venue, path: `/t/${encodeURIComponent(siteId)}/${encodeURIComponent(tableCode)}` };
  }

  private send(response: Response, status: number, html: string, paymentUrl?: string): void {
    const formTargets = paymentUrl && URL.canParse(paymentUrl) ? [new URL(paymentUrl).origin] : [];
    response.setHeader('Content-Security-Policy', pageCsp({ scripts: false, formTargets }));
    response.setHeader('Cache-Control', 'no-store');
    response.status(status).type('html').send(html);
  }
}
