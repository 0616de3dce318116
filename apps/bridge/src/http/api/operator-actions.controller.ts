import { Body, Controller, Get, HttpCode, Param, ParseUUIDPipe, Post, Query, Req } from '@nestjs/common';
import { ApiOkResponse, ApiOperation } from '@nestjs/swagger';
import { ListAttention, RefundExcess, ResolveSettlement, RetrySettlement } from '@bridge/core';
import { Request } from 'express';
import {
  AttentionDto,
  OperatorBody,
  RefundResultDto,
  ResolveSettlementBody,
  SettlementDto,
  SiteFilterQuery,
} from './api.dto';
import { ApiConflict, ApiNotFound, ApiUpstreamErrors, OperatorApi } from './api-docs';
import { operatorName } from './operator-auth';
import { presentAttention, presentRefund, presentSettlement } from './presenters';

/** What needs a person, and the three things a person can do about it. */
@Controller('api/v1')
@OperatorApi('attention')
export class OperatorActionsController {
  constructor(
    private readonly attention: ListAttention,
    private readonly retry: RetrySettlement,
    private readonly resolve: ResolveSettlement,
    private readonly refund: RefundExcess,
  ) {}

  @Get('attention')
  @ApiOperation({ summary: 'Settlements that need a person, and overpayments waiting for a refund' })
  @ApiOkResponse({ type: AttentionDto })
  async list(@Query() query: SiteFilterQuery): Promise<AttentionDto> {
    return presentAttention(await this.attention.execute({ siteId: query.siteId }));
  }

  @Post('settlements/:id/retry')
  @HttpCode(200)
  @ApiOperation({ summary: 'Try the settlement again (the POS/PMS is read back first)' })
  @ApiOkResponse({ type: SettlementDto })
  @ApiNotFound('Settlement')
  @ApiConflict('The settlement is not waiting for a person')
  async retrySettlement(
    @Param('id', new ParseUUIDPipe()) id: string,
    @Body() body: OperatorBody,
    @Req() request: Request,
  ): Promise<SettlementDto> {
    return presentSettlement(
      await this.retry.execute({ settlementId: id, operator: body.operator ?? operatorName(request) }),
    );
  }

  @Post('settlements/:id/resolve')
  @HttpCode(200)
  @ApiOperation({ summary: 'Close the case: staff settled it by hand; the comment goes to the audit log' })
  @ApiOkResponse({ type: SettlementDto })
  @ApiNotFound('Settlement')
  @ApiConflict('The settlement is not waiting for a person')
  async resolveSettlement(
    @Param('id', new ParseUUIDPipe()) id: string,
    @Body() body: ResolveSettlementBody,
    @Req() request: Request,
  ): Promise<SettlementDto> {
    const settlement = await this.resolve.execute({
      settlementId: id,
      operator: body.operator ?? operatorName(request),
      comment: body.comment.trim(),
    });
    return presentSettlement(settlement);
  }

  @Post('payments/:id/refund-excess')
  @HttpCode(200)
  @ApiOperation({
    summary:
      'Refund what the POS/PMS did not take; idempotent (refund id <paymentId>:excess), never refunds twice',
  })
  @ApiOkResponse({ type: RefundResultDto })
  @ApiNotFound('Payment')
  @ApiConflict('Nothing to refund, or a refund of this payment is in progress')
  @ApiUpstreamErrors()
  async refundExcess(
    @Param('id', new ParseUUIDPipe()) id: string,
    @Body() body: OperatorBody,
    @Req() request: Request,
  ): Promise<RefundResultDto> {
    return presentRefund(
      await this.refund.execute({ paymentId: id, operator: body.operator ?? operatorName(request) }),
    );
  }
}
