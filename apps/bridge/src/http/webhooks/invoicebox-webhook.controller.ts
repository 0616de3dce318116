import { Controller, HttpCode, Param, Post, Req, Res } from '@nestjs/common';
import { ReceiveProviderNotification } from '@bridge/core';
import { Request, Response } from 'express';

/** Documented Invoicebox reply for an order we cannot place: the site id in the URL is unknown. */
const UNKNOWN_SITE_REPLY = { status: 'error', code: 'order_not_found', message: 'Unknown site' };

/**
 * Invoicebox notifications. The body arrives as raw bytes (see main.ts) because the signature covers
 * them exactly; the answer is always HTTP 200 JSON, as Invoicebox requires.
 */
@Controller('webhooks/invoicebox')
export class InvoiceboxWebhookController {
  constructor(private readonly receive: ReceiveProviderNotification) {}

  @Post(':siteId')
  @HttpCode(200)
  async notify(
    @Param('siteId') siteId: string,
    @Req() request: Request,
    @Res({ passthrough: true }) response: Response,
  ): Promise<unknown> {
    const rawBody = Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0);
    const received = await this.receive.execute({
      siteId,
      rawBody,
      headers: request.headers,
      channel: 'webhook',
    });
    if (!received) return UNKNOWN_SITE_REPLY;
    response.status(received.reply.httpStatus);
    return received.reply.body;
  }
}
