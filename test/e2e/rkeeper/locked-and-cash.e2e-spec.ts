import { Stack, startStack } from '../../support/stack';
import { waitFor } from '../../support/wait-for';
import { INVOICEBOX_CURRENCY, api, billWhen, issueLink, openOrder, settlementWhen } from './support';

interface BillDetailsBody {
  links: Array<{ id: string; status: string }>;
  settlements: Array<{ status: string; lastError: { code: string; message: string } | null }>;
}

describe('r_keeper: an order someone else is holding or has closed', () => {
  let stack: Stack;

  beforeAll(async () => {
    stack = await startStack();
  });

  afterAll(() => stack?.close());

  it('an order locked by a station is retried, shown to staff with the reason, and paid after the unlock', async () => {
    const guid = openOrder(stack, 11);
    const bill = await billWhen(
      stack,
      guid,
      (b) => b.status === 'open',
      'the order at table 11 in the bridge',
    );
    const link = await issueLink(stack, bill.id);
    stack.rkeeper.control.lock(guid, 2);
    stack.rkeeper.control.resetRequestCounts();
    stack.sandbox.control.payOrder(link.providerOrderId ?? '');

    const waiting = await settlementWhen(
      stack,
      bill.id,
      (s) => s.lastError?.code === 'POS.LOCKED',
      'the lock seen',
    );
    expect(waiting.status).not.toBe('needs_attention');
    const details = await api<BillDetailsBody>(stack, 'GET', `/api/v1/bills/${bill.id}`);
    expect(details.body.settlements[0].lastError).toMatchObject({
      code: 'POS.LOCKED',
      message: expect.stringContaining('Бар'),
    });
    await waitFor(() => (stack.rkeeper.state.requestCounts().PayOrder ?? 0) >= 2, {
      what: 'a retry while locked',
    });
    expect(stack.rkeeper.state.order(guid).paid).toBe(false);

    stack.rkeeper.control.unlock(guid);
    await waitFor(() => stack.rkeeper.state.order(guid).finished, {
      what: 'the order closed after the unlock',
    });
    expect(stack.rkeeper.state.order(guid).pays).toEqual([
      expect.objectContaining({ currencyId: INVOICEBOX_CURRENCY, amount: link.amount.minor }),
    ]);
    const applied = await settlementWhen(
      stack,
      bill.id,
      (s) => s.status === 'applied',
      'the settlement applied',
    );
    expect(applied.lastError).toBeUndefined();
  });

  it('an order closed at the POS by cash gets its link canceled and no PayOrder', async () => {
    const guid = openOrder(stack, 12);
    const bill = await billWhen(
      stack,
      guid,
      (b) => b.status === 'open',
      'the order at table 12 in the bridge',
    );
    const link = await issueLink(stack, bill.id);
    stack.rkeeper.control.resetRequestCounts();
    stack.rkeeper.control.closeByCash(guid);

    await waitFor(() => stack.sandbox.order(link.providerOrderId ?? '')?.status === 'canceled', {
      what: 'the link canceled at Invoicebox',
    });
    await billWhen(stack, guid, (b) => b.status === 'closed', 'the bill closed in the bridge');
    // The bridge records the cancel just after Invoicebox confirms it.
    await waitFor(async () => (await stack.store.links.findById(link.id))?.status === 'canceled', {
      what: 'the link canceled in the bridge',
    });
    expect(stack.rkeeper.state.requestCounts().PayOrder).toBeUndefined();
    expect(stack.rkeeper.state.order(guid).pays).toEqual([expect.objectContaining({ currencyId: 1 })]);
    expect(await stack.store.settlements.listByBill(bill.id)).toEqual([]);
  });
});
