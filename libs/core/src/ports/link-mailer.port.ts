import { Money } from '../domain/money';

/** A payment link for one guest, in the site's language first and the other one after it. */
export interface PaymentLinkMessage {
  to: string;
  language: 'ru' | 'en';
  siteName: string;
  billLabel: string;
  guestName?: string;
  amount: Money;
  paymentUrl: string;
  expiresAt: Date;
}

export interface SentMessage {
  messageId: string;
}

/**
 * Delivers payment links to guests by e-mail. Errors: UpstreamUnavailableError (try again later),
 * UpstreamRejectedError (the server refused the message or the address), UpstreamAuthError.
 */
export abstract class LinkMailer {
  abstract sendPaymentLink(message: PaymentLinkMessage): Promise<SentMessage>;
}
