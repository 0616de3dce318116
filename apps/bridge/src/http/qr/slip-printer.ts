import { Injectable } from '@nestjs/common';
import { DomainRuleError, Money } from '@bridge/core';
import {
  CODE_PAGES,
  CodePageName,
  EscPosPrinterClient,
  PrintResult,
  buildPaymentSlipJob,
} from '@bridge/receipts';
import { BridgeConfig, PrinterConfig } from '../../config/bridge-config';

export interface SlipToPrint {
  siteId: string;
  venueName: string;
  label: string;
  amount: Money;
  paymentUrl: string;
  expiresAt: Date;
  language: 'ru' | 'en';
}

/** Sends payment slips to each site's network receipt printer (ESC/POS over raw TCP). */
@Injectable()
export class SlipPrinter {
  private readonly printers = new Map<string, { config: PrinterConfig; client: EscPosPrinterClient }>();

  constructor(config: BridgeConfig) {
    for (const site of config.sites) {
      if (site.printer) {
        this.printers.set(site.id, {
          config: site.printer,
          client: new EscPosPrinterClient({ host: site.printer.host, port: site.printer.port }),
        });
      }
    }
  }

  hasPrinter(siteId: string): boolean {
    return this.printers.has(siteId);
  }

  async print(slip: SlipToPrint): Promise<PrintResult & { printer: string }> {
    const printer = this.printers.get(slip.siteId);
    if (!printer) {
      throw new DomainRuleError(`Site ${slip.siteId} has no receipt printer configured`, {
        metadata: { siteId: slip.siteId },
      });
    }
    const codePage = printer.config.codePage;
    const job = buildPaymentSlipJob(
      {
        venueName: slip.venueName,
        label: slip.label,
        amount: slip.amount,
        paymentUrl: slip.paymentUrl,
        expiresAt: slip.expiresAt,
      },
      { locale: slip.language, ...(codePage && isCodePage(codePage) ? { codePage } : {}) },
    );
    return { ...(await printer.client.print(job)), printer: printer.client.address };
  }
}

function isCodePage(name: string): name is CodePageName {
  return Object.prototype.hasOwnProperty.call(CODE_PAGES, name);
}
