import { Controller, Get, Param, ParseUUIDPipe, Post, Query, UseGuards } from '@nestjs/common';
import { GetBillDetails, IssuePaymentLink, ListBills } from '@bridge/core';
import { Type } from 'class-transformer';
import { IsIn, IsInt, IsOptional, IsString, Max, Min } from 'class-validator';
import { BridgeConfig } from '../../config/bridge-config';
import { AdminTokenGuard } from '../admin-token.guard';
import { presentBill, presentBillDetails } from './presenters';

export class ListBillsQuery {
  @IsOptional()
  @IsString()
  siteId?: string;

  @IsOptional()
  @IsIn(['open', 'closed', 'gone'])
  status?: 'open' | 'closed' | 'gone';

  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(500)
  limit?: number;

  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(0)
  offset?: number;
}

@Controller('api/v1/bills')
@UseGuards(AdminTokenGuard)
export class BillsController {
  constructor(
    private readonly listBills: ListBills,
    private readonly billDetails: GetBillDetails,
    private readonly issueLink: IssuePaymentLink,
    private readonly config: BridgeConfig,
  ) {}

  @Get()
  async list(@Query() query: ListBillsQuery) {
    return (await this.listBills.execute(query)).map(presentBill);
  }

  @Get(':id')
  async get(@Param('id', new ParseUUIDPipe()) id: string) {
    return presentBillDetails(await this.billDetails.execute({ billId: id }));
  }

  @Post(':id/payment-link')
  async createPaymentLink(@Param('id', new ParseUUIDPipe()) id: string) {
    const { link } = await this.issueLink.execute({ billId: id });
    const base = `${this.config.server.publicUrl.replace(/\/$/, '')}/api/v1/bills/${id}`;
    return {
      linkId: link.id,
      paymentUrl: link.paymentUrl,
      amount: link.amount.minor,
      currency: link.amount.currency,
      expiresAt: link.expiresAt.toISOString(),
      qrSvgUrl: `${base}/qr.svg`,
      qrPngUrl: `${base}/qr.png`,
    };
  }
}
