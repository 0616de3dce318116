import { Stack, startStack } from '../../support/stack';
import { waitFor } from '../../support/wait-for';
import {
  INVOICEBOX_CURRENCY,
  PREPAY_REASON,
  api,
  billWhen,
  issueLink,
  openOrder,
  settlementWhen,
} from './support';

interface BillDetailsBody {
  status: string;
  amountDue: { amount: number };
  payments: unknown[];
  settlements: Array<{ status: string; mode: string | null }>;
}

describe('r_keeper: the bill changes after the QR went out', () => {
  let stack: Stack;

  beforeAll(async () => {
    stack = await startStack();
  });

  afterAll(() => stack?.close());

  it('money paid on the old link just before its cancel landed becomes a prepayment; the rest stays open', async () => {
    const guid = openOrder(stack, 9, [101, 201]);
    const bill = await billWhen(
      stack,
      guid,
      (b) => b.status === 'open',
      'the order at table 9 in the bridge',
    );
    const old = await issueLink(stack, bill.id);
    const firstDue = old.amount.minor;

    stack.rkeeper.control.addDish(guid, { code: 503 });
    const grown = stack.rkeeper.state.order(guid).unpaidSum;
    await waitFor(() => stack.sandbox.order(old.providerOrderId ?? '')?.status === 'canceled', {
      what: 'the old link canceled at Invoicebox',
    });
    stack.rkeeper.control.resetRequestCounts();
    stack.sandbox.control.payOrder(old.providerOrderId ?? '', { allowCanceled: true });

    const settlement = await settlementWhen(
      stack,
      bill.id,
      (s) => s.status === 'applied',
      'the payment applied',
    );
    expect(settlement.mode).toBe('prepayment');
    const order = stack.rkeeper.state.order(guid);
    expect(order.prepays).toEqual([
      expect.objectContaining({ currencyId: INVOICEBOX_CURRENCY, amount: firstDue, reasonId: PREPAY_REASON }),
    ]);
    expect(order).toMatchObject({ finished: false, paid: false, unpaidSum: grown - firstDue });
    expect(stack.rkeeper.state.requestCounts().PayOrder).toBeUndefined();

    await billWhen(stack, guid, (b) => b.amountDue.minor === grown - firstDue, 'the remainder in the bridge');
    const details = await api<BillDetailsBody>(stack, 'GET', `/api/v1/bills/${bill.id}`);
    expect(details.body).toMatchObject({ status: 'open', amountDue: { amount: grown - firstDue } });
    expect(details.body.payments).toHaveLength(1);
    expect(details.body.settlements).toEqual([
      expect.objectContaining({ status: 'applied', mode: 'prepayment' }),
    ]);

    const rest = await issueLink(stack, bill.id);
    expect(rest.amount.minor).toBe(grown - firstDue);
    stack.sandbox.control.payOrder(rest.providerOrderId ?? '');
    await waitFor(() => stack.rkeeper.state.order(guid).finished, { what: 'the order closed' });
    const closed = stack.rkeeper.state.order(guid);
    expect(closed.prepays).toHaveLength(1);
    expect(closed.pays).toEqual([
      expect.objectContaining({ currencyId: INVOICEBOX_CURRENCY, amount: grown - firstDue }),
    ]);
    expect(closed.prepaySum + closed.paidSum).toBe(closed.orderSum);
    expect(stack.rkeeper.state.requestCounts().PayOrder).toBe(1);
  });
});
