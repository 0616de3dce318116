import { fieldValue } from '@bridge/fias';
import { decodeQrImage, readPng } from '../../../libs/receipts/src/testing/qr-image';
import { SmtpSink, startSmtpSink } from '../../../apps/bridge/src/mail/testing/smtp-sink';
import { Stack, startStack } from '../../support/stack';
import { waitFor } from '../../support/wait-for';
import { HOTEL, api, folioWhen, issueLink, settlementWhen, sim } from './support';

describe('FIAS: a room folio paid online through Invoicebox', () => {
  let stack: Stack;
  let smtp: SmtpSink;

  beforeAll(async () => {
    smtp = await startSmtpSink();
    stack = await startStack({ fias: {}, smtpPort: smtp.port });
  });

  afterAll(async () => {
    await stack?.close();
    await smtp?.close();
  });

  it('room 2781: folio pulled → link → paid in the sandbox → PR posting accepted → the folio balance drops by the amount', async () => {
    const pms = sim(stack);
    const before = pms.control.folio('12345').balance;
    const bill = await folioWhen(stack, '12345', (b) => b.status === 'open', 'the folio of room 2781');
    expect(bill).toMatchObject({ kind: 'room_folio', roomNumber: '2781', label: 'Номер 2781 — Guest, Mr.' });
    expect(bill.amountDue.minor).toBe(before);
    expect(bill.lines.map((l) => l.name)).toEqual(['Telephone', 'Room night', 'Minibar']);

    const link = await issueLink(stack, bill.id);
    expect(link.amount.minor).toBe(before);
    stack.sandbox.control.payOrder(link.providerOrderId ?? '');

    const settlement = await settlementWhen(
      stack,
      bill.id,
      (s) => s.status === 'applied',
      'the payment posted to the folio',
    );
    expect(settlement.appliedAmount?.minor).toBe(before);
    expect(settlement.externalRef).toMatch(new RegExp(`^P#\\d+@\\d{12}:${before}$`));
    expect(pms.control.folio('12345').balance).toBe(0);
    const postings = pms.received('PR').filter((r) => fieldValue(r, 'TA') !== undefined);
    expect(postings).toHaveLength(1);
    expect(
      postings.map((r) => [
        fieldValue(r, 'G#'),
        fieldValue(r, 'PM'),
        fieldValue(r, 'SO'),
        fieldValue(r, 'TA'),
      ]),
    ).toEqual([['12345', 'IBOX', '10', String(before)]]);
    const after = await folioWhen(
      stack,
      '12345',
      (b) => b.amountDue.isZero(),
      'the folio refreshed with nothing due',
    );
    expect(after).toMatchObject({ status: 'open' });
    expect(after.paid.minor).toBe(before);
  });

  it('e-mails the link with its QR to the guest from the front desk', async () => {
    const pms = sim(stack);
    pms.control.checkIn({
      reservation: '40001',
      room: '0512',
      guestName: 'Mail, Ms.',
      items: [{ department: '100', description: 'Room night', amount: 520_000 }],
    });
    const bill = await folioWhen(
      stack,
      '40001',
      (b) => b.amountDue.minor === 520_000,
      'the folio of room 0512',
    );

    const noAddress = await api<{ error: { code: string } }>(
      stack,
      'POST',
      `/api/v1/bills/${bill.id}/payment-link/email`,
      {},
    );
    expect(noAddress).toMatchObject({ status: 422, body: { error: { code: 'BILL.NO_GUEST_EMAIL' } } });

    const sent = await api<{ paymentUrl: string; sentTo: string; amount: number }>(
      stack,
      'POST',
      `/api/v1/bills/${bill.id}/payment-link/email`,
      { email: 'mail.guest@example.com' },
    );
    expect(sent.status).toBe(201);
    expect(sent.body).toMatchObject({ sentTo: 'mail.guest@example.com', amount: 520_000 });
    const mail = await waitFor(() => smtp.messages.find((m) => m.to.includes('mail.guest@example.com')), {
      what: 'the e-mail at the SMTP sink',
    });
    const text = mail.leaves
      .find((p) => p.headers['content-type']?.startsWith('text/plain'))
      ?.body.toString('utf8');
    expect(text).toContain(sent.body.paymentUrl);
    expect(text).toContain('Номер 0512');
    const qr = mail.leaves.find((p) => p.headers['content-type']?.startsWith('image/png'));
    expect(decodeQrImage(readPng(qr?.body ?? Buffer.alloc(0)))).toBe(sent.body.paymentUrl);
    const events = await stack.store.events.listByBill(bill.id);
    expect(events.find((e) => e.type === 'link.emailed')?.data).toMatchObject({ to: 'm***@example.com' });

    const invalid = await api(stack, 'POST', `/api/v1/bills/${bill.id}/payment-link/email`, {
      email: 'nope',
    });
    expect(invalid.status).toBe(400);
  });

  it('shows the hotel site healthy with the FIAS link alive', async () => {
    const sites = await api<Array<{ id: string }>>(stack, 'GET', '/api/v1/sites');
    expect(sites.body.map((s) => s.id)).toContain(HOTEL);
    expect(sim(stack).linkState).toBe('alive');
  });
});
