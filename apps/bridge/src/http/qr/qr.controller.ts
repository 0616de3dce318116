import {
  Controller,
  Get,
  HttpCode,
  Header,
  NotFoundException,
  Param,
  ParseUUIDPipe,
  Post,
  Res,
  StreamableFile,
} from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiProduces } from '@nestjs/swagger';
import { GetActiveLink, IssuePaymentLink, SiteDirectory } from '@bridge/core';
import { renderQrPng, renderQrSvg } from '@bridge/receipts';
import { Response } from 'express';
import { BridgeConfig } from '../../config/bridge-config';
import { PrintResultDto } from '../api/api.dto';
import { ApiConflict, ApiNotFound, ApiUpstreamErrors, OperatorApi } from '../api/api-docs';
import { tableUrl } from '../guest/guest-routes';
import { SlipPrinter } from './slip-printer';

const SVG = 'image/svg+xml';
const PNG = 'image/png';
const imageResponse = (type: string) =>
  ApiOkResponse({
    description: 'The QR code',
    content: { [type]: { schema: { type: 'string', format: 'binary' } } },
  });

/** QR codes for a bill's current link and for a table's static QR, and the printed payment slip. */
@Controller('api/v1')
@OperatorApi('qr')
export class QrController {
  constructor(
    private readonly activeLink: GetActiveLink,
    private readonly issueLink: IssuePaymentLink,
    private readonly sites: SiteDirectory,
    private readonly printer: SlipPrinter,
    private readonly config: BridgeConfig,
  ) {}

  @Get('bills/:id/qr.svg')
  @Header('Cache-Control', 'no-store')
  @ApiOperation({ summary: 'QR of the bill’s current payment link (create one with POST payment-link)' })
  @ApiProduces(SVG)
  @imageResponse(SVG)
  @ApiNotFound('Bill or active link')
  async billSvg(
    @Param('id', new ParseUUIDPipe()) id: string,
    @Res({ passthrough: true }) res: Response,
  ): Promise<string> {
    const svg = await renderQrSvg(await this.currentUrl(id));
    res.type(SVG);
    return svg;
  }

  @Get('bills/:id/qr.png')
  @Header('Cache-Control', 'no-store')
  @ApiOperation({ summary: 'QR of the bill’s current payment link, as PNG' })
  @ApiProduces(PNG)
  @imageResponse(PNG)
  @ApiNotFound('Bill or active link')
  async billPng(@Param('id', new ParseUUIDPipe()) id: string): Promise<StreamableFile> {
    return new StreamableFile(await renderQrPng(await this.currentUrl(id)), { type: PNG });
  }

  @Post('bills/:id/print-slip')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Print the payment slip (table, amount, QR, instruction) on the site’s receipt printer',
  })
  @ApiOkResponse({ type: PrintResultDto })
  @ApiNotFound('Bill')
  @ApiConflict('Nothing to pay, or the site has no printer')
  @ApiUpstreamErrors()
  async printSlip(@Param('id', new ParseUUIDPipe()) id: string): Promise<PrintResultDto> {
    const { link, bill } = await this.issueLink.execute({ billId: id });
    const site = this.sites.get(bill.siteId);
    const result = await this.printer.print({
      siteId: site.id,
      venueName: site.name,
      label: bill.label,
      amount: link.amount,
      paymentUrl: link.paymentUrl ?? '',
      expiresAt: link.expiresAt,
      language: site.language,
    });
    return {
      linkId: link.id,
      printer: result.printer,
      bytes: result.bytes,
      attempts: result.attempts,
      confirmed: result.confirmed,
    };
  }

  @Get('sites/:siteId/tables/:tableCode/qr.svg')
  @ApiOperation({ summary: 'The static QR to print for a table: <publicUrl>/t/<siteId>/<tableCode>' })
  @ApiProduces(SVG)
  @imageResponse(SVG)
  @ApiNotFound('Site')
  async tableSvg(
    @Param('siteId') siteId: string,
    @Param('tableCode') tableCode: string,
    @Res({ passthrough: true }) res: Response,
  ): Promise<string> {
    const svg = await renderQrSvg(this.tableUrl(siteId, tableCode));
    res.type(SVG);
    return svg;
  }

  @Get('sites/:siteId/tables/:tableCode/qr.png')
  @ApiOperation({ summary: 'The static QR of a table, as PNG' })
  @ApiProduces(PNG)
  @imageResponse(PNG)
  @ApiNotFound('Site')
  async tablePng(
    @Param('siteId') siteId: string,
    @Param('tableCode') tableCode: string,
  ): Promise<StreamableFile> {
    return new StreamableFile(await renderQrPng(this.tableUrl(siteId, tableCode)), { type: PNG });
  }

  private tableUrl(siteId: string, tableCode: string): string {
    this.sites.get(siteId);
    const url = tableUrl(this.config.server.publicUrl, siteId, tableCode);
    if (!url) throw new NotFoundException('Not a valid table code');
    return url;
  }

  private async currentUrl(billId: string): Promise<string> {
    const { link } = await this.activeLink.execute({ billId });
    if (!link?.paymentUrl) throw new NotFoundException('The bill has no active payment link');
    return link.paymentUrl;
  }
}
