import { createCoreTestbed, CoreTestbed } from '@bridge/testing';
import { Money } from '../../domain/money';

async function openTableAndIssueLink(tb: CoreTestbed, table = '5') {
  const externalId = tb.pos.openOrder(table, [
    { name: 'Борщ', priceMinor: 45000, quantityMilli: 2000 },
    { name: 'Морс', priceMinor: 15050 },
  ]);
  await tb.useCases.sync.execute({ siteId: tb.site.id });
  const bill = await tb.store.bills.findByExternalId(tb.site.id, externalId);
  if (!bill) throw new Error('bill not synced');
  const issued = await tb.useCases.issue.execute({ billId: bill.id });
  return { externalId, bill, link: issued.link };
}

async function deliver(tb: CoreTestbed, signed: { rawBody: Buffer; headers: Record<string, string> }) {
  const received = await tb.useCases.receive.execute({
    siteId: tb.site.id,
    rawBody: signed.rawBody,
    headers: signed.headers,
    channel: 'webhook',
  });
  if (!received) throw new Error('unknown site');
  return received;
}

describe('payment flow through the core use cases', () => {
  let tb: CoreTestbed;
  beforeEach(() => {
    tb = createCoreTestbed();
  });

  it('takes a bill from the POS to closed, and logs every step', async () => {
    const { externalId, bill, link } = await openTableAndIssueLink(tb);
    expect(link.status).toBe('active');
    expect(link.amount.minor).toBe(105050);
    expect(link.merchantOrderId).toBe(`cafe-1:${externalId}:v1`);

    const received = await deliver(tb, tb.provider.pay(link.providerOrderId!));
    expect(received.outcome.kind).toBe('accepted');
    expect(received.reply.body).toEqual({ status: 'success' });
    expect(tb.signal.count).toBe(1);

    const processed = await tb.useCases.processDue.execute({ owner: 'test' });
    expect(processed.applied).toBe(1);
    expect(tb.pos.isClosed(externalId)).toBe(true);

    const dump = tb.store.dump();
    expect(dump.payments).toHaveLength(1);
    expect(dump.settlements[0].status).toBe('applied');
    expect(dump.settlements[0].mode).toBe('close');
    expect(dump.bills.find((b) => b.id === bill.id)?.status).toBe('closed');
    const types = (await tb.store.events.listByBill(bill.id)).map((e) => e.type);
    expect(types).toEqual(
      expect.arrayContaining([
        'bill.opened',
        'link.creating',
        'link.active',
        'payment.confirmed',
        'link.paid',
        'settlement.created',
        'settlement.sending',
        'settlement.applied',
        'bill.closed',
      ]),
    );
  });

  it('records one payment for the same notification delivered 10 times, some at once', async () => {
    const { externalId, link } = await openTableAndIssueLink(tb);
    const signed = tb.provider.pay(link.providerOrderId!);
    const outcomes = await Promise.all(Array.from({ length: 6 }, () => deliver(tb, signed)));
    for (let i = 0; i < 4; i++) outcomes.push(await deliver(tb, signed));
    expect(outcomes.filter((o) => o.outcome.kind === 'accepted')).toHaveLength(1);
    expect(outcomes.every((o) => (o.reply.body as { status: string }).status === 'success')).toBe(true);
    await tb.useCases.processDue.execute({ owner: 'test' });
    await tb.useCases.processDue.execute({ owner: 'test' });
    const dump = tb.store.dump();
    expect(dump.payments).toHaveLength(1);
    expect(dump.settlements).toHaveLength(1);
    expect(tb.pos.appliedPayments(externalId)).toHaveLength(1);
  });

  it('rejects a forged notification and changes nothing', async () => {
    const { link } = await openTableAndIssueLink(tb);
    const signed = tb.provider.pay(link.providerOrderId!);
    const before = tb.store.dump();
    const forged = await deliver(tb, {
      rawBody: signed.rawBody,
      headers: { 'x-fake-signature': '00'.repeat(32) },
    });
    expect(forged.outcome).toMatchObject({ kind: 'rejected', reason: 'signature' });
    const wrongAmount = await deliver(
      tb,
      tb.provider.notificationFor({
        ...(await tb.provider.getOrder(link.providerOrderId!)),
        amount: Money.of(1, 'RUB'),
      }),
    );
    expect(wrongAmount.outcome).toMatchObject({ kind: 'rejected', reason: 'amount_mismatch' });
    const otherMerchant = await deliver(
      tb,
      tb.provider.notificationFor(await tb.provider.getOrder(link.providerOrderId!), {
        merchantId: 'someone-else',
      }),
    );
    expect(otherMerchant.outcome).toMatchObject({ kind: 'rejected', reason: 'merchant_mismatch' });
    const unknown = await deliver(
      tb,
      tb.provider.notificationFor(await tb.provider.getOrder(link.providerOrderId!), {
        id: 'nope',
        merchantOrderId: 'nope',
      }),
    );
    expect(unknown.outcome).toMatchObject({ kind: 'rejected', reason: 'unknown_order' });
    const test = await deliver(
      tb,
      tb.provider.notificationFor(await tb.provider.getOrder(link.providerOrderId!), { id: 'test' }),
    );
    expect(test.outcome.kind).toBe('test');
    expect(tb.store.dump()).toEqual(before);
  });

  it('supersedes and cancels the link when a dish is added, and issues a new one for the new amount', async () => {
    const { externalId, bill, link } = await openTableAndIssueLink(tb);
    tb.pos.addLine(externalId, { name: 'Пирожок', priceMinor: 9000 });
    await tb.useCases.sync.execute({ siteId: tb.site.id });
    expect((await tb.store.links.findById(link.id))?.status).toBe('canceled');
    expect((await tb.provider.getOrder(link.providerOrderId!)).status).toBe('canceled');
    const second = await tb.useCases.issue.execute({ billId: bill.id });
    expect(second.link.id).not.toBe(link.id);
    expect(second.link.amount.minor).toBe(114050);
    expect(second.link.merchantOrderId).toBe(`cafe-1:${externalId}:v2`);
  });

  it('turns a payment of a superseded link into a prepayment and leaves the rest open', async () => {
    const { externalId, link } = await openTableAndIssueLink(tb);
    const paidFirst = tb.provider.pay(link.providerOrderId!);
    tb.pos.addLine(externalId, { name: 'Пирожок', priceMinor: 9000 });
    await tb.useCases.sync.execute({ siteId: tb.site.id });
    expect((await tb.store.links.findById(link.id))?.status).toBe('paid');
    // the webhook arrives after the cancel attempt found the order completed: still one payment
    expect((await deliver(tb, paidFirst)).outcome.kind).toBe('duplicate');
    await tb.useCases.processDue.execute({ owner: 'test' });
    const [settlement] = tb.store.dump().settlements;
    expect(settlement.status).toBe('applied');
    expect(settlement.mode).toBe('prepayment');
    expect(tb.pos.isClosed(externalId)).toBe(false);
    expect(tb.pos.amountDue(externalId).minor).toBe(9000);
  });

  it('reads back after a timeout instead of paying twice', async () => {
    const { externalId, link } = await openTableAndIssueLink(tb);
    await deliver(tb, tb.provider.pay(link.providerOrderId!));
    tb.pos.injectFault({ kind: 'timeout_after_apply' });
    const first = await tb.useCases.processDue.execute({ owner: 'test' });
    expect(first.unknown).toBe(1);
    tb.clock.advance(tb.policy.readBackDelayMs);
    const second = await tb.useCases.processDue.execute({ owner: 'test' });
    expect(second.applied).toBe(1);
    const [payment] = tb.store.dump().payments;
    expect(tb.pos.timesApplied(payment.id)).toBe(1);
    expect(tb.pos.calls.apply).toBe(1);
    expect(tb.pos.isClosed(externalId)).toBe(true);
  });

  it('sends again after a timeout that never reached the POS, once', async () => {
    const { externalId, link } = await openTableAndIssueLink(tb);
    await deliver(tb, tb.provider.pay(link.providerOrderId!));
    tb.pos.injectFault({ kind: 'timeout_before_apply' });
    await tb.useCases.processDue.execute({ owner: 'test' });
    tb.clock.advance(tb.policy.readBackDelayMs);
    await tb.useCases.processDue.execute({ owner: 'test' });
    expect(tb.pos.calls.find).toBe(1);
    expect(tb.pos.appliedPayments(externalId)).toHaveLength(1);
  });

  it('retries a locked order with backoff and applies it after the unlock', async () => {
    const { externalId, link } = await openTableAndIssueLink(tb);
    await deliver(tb, tb.provider.pay(link.providerOrderId!));
    tb.pos.setLocked(externalId, true);
    expect((await tb.useCases.processDue.execute({ owner: 'test' })).retrying).toBe(1);
    const [waiting] = tb.store.dump().settlements;
    expect(waiting.lastError?.code).toBe('POS.LOCKED');
    expect((await tb.useCases.processDue.execute({ owner: 'test' })).claimed).toBe(0);
    tb.pos.setLocked(externalId, false);
    tb.clock.advance(10_000);
    expect((await tb.useCases.processDue.execute({ owner: 'test' })).applied).toBe(1);
    expect(tb.pos.appliedPayments(externalId)).toHaveLength(1);
  });

  it('sends a held-back payment at once when the POS/PMS takes postings again, and leaves the rest alone', async () => {
    const { externalId, link } = await openTableAndIssueLink(tb);
    await deliver(tb, tb.provider.pay(link.providerOrderId!));
    tb.pos.setLocked(externalId, true);
    await tb.useCases.processDue.execute({ owner: 'test' });
    tb.pos.setLocked(externalId, false);
    const signalsBefore = tb.signal.count;
    expect((await tb.useCases.processDue.execute({ owner: 'test' })).claimed).toBe(0);

    expect(await tb.useCases.resume.execute({ siteId: 'another-site', reason: 'night audit ended' })).toEqual(
      {
        broughtForward: 0,
      },
    );
    expect(await tb.useCases.resume.execute({ siteId: tb.site.id, reason: 'night audit ended' })).toEqual({
      broughtForward: 1,
    });
    expect(tb.signal.count).toBe(signalsBefore + 1);
    expect(await tb.useCases.resume.execute({ siteId: tb.site.id, reason: 'night audit ended' })).toEqual({
      broughtForward: 0,
    });

    // No clock advance: the payment goes now, not when its backoff would have let it.
    expect((await tb.useCases.processDue.execute({ owner: 'test' })).applied).toBe(1);
    expect(tb.pos.appliedPayments(externalId)).toHaveLength(1);
    const [settlement] = tb.store.dump().settlements;
    const types = (await tb.store.events.listByBill(settlement.billId)).map((e) => e.type);
    expect(types).toContain('settlement.brought_forward');
  });

  it('leaves a payment of unknown outcome to its read-back delay when postings resume', async () => {
    const { link } = await openTableAndIssueLink(tb);
    await deliver(tb, tb.provider.pay(link.providerOrderId!));
    tb.pos.injectFault({ kind: 'timeout_after_apply' });
    expect((await tb.useCases.processDue.execute({ owner: 'test' })).unknown).toBe(1);

    expect(await tb.useCases.resume.execute({ siteId: tb.site.id, reason: 'night audit ended' })).toEqual({
      broughtForward: 0,
    });
    expect((await tb.useCases.processDue.execute({ owner: 'test' })).claimed).toBe(0);
  });

  it('cancels the link of a bill closed at the POS; a payment that still arrives waits for a person with its money', async () => {
    const { externalId, link } = await openTableAndIssueLink(tb);
    const paidLate = tb.provider.pay(link.providerOrderId!);
    tb.pos.closeAtPos(externalId);
    await tb.useCases.sync.execute({ siteId: tb.site.id });
    expect((await deliver(tb, paidLate)).outcome.kind).toBe('duplicate');
    await tb.useCases.processDue.execute({ owner: 'test' });
    const dump = tb.store.dump();
    expect(dump.settlements[0].status).toBe('needs_attention');
    expect(dump.settlements[0].attentionReason).toBe('bill_closed');
    expect(dump.payments[0].excess.minor).toBe(105050);
    expect(dump.payments[0].excessStatus).toBe('open');
    expect(tb.pos.calls.apply).toBe(0);
  });

  it('cancels the link of a bill closed at the POS by cash, and no payment is sent', async () => {
    const { externalId, link } = await openTableAndIssueLink(tb);
    tb.pos.closeAtPos(externalId);
    await tb.useCases.sync.execute({ siteId: tb.site.id });
    expect((await tb.provider.getOrder(link.providerOrderId!)).status).toBe('canceled');
    expect((await tb.store.links.findById(link.id))?.status).toBe('canceled');
    expect(tb.pos.calls.apply).toBe(0);
  });

  it('takes over a settlement whose worker died mid-call, reading back first', async () => {
    const { externalId, link } = await openTableAndIssueLink(tb);
    await deliver(tb, tb.provider.pay(link.providerOrderId!));
    const [claimed] = await tb.store.settlements.claimDue(
      'dead-worker',
      tb.policy.leaseMs,
      tb.clock.now(),
      10,
    );
    claimed.markSending('close', claimed.amount, tb.clock.now());
    await tb.store.settlements.update(claimed);
    tb.clock.advance(tb.policy.leaseMs + 1);
    expect((await tb.useCases.sweep.execute()).swept).toBe(1);
    await tb.useCases.processDue.execute({ owner: 'survivor' });
    expect(tb.pos.calls.find).toBe(1);
    expect(tb.pos.appliedPayments(externalId)).toHaveLength(1);
  });

  it('hands a settlement to a person after the attempts run out, and retries it when asked', async () => {
    tb = createCoreTestbed({ policy: { maxAttempts: 2 } });
    const { externalId, link } = await openTableAndIssueLink(tb);
    await deliver(tb, tb.provider.pay(link.providerOrderId!));
    tb.pos.setLocked(externalId, true);
    await tb.useCases.processDue.execute({ owner: 'test' });
    tb.clock.advance(60_000);
    await tb.useCases.processDue.execute({ owner: 'test' });
    const [stuck] = tb.store.dump().settlements;
    expect(stuck.status).toBe('needs_attention');
    expect(stuck.attentionReason).toBe('attempts_exhausted');
    tb.pos.setLocked(externalId, false);
    await tb.useCases.retry.execute({ settlementId: stuck.id, operator: 'anna' });
    await tb.useCases.processDue.execute({ owner: 'test' });
    expect(tb.store.dump().settlements[0].status).toBe('applied');
    expect(tb.pos.appliedPayments(externalId)).toHaveLength(1);
  });

  it('closes an overpaid bill with what was due and keeps the excess aside', async () => {
    const { externalId, link } = await openTableAndIssueLink(tb);
    await deliver(tb, tb.provider.pay(link.providerOrderId!));
    // staff took part of the bill in cash meanwhile
    await tb.pos.applyPayment({
      bill: { externalId, attributes: {} },
      expectedVersion: '1',
      paymentId: 'cash',
      providerOrderId: 'cash',
      amount: Money.of(5050, 'RUB'),
      mode: 'prepayment',
    });
    await tb.useCases.processDue.execute({ owner: 'test' });
    const dump = tb.store.dump();
    expect(dump.settlements[0].status).toBe('applied');
    expect(dump.settlements[0].appliedAmount?.minor).toBe(100000);
    expect(dump.payments[0].excess.minor).toBe(5050);
    expect(tb.pos.isClosed(externalId)).toBe(true);
  });

  it('finds a payment by polling when no notification came', async () => {
    const { externalId, link } = await openTableAndIssueLink(tb);
    tb.provider.pay(link.providerOrderId!);
    const report = await tb.useCases.reconcile.execute({ siteId: tb.site.id, pollBudget: 10 });
    expect(report.polled).toBe(1);
    expect(tb.store.dump().payments[0].channel).toBe('poll');
    await tb.useCases.processDue.execute({ owner: 'test' });
    expect(tb.pos.isClosed(externalId)).toBe(true);
  });

  it('reuses the live link while the bill is unchanged', async () => {
    const { bill, link } = await openTableAndIssueLink(tb);
    const again = await tb.useCases.issue.execute({ billId: bill.id });
    expect(again.reused).toBe(true);
    expect(again.link.id).toBe(link.id);
    expect(tb.provider.calls.create).toBe(1);
  });

  it('leaves a link whose creation outcome is unknown for reconciliation, which finds it', async () => {
    const externalId = tb.pos.openOrder('7', [{ name: 'Чай', priceMinor: 20000 }]);
    await tb.useCases.sync.execute({ siteId: tb.site.id });
    const bill = (await tb.store.bills.findByExternalId(tb.site.id, externalId))!;
    tb.provider.injectFault({ kind: 'outcome_unknown', created: true });
    await expect(tb.useCases.issue.execute({ billId: bill.id })).rejects.toThrow('did not answer');
    const [pending] = tb.store.dump().links;
    expect(pending.status).toBe('creating');
    tb.clock.advance(31_000);
    await tb.useCases.reconcile.execute({ siteId: tb.site.id, pollBudget: 10 });
    expect((await tb.store.links.findById(pending.id))?.status).toBe('active');
    expect(tb.provider.orderCount()).toBe(1);
  });

  it('does not issue a link for a bill with nothing due', async () => {
    const externalId = tb.pos.openOrder('8', [{ name: 'Чай', priceMinor: 20000 }]);
    tb.pos.closeAtPos(externalId);
    const bill = await tb.useCases.refresh.execute({ siteId: tb.site.id, externalId });
    await expect(tb.useCases.issue.execute({ billId: bill!.id })).rejects.toMatchObject({
      code: 'BILL.NOT_PAYABLE',
    });
  });
});
