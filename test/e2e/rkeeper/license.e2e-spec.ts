import { Stack, startStack } from '../../support/stack';
import { INVOICEBOX_CURRENCY, billWhen, issueLink, openOrder, settlementWhen } from './support';

const LICENSE = [
  '      license:',
  '        anchor: "6:{9F6D0C2E-5C2B-4A8B-9B1E-2F1B6B0E7A11}#199990777/17"',
  '        licenseToken: 3b1f0d6c9a2e4f5b8c7d6e5f4a3b2c1d',
  '        instanceGuid: "{0C5B3E9A-7D41-4F2A-8E6B-1A2B3C4D5E6F}"',
].join('\n');

/**
 * A site on the XML interface by subscription: every PayOrder carries LicenseInfo, and the licence server
 * refuses a seqNumber it has already seen. The count lives in the bridge database, so a restart goes on
 * from where it stopped instead of starting at 0 again.
 */
describe('r_keeper licence seqNumber across a restart of the bridge', () => {
  let stack: Stack;

  beforeAll(async () => {
    stack = await startStack({ rkeeperSiteExtra: LICENSE, rkeeperSimulator: { enforceLicense: true } });
  });

  afterAll(() => stack?.close());

  async function payTable(table: number): Promise<void> {
    const guid = openOrder(stack, table);
    const bill = await billWhen(stack, guid, (b) => b.status === 'open', `the order at table ${table}`);
    const link = await issueLink(stack, bill.id);
    stack.sandbox.control.payOrder(link.providerOrderId ?? '');
    const settled = await settlementWhen(
      stack,
      bill.id,
      (s) => s.status === 'applied' || s.status === 'needs_attention' || s.lastError !== undefined,
      `the payment of table ${table} applied or refused`,
    );
    expect({ status: settled.status, error: settled.lastError }).toEqual({
      status: 'applied',
      error: undefined,
    });
    expect(stack.rkeeper.state.order(guid).pays).toEqual([
      expect.objectContaining({ currencyId: INVOICEBOX_CURRENCY, amount: link.amount.minor }),
    ]);
  }

  it('applies payments before and after the restart without reusing a seqNumber', async () => {
    await payTable(21);
    await payTable(22);

    await stack.restart();

    await payTable(23);
    expect(stack.rkeeper.state.requestCounts().PayOrder).toBe(3);
  });
});
