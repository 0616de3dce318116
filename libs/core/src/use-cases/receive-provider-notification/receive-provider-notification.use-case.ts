import { Injectable, Logger } from '@nestjs/common';
import { NotificationRejectedError } from '../../errors/domain.errors';
import { NotificationChannel } from '../../domain/payment';
import {
  NotificationHeaders,
  NotificationOutcome,
  NotificationReply,
  PaymentProviderRegistry,
} from '../../ports/payment-provider.port';
import { SiteDirectory } from '../../ports/site-directory.port';
import { AcceptPaymentNotification } from '../accept-payment-notification/accept-payment-notification.use-case';

export interface ReceiveProviderNotificationInput {
  siteId: string;
  rawBody: Buffer;
  headers: NotificationHeaders;
  channel: NotificationChannel;
}

export interface ReceivedNotification {
  outcome: NotificationOutcome;
  reply: NotificationReply;
}

/** A signed notification as it arrives: verified by the site's provider, then accepted. */
@Injectable()
export class ReceiveProviderNotification {
  private readonly logger = new Logger(ReceiveProviderNotification.name);

  constructor(
    private readonly sites: SiteDirectory,
    private readonly providers: PaymentProviderRegistry,
    private readonly accept: AcceptPaymentNotification,
  ) {}

  async execute(input: ReceiveProviderNotificationInput): Promise<ReceivedNotification | null> {
    if (!this.sites.list().some((site) => site.id === input.siteId)) return null;
    const provider = this.providers.forSite(input.siteId);
    let outcome: NotificationOutcome;
    try {
      const notification = provider.verifyNotification(input.rawBody, input.headers);
      outcome = await this.accept.execute({
        siteId: input.siteId,
        notification,
        channel: input.channel,
        rawBody: input.rawBody.toString('utf8'),
      });
    } catch (error) {
      if (error instanceof NotificationRejectedError) {
        outcome = { kind: 'rejected', reason: error.reason, message: error.message };
      } else {
        this.logger.error({ err: error, siteId: input.siteId }, 'Notification could not be recorded');
        outcome = { kind: 'failed', message: 'Temporary failure, please retry' };
      }
    }
    if (outcome.kind === 'rejected') {
      this.logger.warn(
        { siteId: input.siteId, reason: outcome.reason, channel: input.channel },
        outcome.message,
      );
    }
    return { outcome, reply: provider.formatNotificationReply(outcome) };
  }
}
