import { createCoreTestbed, CoreTestbed, StaticSiteDirectory } from '@bridge/testing';
import { BillRef } from '../../ports/pos-adapter.port';
import { LinkMailer, PaymentLinkMessage, SentMessage } from '../../ports/link-mailer.port';
import { EmailPaymentLink, GuestEmailMissingError, maskAddress } from './email-payment-link.use-case';

class RecordingMailer extends LinkMailer {
  readonly sent: PaymentLinkMessage[] = [];

  async sendPaymentLink(message: PaymentLinkMessage): Promise<SentMessage> {
    this.sent.push(message);
    return { messageId: `<m${this.sent.length}@test>` };
  }
}

describe('EmailPaymentLink', () => {
  let tb: CoreTestbed;
  let mailer: RecordingMailer;
  let sut: EmailPaymentLink;
  let guestEmail: string | undefined;

  beforeEach(() => {
    tb = createCoreTestbed();
    mailer = new RecordingMailer();
    guestEmail = 'guest@example.com';
    const read = tb.pos.getBill.bind(tb.pos);
    tb.pos.getBill = async (ref: BillRef) => {
      const snapshot = await read(ref);
      return snapshot && { ...snapshot, guestEmail };
    };
    sut = new EmailPaymentLink(
      tb.store,
      new StaticSiteDirectory([tb.site]),
      tb.useCases.issue,
      mailer,
      tb.clock,
    );
  });

  async function openBill() {
    const externalId = tb.pos.openOrder('12', [{ name: 'Номер', priceMinor: 450_000 }]);
    await tb.useCases.sync.execute({ siteId: tb.site.id });
    const bill = await tb.store.bills.findByExternalId(tb.site.id, externalId);
    if (!bill) throw new Error('not synced');
    return { bill, externalId };
  }

  it("sends the current link to the guest's address from the POS/PMS and logs it masked", async () => {
    const { bill } = await openBill();
    const result = await sut.execute({ billId: bill.id });
    expect(result.to).toBe('guest@example.com');
    expect(mailer.sent).toEqual([
      expect.objectContaining({
        to: 'guest@example.com',
        language: tb.site.language,
        siteName: tb.site.name,
        billLabel: bill.label,
        paymentUrl: result.link.paymentUrl,
        amount: bill.amountDue,
      }),
    ]);
    const events = await tb.store.events.listByBill(bill.id);
    expect(events.find((e) => e.type === 'link.emailed')?.data).toMatchObject({
      to: 'g***@example.com',
      messageId: '<m1@test>',
    });
  });

  it('re-reads the bill first, so the guest gets the amount due now', async () => {
    const { bill, externalId } = await openBill();
    tb.pos.addLine(externalId, { name: 'Мини-бар', priceMinor: 1_500 });
    const result = await sut.execute({ billId: bill.id, email: 'front@hotel.example' });
    expect(result.to).toBe('front@hotel.example');
    expect(mailer.sent[0].amount.minor).toBe(451_500);
  });

  it('refuses when no valid address is known, before issuing anything', async () => {
    guestEmail = undefined;
    const { bill } = await openBill();
    await expect(sut.execute({ billId: bill.id })).rejects.toBeInstanceOf(GuestEmailMissingError);
    guestEmail = 'not-an-address';
    await tb.useCases.refresh.execute({ siteId: tb.site.id, externalId: bill.externalId });
    await expect(sut.execute({ billId: bill.id })).rejects.toMatchObject({ code: 'BILL.NO_GUEST_EMAIL' });
    expect(mailer.sent).toHaveLength(0);
    expect(tb.provider.orderCount()).toBe(0);
  });

  it('masks addresses for the audit log', () => {
    expect(maskAddress('ivan.petrov@mail.ru')).toBe('i***@mail.ru');
  });
});
