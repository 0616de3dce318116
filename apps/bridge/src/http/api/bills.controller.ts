import { Controller, Get, Param, ParseUUIDPipe, Post, Query } from '@nestjs/common';
import { ApiCreatedResponse, ApiOkResponse, ApiOperation } from '@nestjs/swagger';
import { GetBillDetails, IssuePaymentLink, ListBills } from '@bridge/core';
import { BridgeConfig } from '../../config/bridge-config';
import { BillDetailsDto, BillDto, IssuedLinkDto, ListBillsQuery } from './api.dto';
import { ApiConflict, ApiNotFound, ApiUpstreamErrors, OperatorApi } from './api-docs';
import { presentBill, presentBillDetails } from './presenters';

@Controller('api/v1/bills')
@OperatorApi('bills')
export class BillsController {
  constructor(
    private readonly listBills: ListBills,
    private readonly billDetails: GetBillDetails,
    private readonly issueLink: IssuePaymentLink,
    private readonly config: BridgeConfig,
  ) {}

  @Get()
  @ApiOperation({ summary: 'Bills the bridge sees, newest change first' })
  @ApiOkResponse({ type: [BillDto] })
  async list(@Query() query: ListBillsQuery): Promise<BillDto[]> {
    return (await this.listBills.execute(query)).map(presentBill);
  }

  @Get(':id')
  @ApiOperation({ summary: 'One bill with its links, payments, settlements and event log' })
  @ApiOkResponse({ type: BillDetailsDto })
  @ApiNotFound('Bill')
  async get(@Param('id', new ParseUUIDPipe()) id: string): Promise<BillDetailsDto> {
    return presentBillDetails(await this.billDetails.execute({ billId: id }));
  }

  @Post(':id/payment-link')
  @ApiOperation({ summary: 'Create or reuse the payment link for the current bill version' })
  @ApiCreatedResponse({ type: IssuedLinkDto })
  @ApiNotFound('Bill')
  @ApiConflict('Nothing to pay on this bill (BILL.NOT_PAYABLE)')
  @ApiUpstreamErrors()
  async createPaymentLink(@Param('id', new ParseUUIDPipe()) id: string): Promise<IssuedLinkDto> {
    const { link } = await this.issueLink.execute({ billId: id });
    const base = `${this.config.server.publicUrl.replace(/\/$/, '')}/api/v1/bills/${id}`;
    return {
      linkId: link.id,
      paymentUrl: link.paymentUrl ?? '',
      amount: link.amount.minor,
      currency: link.amount.currency,
      expiresAt: link.expiresAt.toISOString(),
      qrSvgUrl: `${base}/qr.svg`,
      qrPngUrl: `${base}/qr.png`,
    };
  }
}
