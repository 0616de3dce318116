import { InvoiceboxWsListener } from '../../../apps/bridge/src/notifications/invoicebox-ws.listener';
import { CAFE_MERCHANT, Stack, startStack } from '../../support/stack';
import { waitFor } from '../../support/wait-for';
import { issuePaymentUrl, openTable, payOnPaymentPage, waitUntilSettled } from './support';

/** Long enough that the safety-net poller never runs during a test that must prove another channel. */
const NO_POLLING_SECONDS = 3_600;

type Channel = 'webhook' | 'websocket' | 'poll';

const setups: Array<[Channel, Parameters<typeof startStack>[0]]> = [
  [
    'webhook',
    {
      notifications: 'webhook',
      sandboxChannels: { webhook: true, websocket: false },
      invoiceboxPollIntervalSeconds: NO_POLLING_SECONDS,
    },
  ],
  [
    'websocket',
    {
      notifications: 'websocket',
      sandboxChannels: { webhook: false, websocket: true },
      invoiceboxPollIntervalSeconds: NO_POLLING_SECONDS,
    },
  ],
  [
    'poll',
    {
      notifications: 'poll',
      sandboxChannels: { webhook: false, websocket: false },
      invoiceboxPollIntervalSeconds: 1,
    },
  ],
];

describe.each(setups)('a guest pays through the sandbox, notified by %s alone', (channel, options) => {
  let stack: Stack;

  beforeEach(async () => {
    stack = await startStack(options);
  });
  afterEach(async () => {
    await stack.close();
  });

  it('closes the bill at the POS after the guest submits the payment page', async () => {
    if (channel === 'websocket') {
      await waitFor(() => stack.sandbox.wsConnectionCount(CAFE_MERCHANT.merchantId) === 1, {
        what: 'the bridge to connect to the gateway',
      });
    }
    const { guid, bill } = await openTable(stack);
    const paymentUrl = await issuePaymentUrl(stack, bill.id);

    const paid = await payOnPaymentPage(paymentUrl);
    expect(paid.status).toBe(200);

    const settled = await waitUntilSettled(stack, guid, bill.id);
    expect(settled.payments).toHaveLength(1);
    expect(settled.payments[0]).toMatchObject({ channel, amount: bill.amountDue });
    expect(settled.settlements).toEqual([expect.objectContaining({ status: 'applied', mode: 'close' })]);
    const sandboxOrders = stack.sandbox.orders();
    expect(sandboxOrders.map((o) => o.status)).toEqual(['completed']);
    const deliveries = stack.sandbox.deliveries().filter((d) => !d.test);
    expect(deliveries.map((d) => d.channel)).toEqual(channel === 'poll' ? [] : [channel]);
    const gateway = stack.app.get(InvoiceboxWsListener).health();
    expect(Object.keys(gateway)).toEqual(channel === 'websocket' ? ['cafe-1'] : []);
    if (channel === 'websocket') expect(gateway['cafe-1']).toMatchObject({ status: 'up', connected: true });
  });
});
