import { Injectable, Logger } from '@nestjs/common';
import { Bill } from '../../domain/bill';
import { PaymentLink } from '../../domain/payment-link';
import { BridgeError } from '../../errors/bridge.error';
import { BillNotFoundError } from '../../errors/domain.errors';
import { Clock } from '../../ports/clock.port';
import { LinkMailer } from '../../ports/link-mailer.port';
import { SiteDirectory } from '../../ports/site-directory.port';
import { Store } from '../../ports/store.port';
import { IssuePaymentLink } from '../issue-payment-link/issue-payment-link.use-case';
import { linkEvent } from '../shared/audit';

export class GuestEmailMissingError extends BridgeError {
  readonly code = 'BILL.NO_GUEST_EMAIL';
}

export interface EmailPaymentLinkInput {
  billId: string;
  /** Absent: the guest's address as the POS/PMS knows it. */
  email?: string;
}

export interface EmailedPaymentLink {
  link: PaymentLink;
  bill: Bill;
  to: string;
  messageId: string;
  reused: boolean;
}

const EMAIL = /^[^\s@<>()[\]\\,;:"]+@[^\s@<>()[\]\\,;:"]+\.[^\s@<>()[\]\\,;:"]+$/;

/** Staff send a guest the link for their bill (a room folio from the front desk, usually). */
@Injectable()
export class EmailPaymentLink {
  private readonly logger = new Logger(EmailPaymentLink.name);

  constructor(
    private readonly store: Store,
    private readonly sites: SiteDirectory,
    private readonly issueLink: IssuePaymentLink,
    private readonly mailer: LinkMailer,
    private readonly clock: Clock,
  ) {}

  async execute(input: EmailPaymentLinkInput): Promise<EmailedPaymentLink> {
    const known = await this.store.bills.findById(input.billId);
    if (!known)
      throw new BillNotFoundError(`Bill ${input.billId} not found`, { metadata: { billId: input.billId } });
    const to = (input.email ?? known.guestEmail)?.trim();
    if (!to || !EMAIL.test(to)) {
      throw new GuestEmailMissingError(
        input.email === undefined
          ? `No e-mail address is known for ${known.label}: give one`
          : 'The e-mail address is not valid',
        { metadata: { billId: known.id } },
      );
    }
    // A folio changes without telling anyone: the guest gets the amount as it is now.
    const issued = await this.issueLink.execute({ billId: known.id, refresh: true });
    const { link, bill } = issued;
    if (!link.paymentUrl) throw new Error(`Active link ${link.id} has no payment URL`);
    const site = this.sites.get(bill.siteId);
    const sent = await this.mailer.sendPaymentLink({
      to,
      language: site.language,
      siteName: site.name,
      billLabel: bill.label,
      guestName: bill.guestName,
      amount: link.amount,
      paymentUrl: link.paymentUrl,
      expiresAt: link.expiresAt,
    });
    await this.store.events.append(
      linkEvent(link, 'link.emailed', this.clock.now(), { to: maskAddress(to), messageId: sent.messageId }),
    );
    this.logger.log({ billId: bill.id, linkId: link.id, to: maskAddress(to) }, 'Payment link e-mailed');
    return { link, bill, to, messageId: sent.messageId, reused: issued.reused };
  }
}

/** Enough for staff to recognise the address in the audit log, not enough to harvest it. */
export function maskAddress(address: string): string {
  const at = address.lastIndexOf('@');
  return `${address.slice(0, 1)}***${address.slice(at)}`;
}
