import { SimFaultInput } from '@bridge/simulators';
import { Stack, startStack } from '../../support/stack';
import { waitFor } from '../../support/wait-for';
import { INVOICEBOX_CURRENCY, billWhen, issueLink, openOrder, settlementWhen } from './support';

type Fault = (stack: Stack, input: SimFaultInput) => void;

const FAULTS: Array<[string, Fault]> = [
  ['times out', (stack, input) => stack.rkeeper.control.stallNext({ ...input, ms: 1_500, applyWrite: true })],
  [
    'answers with broken XML',
    (stack, input) => stack.rkeeper.control.malformedNext({ ...input, applyWrite: true }),
  ],
  ['drops the connection', (stack, input) => stack.rkeeper.control.dropNext({ ...input, applyWrite: true })],
];

describe('r_keeper: a PayOrder whose answer never arrived, though r_keeper applied it', () => {
  let stack: Stack;

  beforeAll(async () => {
    stack = await startStack({ rkeeperSiteExtra: '      timeoutMs: 500' });
  });

  afterAll(() => stack?.close());

  it.each(FAULTS)(
    'PayOrder %s: the read-back finds it and no second PayOrder is sent',
    async (_name, fault) => {
      const guid = openOrder(stack, 14);
      const bill = await billWhen(stack, guid, (b) => b.status === 'open', 'the order in the bridge');
      const link = await issueLink(stack, bill.id);
      stack.rkeeper.control.resetRequestCounts();
      fault(stack, { cmd: 'PayOrder' });
      stack.sandbox.control.payOrder(link.providerOrderId ?? '');

      const applied = await settlementWhen(
        stack,
        bill.id,
        (s) => s.status === 'applied',
        'the settlement applied',
      );
      const order = stack.rkeeper.state.order(guid);
      expect(order.pays).toEqual([
        expect.objectContaining({ currencyId: INVOICEBOX_CURRENCY, amount: link.amount.minor }),
      ]);
      expect(applied.externalRef).toBe(order.pays[0].lineGuid);
      const events = await stack.store.events.listByBill(bill.id);
      const types = events.filter((e) => e.settlementId === applied.id).map((e) => e.type);
      expect(types).toEqual(expect.arrayContaining(['settlement.unknown_outcome', 'settlement.read_back']));
      expect(events.find((e) => e.type === 'settlement.read_back')?.data).toMatchObject({ result: 'found' });
      await waitFor(() => stack.rkeeper.state.pendingFaults().length === 0, { what: 'the fault used' });
      expect(stack.rkeeper.state.requestCounts().PayOrder).toBe(1);
    },
  );
});
