import { decodeEscPos } from '@bridge/receipts';
import { Stack, startStack } from '../../support/stack';
import { waitFor } from '../../support/wait-for';
import { SITE, billWhen, openOrder } from './support';

describe('r_keeper: the QR goes out when the pre-check is printed', () => {
  let stack: Stack;

  beforeAll(async () => {
    stack = await startStack({
      printer: true,
      rkeeperSiteExtra: ['      issueLinkOnPrecheck: true', '      linkOrderField: QrLink'].join('\n'),
    });
  });

  afterAll(() => stack?.close());

  it('issues the link at once, writes its URL into the order field and prints a slip whose QR is that URL', async () => {
    const printer = stack.printer;
    if (!printer) throw new Error('the stack has no printer');
    const guid = openOrder(stack, 7);
    const bill = await billWhen(
      stack,
      guid,
      (b) => b.status === 'open',
      'the order at table 7 in the bridge',
    );
    expect(await stack.store.links.findLiveByBill(bill.id)).toBeNull();

    stack.rkeeper.control.printPrecheck(guid);
    const job = await printer.waitForJob(10_000);
    const link = await stack.store.links.findLiveByBill(bill.id);
    if (!link?.paymentUrl) throw new Error('no live link after the pre-check');
    const decoded = decodeEscPos(job.raw);
    expect(decoded.qrCodes.map((qr) => qr.payload)).toEqual([link.paymentUrl]);
    expect(link.amount.minor).toBe(stack.rkeeper.state.order(guid).unpaidSum);

    await waitFor(() => stack.rkeeper.state.order(guid).externalProps.QrLink === link.paymentUrl, {
      what: 'the URL in the order field',
    });
    const written = stack.rkeeper.state.order(guid);
    await billWhen(
      stack,
      guid,
      (b) => b.externalVersion === String(written.version),
      'the bridge reading its own write',
    );

    const after = await stack.store.links.listByBill(bill.id);
    expect(after.map((l) => [l.id, l.status])).toEqual([[link.id, 'active']]);
    expect(stack.sandbox.order(link.providerOrderId ?? '')?.status).toBe('created');
    expect(printer.jobs()).toHaveLength(1);
    const events = await stack.store.events.listByBill(bill.id);
    expect(events.filter((e) => e.type === 'precheck.link_published')).toEqual([
      expect.objectContaining({
        linkId: link.id,
        data: expect.objectContaining({ written: true, printed: true }),
      }),
    ]);
    expect(events.some((e) => e.type === 'link.superseded')).toBe(false);
  });

  it('a dish added after the QR was printed cancels the link at Invoicebox; the next pre-check brings a new one', async () => {
    const printer = stack.printer;
    if (!printer) throw new Error('the stack has no printer');
    printer.clear();
    const guid = openOrder(stack, 8, [102, 201]);
    const bill = await billWhen(
      stack,
      guid,
      (b) => b.status === 'open',
      'the order at table 8 in the bridge',
    );
    stack.rkeeper.control.printPrecheck(guid);
    const first = decodeEscPos((await printer.waitForJob(10_000)).raw).qrCodes[0]?.payload;
    const old = await waitFor(
      async () => (await stack.store.links.listByBill(bill.id)).find((l) => l.paymentUrl === first),
      {
        what: 'the first link',
      },
    );

    stack.rkeeper.control.addDish(guid, { code: 503 });
    await waitFor(() => stack.sandbox.order(old.providerOrderId ?? '')?.status === 'canceled', {
      what: 'the old link canceled at Invoicebox',
    });
    expect(stack.rkeeper.state.order(guid).bill).toBe(false);

    stack.rkeeper.control.printPrecheck(guid);
    const second = decodeEscPos((await printer.waitForJob(10_000)).raw).qrCodes[0]?.payload;
    const fresh = await stack.store.links.findLiveByBill(bill.id);
    expect(fresh?.paymentUrl).toBe(second);
    expect(second).not.toBe(first);
    expect(fresh?.amount.minor).toBe(stack.rkeeper.state.order(guid).unpaidSum);
    expect(fresh?.amount.minor).toBeGreaterThan(old.amount.minor);
    await waitFor(() => stack.rkeeper.state.order(guid).externalProps.QrLink === second, {
      what: 'the new URL in the order field',
    });
    expect(await stack.store.bills.findByExternalId(SITE, guid)).toMatchObject({ status: 'open' });
  });
});
