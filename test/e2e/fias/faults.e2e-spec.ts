import { PaymentProviderRegistry } from '@bridge/core';
import { fieldValue } from '@bridge/fias';
import { Stack, startStack } from '../../support/stack';
import { waitFor } from '../../support/wait-for';
import { HOTEL, checkIn, credits, guest, issueLink, paymentOf, settlementWhen, sim } from './support';

describe('FIAS: postings that go wrong', () => {
  let stack: Stack;

  beforeAll(async () => {
    // Postings refused in a night audit retry only after 10 minutes: the audit's end must send them at once.
    stack = await startStack({ fias: { nightAuditRetrySeconds: 600 } });
  });

  afterAll(() => stack?.close());

  const postingsFor = (reservation: string) =>
    sim(stack)
      .received('PR')
      .filter((r) => fieldValue(r, 'TA') !== undefined && fieldValue(r, 'G#') === reservation);

  it('the link drops mid-posting after the PMS applied it: relinks, reads the folio back, posted once', async () => {
    const seed = guest(250_000);
    const bill = await checkIn(stack, seed);
    const link = await issueLink(stack, bill.id);
    sim(stack).control.dropOnNextPosting({ applyFirst: true });
    stack.sandbox.control.payOrder(link.providerOrderId ?? '');

    const settlement = await settlementWhen(
      stack,
      bill.id,
      (s) => s.status === 'applied',
      'the settlement applied',
    );
    expect(settlement.externalRef).toMatch(/^XI@\d{12}:250000$/);
    const events = (await stack.store.events.listByBill(bill.id)).map((e) => e.type);
    expect(events).toEqual(expect.arrayContaining(['settlement.unknown_outcome', 'settlement.read_back']));
    expect(postingsFor(seed.reservation)).toHaveLength(1);
    expect(credits(stack, seed.reservation)).toEqual([-250_000]);
    expect(sim(stack).control.folio(seed.reservation).balance).toBe(0);
  });

  it('the link drops mid-posting before the PMS applied it: reads back, finds nothing, posts again once', async () => {
    const seed = guest(180_000);
    const bill = await checkIn(stack, seed);
    const link = await issueLink(stack, bill.id);
    sim(stack).control.dropOnNextPosting({ applyFirst: false });
    stack.sandbox.control.payOrder(link.providerOrderId ?? '');

    const settlement = await settlementWhen(
      stack,
      bill.id,
      (s) => s.status === 'applied',
      'the settlement applied',
    );
    expect(settlement.externalRef).toMatch(/^P#\d+@\d{12}:180000$/);
    expect(postingsFor(seed.reservation)).toHaveLength(2);
    expect(credits(stack, seed.reservation)).toEqual([-180_000]);
    expect(sim(stack).control.folio(seed.reservation).balance).toBe(0);
  });

  it('night audit: the posting is answered NA, waits, and goes through as soon as the audit ends', async () => {
    const seed = guest(90_000);
    const bill = await checkIn(stack, seed);
    const link = await issueLink(stack, bill.id);
    sim(stack).control.startNightAudit();
    stack.sandbox.control.payOrder(link.providerOrderId ?? '');

    const waiting = await settlementWhen(
      stack,
      bill.id,
      (s) => s.status === 'pending' && s.lastError?.code === 'POS.NIGHT_AUDIT',
      'the settlement waiting for the night audit',
    );
    expect(waiting.attentionReason).toBeUndefined();
    expect(credits(stack, seed.reservation)).toEqual([]);

    sim(stack).control.endNightAudit();
    await settlementWhen(
      stack,
      bill.id,
      (s) => s.status === 'applied',
      'the settlement applied after the audit',
    );
    expect(credits(stack, seed.reservation)).toEqual([-90_000]);
    expect(sim(stack).control.folio(seed.reservation).balance).toBe(0);
  });

  it('the guest checked out before the posting: needs attention with the reason, the money stays refundable', async () => {
    const seed = guest(120_000);
    const bill = await checkIn(stack, seed);
    const link = await issueLink(stack, bill.id);
    sim(stack).control.checkOutAfterNextInquiry();
    stack.sandbox.control.payOrder(link.providerOrderId ?? '');

    const settlement = await settlementWhen(
      stack,
      bill.id,
      (s) => s.status === 'needs_attention',
      'the settlement handed to a person',
    );
    expect(settlement).toMatchObject({
      attentionReason: 'guest_not_found',
      lastError: { code: 'POS.GUEST_NOT_FOUND' },
    });
    expect(credits(stack, seed.reservation)).toEqual([]);
    const payment = await paymentOf(stack, bill.id);
    expect(payment).toMatchObject({ status: 'confirmed', excessStatus: 'open' });
    expect(payment.excess.minor).toBe(120_000);

    const refund = await stack.app
      .get(PaymentProviderRegistry)
      .forSite(HOTEL)
      .refund({
        providerOrderId: payment.providerOrderId,
        refundId: `refund-${payment.id}`,
        amount: payment.excess,
        reason: 'Guest checked out before the payment was posted',
      });
    expect(refund.amount.minor).toBe(120_000);
    await waitFor(
      () => stack.sandbox.refunds().find((r) => JSON.stringify(r).includes(payment.providerOrderId)),
      {
        what: 'the refund at the sandbox',
      },
    );
  });
});
