import { Injectable, Logger } from '@nestjs/common';
import {
  Bill,
  Clock,
  IssuePaymentLink,
  PaymentLink,
  PosAdapterRegistry,
  Store,
  describeError,
  isPayable,
} from '@bridge/core';
import { CODE_PAGES, CodePageName, EscPosPrinterClient, buildPaymentSlipJob } from '@bridge/receipts';
import { RKEEPER_BILL_ATTRIBUTES, RkeeperPosAdapter } from '@bridge/rkeeper';
import { BridgeConfig, PrinterConfig, SiteConfig } from '../config/bridge-config';

export type PrecheckOutcome =
  | { action: 'none'; reason: string }
  | { action: 'published'; linkId: string; paymentUrl: string; written: boolean; printed: boolean };

function isCodePage(name: string): name is CodePageName {
  return Object.prototype.hasOwnProperty.call(CODE_PAGES, name);
}

/**
 * When an r_keeper order shows a printed pre-check, the guest gets a link at once: issued (or reused) through
 * core, written into the order field the pre-check layout prints, and sent as a QR slip to the site's printer.
 * The order field is the durable mark of "done": once it holds the live link's URL nothing is repeated, so the
 * bridge's own write (which moves the order version) and later re-reads change nothing.
 */
@Injectable()
export class PrecheckLinkService {
  private readonly logger = new Logger(PrecheckLinkService.name);
  private readonly sites: Map<string, SiteConfig>;
  private readonly printers = new Map<string, EscPosPrinterClient>();
  /** Slips sent by this process, so a failed field write does not print the same link twice. */
  private readonly printedLinks = new Set<string>();

  constructor(
    config: BridgeConfig,
    private readonly issueLink: IssuePaymentLink,
    private readonly pos: PosAdapterRegistry,
    private readonly store: Store,
    private readonly clock: Clock,
  ) {
    this.sites = new Map(config.sites.map((site) => [site.id, site]));
  }

  /** Whether the site wants links on pre-check at all: the refresh path skips the work otherwise. */
  enabledFor(siteId: string): boolean {
    const site = this.sites.get(siteId);
    return site?.kind === 'rkeeper' && site.rkeeper?.issueLinkOnPrecheck === true;
  }

  async afterRefresh(bill: Bill | null): Promise<PrecheckOutcome> {
    if (!bill || !this.enabledFor(bill.siteId)) return { action: 'none', reason: 'not enabled' };
    if (bill.attributes[RKEEPER_BILL_ATTRIBUTES.precheck] !== '1')
      return { action: 'none', reason: 'no pre-check' };
    if (!isPayable(bill)) return { action: 'none', reason: 'nothing to pay' };
    const adapter = this.pos.forSite(bill.siteId);
    if (!(adapter instanceof RkeeperPosAdapter)) return { action: 'none', reason: 'not an r_keeper adapter' };

    const { link } = await this.issueLink.execute({ billId: bill.id });
    const paymentUrl = link.paymentUrl;
    if (!paymentUrl) return { action: 'none', reason: 'link has no URL' };
    if (bill.attributes[RKEEPER_BILL_ATTRIBUTES.paymentUrl] === paymentUrl) {
      return { action: 'none', reason: 'already published' };
    }

    const printed = await this.printSlip(bill, link, paymentUrl);
    let written = false;
    try {
      await adapter.publishPaymentUrl(
        { externalId: bill.externalId, attributes: bill.attributes },
        paymentUrl,
      );
      written = true;
    } catch (error) {
      this.logger.warn(
        { siteId: bill.siteId, billId: bill.id, err: describeError(error) },
        'Payment URL could not be written into the r_keeper order; retried on the next change of the order',
      );
    }
    await this.store.events.append({
      at: this.clock.now(),
      siteId: bill.siteId,
      type: 'precheck.link_published',
      billId: bill.id,
      linkId: link.id,
      data: { written, printed, amount: link.amount.toJSON() },
    });
    return { action: 'published', linkId: link.id, paymentUrl, written, printed };
  }

  private async printSlip(bill: Bill, link: PaymentLink, paymentUrl: string): Promise<boolean> {
    const site = this.sites.get(bill.siteId);
    if (!site?.printer || this.printedLinks.has(link.id)) return false;
    try {
      const job = buildPaymentSlipJob(
        {
          venueName: site.name,
          label: bill.label,
          amount: link.amount,
          paymentUrl,
          expiresAt: link.expiresAt,
        },
        { locale: site.language, codePage: codePageOf(site.printer) },
      );
      await this.printer(site.id, site.printer).print(job);
      this.printedLinks.add(link.id);
      return true;
    } catch (error) {
      this.logger.warn(
        { siteId: site.id, billId: bill.id, err: describeError(error) },
        'QR slip could not be printed; the link is still on the order',
      );
      return false;
    }
  }

  private printer(siteId: string, config: PrinterConfig): EscPosPrinterClient {
    let client = this.printers.get(siteId);
    if (!client) {
      client = new EscPosPrinterClient({ host: config.host, port: config.port });
      this.printers.set(siteId, client);
    }
    return client;
  }
}

function codePageOf(printer: PrinterConfig): CodePageName | undefined {
  if (printer.codePage === undefined) return undefined;
  if (!isCodePage(printer.codePage)) throw new Error(`Unsupported printer code page "${printer.codePage}"`);
  return printer.codePage;
}
