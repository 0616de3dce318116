import { Stack, startStack } from '../../support/stack';
import { waitFor } from '../../support/wait-for';
import { SITE, billWhen, openOrder } from './support';

function notify(stack: Stack, siteId: string, body: string): Promise<Response> {
  return fetch(`${stack.bridgeUrl}/webhooks/rkeeper/${siteId}`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/xml; charset=utf-8' },
    body,
  });
}

function orderChanged(guid: string, version: number): string {
  return `<?xml version="1.0" encoding="utf-8"?>
<a RestCode="199990777" DateTime="2026-01-01T12:00:00" Situation="3" seqnumber="1" guid="{9ECCB1B5-97EE-4B88-9840-8568F05586D0}" name="OrderChanged">
  <Order guid="${guid}" visit="1" orderIdent="256" version="${version}"/>
</a>`;
}

describe('r_keeper order-change notifications', () => {
  let stack: Stack;

  beforeAll(async () => {
    stack = await startStack({ scheduler: false });
  });

  afterAll(() => stack?.close());

  it("re-reads the order a notification names, without waiting for the list (the simulator's own notify)", async () => {
    const guid = openOrder(stack, 15);
    const bill = await billWhen(stack, guid, (b) => b.status === 'open', 'the order read after the hint');
    expect(bill.externalVersion).toBe(String(stack.rkeeper.state.order(guid).version));
    expect(stack.rkeeper.state.requestCounts().GetOrderList).toBeUndefined();

    stack.rkeeper.control.addDish(guid, { code: 601 });
    const changed = stack.rkeeper.state.order(guid);
    await billWhen(stack, guid, (b) => b.total.minor === changed.orderSum, 'the change read after the hint');
  });

  it('answers a notification it can read at once, and reads the order named in it', async () => {
    const guid = openOrder(stack, 16);
    await billWhen(stack, guid, () => true, 'the order known');
    await waitFor(() => stack.rkeeper.state.notifications()?.pending === 0, {
      what: 'the notify queue drained',
    });
    const before = stack.rkeeper.state.requestCounts().GetOrder ?? 0;
    const response = await notify(stack, SITE, orderChanged(guid.toLowerCase(), 99));
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ accepted: 1 });
    await waitFor(() => (stack.rkeeper.state.requestCounts().GetOrder ?? 0) > before, {
      what: 'the GetOrder',
    });
  });

  it('refuses an unknown site with 404 and a body it cannot read with 400, and reads nothing', async () => {
    const guid = openOrder(stack, 17);
    await waitFor(() => stack.rkeeper.state.notifications()?.pending === 0, {
      what: 'the notify queue drained',
    });
    const version = String(stack.rkeeper.state.order(guid).version);
    const bill = await billWhen(stack, guid, (b) => b.externalVersion === version, 'the order read');
    const counts = stack.rkeeper.state.requestCounts();

    expect((await notify(stack, 'no-such-site', orderChanged(guid, 5))).status).toBe(404);
    expect((await notify(stack, SITE, '<a><Order guid=')).status).toBe(400);
    expect((await notify(stack, SITE, 'not xml at all')).status).toBe(400);
    expect((await notify(stack, SITE, '')).status).toBe(400);
    expect((await notify(stack, SITE, orderChanged('../../etc/passwd', 5))).status).toBe(400);
    const started = await notify(stack, SITE, '<a Situation="1" name="Started"><Server id="1"/></a>');
    expect(started.status).toBe(200);
    expect(await started.json()).toEqual({ accepted: 0 });

    expect(stack.rkeeper.state.requestCounts()).toEqual(counts);
    expect(await stack.store.bills.findByExternalId(SITE, guid)).toEqual(bill);
  });
});
