import { Injectable, OnApplicationShutdown } from '@nestjs/common';
import {
  BridgeError,
  LinkMailer,
  PaymentLinkMessage,
  SentMessage,
  UpstreamAuthError,
  UpstreamRejectedError,
  UpstreamUnavailableError,
} from '@bridge/core';
import { renderQrPng } from '@bridge/receipts';
import { Transporter, createTransport } from 'nodemailer';
import SMTPTransport from 'nodemailer/lib/smtp-transport';
import { BridgeConfig, SmtpConfig } from '../config/bridge-config';
import { composePaymentLinkEmail } from './payment-link-email';

export class MailNotConfiguredError extends BridgeError {
  readonly code = 'MAIL.NOT_CONFIGURED';
}

const QR_CID = 'payment-qr@pos-bridge';
const DEFAULT_TIMEOUT_MS = 15_000;

/** Sends payment links through the SMTP server of the `smtp` config section. */
@Injectable()
export class NodemailerLinkMailer extends LinkMailer implements OnApplicationShutdown {
  private readonly smtp?: SmtpConfig;
  private readonly transport?: Transporter<SMTPTransport.SentMessageInfo>;

  constructor(config: BridgeConfig) {
    super();
    this.smtp = config.smtp;
    if (!this.smtp) return;
    const timeout = this.smtp.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    this.transport = createTransport({
      host: this.smtp.host,
      port: this.smtp.port,
      secure: this.smtp.secure,
      auth: this.smtp.user ? { user: this.smtp.user, pass: this.smtp.password ?? '' } : undefined,
      connectionTimeout: timeout,
      greetingTimeout: timeout,
      socketTimeout: timeout,
      logger: false,
    });
  }

  async sendPaymentLink(message: PaymentLinkMessage): Promise<SentMessage> {
    if (!this.transport || !this.smtp) {
      throw new MailNotConfiguredError('E-mail is not configured: add an smtp section to the configuration');
    }
    const qr = await renderQrPng(message.paymentUrl, { size: 480 });
    const { subject, text, html } = composePaymentLinkEmail(message, QR_CID);
    try {
      const info = await this.transport.sendMail({
        from: this.smtp.from,
        to: message.to,
        subject,
        text,
        html,
        attachments: [{ filename: 'payment-qr.png', content: qr, contentType: 'image/png', cid: QR_CID }],
      });
      return { messageId: info.messageId };
    } catch (error) {
      throw smtpError(error);
    }
  }

  onApplicationShutdown(): void {
    this.transport?.close();
  }
}

function smtpError(error: unknown): Error {
  const details = typeof error === 'object' && error !== null ? error : {};
  const code = 'code' in details && typeof details.code === 'string' ? details.code : undefined;
  const responseCode =
    'responseCode' in details && typeof details.responseCode === 'number' ? details.responseCode : undefined;
  const message = `SMTP: ${error instanceof Error ? error.message : String(error)}`;
  const options = { upstream: 'smtp', operation: 'sendMail', cause: error, metadata: { code, responseCode } };
  if (code === 'EAUTH') return new UpstreamAuthError(message, options);
  // 5xx is a permanent refusal (bad address, message rejected); everything else may work later.
  if (responseCode !== undefined && responseCode >= 500) {
    return new UpstreamRejectedError(message, { ...options, vendorCode: String(responseCode) });
  }
  return new UpstreamUnavailableError(message, options);
}
