import { InProcessJobLock } from '../../ports/job-lock.port';
import { createCoreTestbed, CoreTestbed, MapProviderRegistry } from '@bridge/testing';
import { DomainRuleError } from '../../errors/domain.errors';
import { boardStatusOf } from '../dashboard/board-status';
import { RefundExcess, excessRefundId } from './refund-excess.use-case';

async function paidBill(tb: CoreTestbed) {
  const externalId = tb.pos.openOrder('5', [{ name: 'Борщ', priceMinor: 45000 }]);
  await tb.useCases.sync.execute({ siteId: tb.site.id });
  const bill = (await tb.store.bills.findByExternalId(tb.site.id, externalId))!;
  const { link } = await tb.useCases.issue.execute({ billId: bill.id });
  const signed = tb.provider.pay(link.providerOrderId!);
  await tb.useCases.receive.execute({
    siteId: tb.site.id,
    rawBody: signed.rawBody,
    headers: signed.headers,
    channel: 'webhook',
  });
  const [payment] = await tb.store.payments.listByBill(bill.id);
  return { externalId, bill, link, payment };
}

describe('RefundExcess', () => {
  let tb: CoreTestbed;
  let sut: RefundExcess;

  beforeEach(() => {
    tb = createCoreTestbed();
    sut = new RefundExcess(
      tb.store,
      new MapProviderRegistry(new Map([[tb.site.id, tb.provider]])),
      tb.clock,
      new InProcessJobLock(),
    );
  });

  it('refunds a payment the POS could not take once, however often it is asked, and closes the case', async () => {
    const { externalId, link, payment } = await paidBill(tb);
    tb.pos.closeAtPos(externalId);
    await tb.useCases.processDue.execute({ owner: 'test' });
    const [settlement] = await tb.store.settlements.listByBill(payment.billId);
    expect(settlement.status).toBe('needs_attention');

    const clicks = await Promise.allSettled([
      sut.execute({ paymentId: payment.id, operator: 'anna' }),
      sut.execute({ paymentId: payment.id, operator: 'anna' }),
    ]);
    const again = await sut.execute({ paymentId: payment.id, operator: 'boris' });

    expect(clicks.filter((c) => c.status === 'fulfilled')).toHaveLength(1);
    expect(clicks.find((c) => c.status === 'rejected')?.reason).toBeInstanceOf(DomainRuleError);
    expect(again).toMatchObject({ status: 'refunded', refundId: excessRefundId(payment.id) });
    expect(tb.provider.refundsOf(link.providerOrderId!)).toEqual([
      expect.objectContaining({ refundId: `${payment.id}:excess`, amount: payment.amount }),
    ]);
    expect((await tb.store.payments.findById(payment.id))?.excessStatus).toBe('refunded');
    expect((await tb.store.settlements.findById(settlement.id))?.status).toBe('resolved');
  });

  it('refuses to refund an excess that a later retry applied at the POS after all', async () => {
    const { payment } = await paidBill(tb);
    tb.pos.injectFault({ kind: 'reject', reason: 'rejected' });
    await tb.useCases.processDue.execute({ owner: 'test' });
    const [settlement] = await tb.store.settlements.listByBill(payment.billId);
    expect(settlement.status).toBe('needs_attention');

    await tb.useCases.retry.execute({ settlementId: settlement.id, operator: 'anna' });
    await tb.useCases.processDue.execute({ owner: 'test' });

    await expect(sut.execute({ paymentId: payment.id, operator: 'anna' })).rejects.toBeInstanceOf(
      DomainRuleError,
    );
    const bill = (await tb.store.bills.findById(payment.billId))!;
    const status = boardStatusOf(
      {
        bill,
        liveLink: await tb.store.links.findLiveByBill(bill.id),
        payments: await tb.store.payments.listByBill(bill.id),
        settlements: await tb.store.settlements.listByBill(bill.id),
      },
      tb.clock.now(),
    );
    expect(status).toBe('applied');
    expect(tb.provider.calls.refund).toBe(0);
  });
});
