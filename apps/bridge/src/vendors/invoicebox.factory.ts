import { Injectable, Logger } from '@nestjs/common';
import { PaymentProvider } from '@bridge/core';
import { InvoiceboxClient, InvoiceboxLogger, InvoiceboxPaymentProvider } from '@bridge/invoicebox';
import packageJson from '../../../../package.json';
import { BridgeConfig, SiteConfig } from '../config/bridge-config';
import { PaymentProviderFactory } from '../sites/adapter-registries';

/** Sent in the User-Agent Invoicebox requires (§2.2) and in the gateway's getStatus answer. */
export const BRIDGE_VERSION: string = packageJson.version;

/** The Invoicebox libs log through this, so their lines land in pino with the site attached. */
export function invoiceboxLogger(context: string, fields: Record<string, unknown>): InvoiceboxLogger {
  const logger = new Logger(context);
  return {
    debug: (obj, msg) => logger.debug({ ...fields, ...obj }, msg),
    info: (obj, msg) => logger.log({ ...fields, ...obj }, msg),
    warn: (obj, msg) => logger.warn({ ...fields, ...obj }, msg),
  };
}

export function webhookUrlFor(config: BridgeConfig, siteId: string): string {
  return `${config.server.publicUrl.replace(/\/+$/, '')}/webhooks/invoicebox/${encodeURIComponent(siteId)}`;
}

@Injectable()
export class InvoiceboxProviderFactory extends PaymentProviderFactory {
  create(site: SiteConfig, config: BridgeConfig): PaymentProvider {
    const { invoicebox } = config;
    const client = new InvoiceboxClient({
      token: site.merchant.apiToken,
      appVersion: BRIDGE_VERSION,
      baseUrl: invoicebox.apiUrl,
      apiPrefix: invoicebox.legacyL3Prefix ? 'l3' : 'v3',
      ...(invoicebox.timeoutMs
        ? { readTimeoutMs: invoicebox.timeoutMs, writeTimeoutMs: invoicebox.timeoutMs }
        : {}),
      logger: invoiceboxLogger('Invoicebox', { siteId: site.id }),
    });
    return new InvoiceboxPaymentProvider({
      client,
      merchantId: site.merchant.merchantId,
      notificationKey: site.merchant.notificationKey,
      // Only the webhook mode has a public URL to give; otherwise the merchant's cabinet setting stands.
      ...(invoicebox.notifications === 'webhook' ? { notificationUrl: webhookUrlFor(config, site.id) } : {}),
    });
  }
}
