import { BadRequestException, Controller, HttpCode, Param, Post, Req } from '@nestjs/common';
import { SiteDirectory, SiteNotFoundError } from '@bridge/core';
import { OrderChangeHint, orderExternalId, parseOrderChangeNotification } from '@bridge/rkeeper';
import { Request } from 'express';
import { OrderRefreshService } from '../../precheck/order-refresh.service';

const ORDER_GUID = /^\{?[0-9A-F]{8}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{12}\}?$/i;

/**
 * r_keeper order-change notifications (HTTP Order Notify / subscriptions). A hint only: each order named is
 * re-read with GetOrder after the answer, so the cash server's queue keeps moving.
 */
@Controller('webhooks/rkeeper')
export class RkeeperNotifyController {
  constructor(
    private readonly sites: SiteDirectory,
    private readonly refresh: OrderRefreshService,
  ) {}

  @Post(':siteId')
  @HttpCode(200)
  notify(@Param('siteId') siteId: string, @Req() request: Request): { accepted: number } {
    if (this.sites.get(siteId).kind !== 'rkeeper') throw new SiteNotFoundError(siteId);
    const body = Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0);
    if (body.length === 0) throw new BadRequestException('Empty notification');
    let hints: OrderChangeHint[];
    try {
      hints = parseOrderChangeNotification(body, request.headers['content-type']);
    } catch (error) {
      throw new BadRequestException(
        `Unreadable notification: ${error instanceof Error ? error.message : String(error)}`,
      );
    }
    const invalid = hints.find((hint) => !ORDER_GUID.test(hint.guid));
    if (invalid) throw new BadRequestException(`Not an order guid: "${invalid.guid.slice(0, 64)}"`);
    for (const hint of hints) void this.refresh.request(siteId, orderExternalId(hint.guid));
    return { accepted: hints.length };
  }
}
