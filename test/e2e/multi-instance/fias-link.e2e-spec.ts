import { Store } from '@bridge/core';
import { FiasSimReservationSeed } from '@bridge/simulators';
import { LINK_LEASE_TTL_MS } from '../../../apps/bridge/src/sites/pos-link-leases';
import { BridgeCluster, Member } from '../../chaos/cluster';
import { waitFor } from '../../support/wait-for';
import { World, settlementOf, startWorld } from './support';

const HOTEL = 'hotel-1';
const HOLDS = 'This process holds the POS/PMS link of the site';

function holders(cluster: BridgeCluster): Member[] {
  return cluster.alive().filter((m) => m.process?.output.join('').includes(HOLDS));
}

/**
 * FIAS takes one client per hotel; a second connection takes the link and drops the first. Two bridge processes
 * on one PostgreSQL must not fight over it: one holds the link (and syncs and settles the hotel), the other
 * leaves it alone until the holder dies.
 */
describe('several bridge processes on PostgreSQL: one FIAS link per hotel', () => {
  let world: World;
  let cluster: BridgeCluster;
  let store: Store;

  beforeAll(async () => {
    world = await startWorld({ fias: true });
    cluster = await BridgeCluster.start({
      processes: 2,
      databaseUrl: world.db.url,
      sandbox: world.sandbox,
      rkeeper: world.rkeeper,
      fias: world.fias,
      logLevel: 'info',
    });
    store = await world.store();
  });

  afterAll(async () => {
    await cluster?.close();
    await world?.close();
  });

  async function payFolio(seed: FiasSimReservationSeed): Promise<void> {
    const pms = world.fias;
    if (!pms) throw new Error('no FIAS simulator');
    pms.control.checkIn(seed);
    const bill = await waitFor(
      async () => {
        const found = await store.bills.findByExternalId(HOTEL, seed.reservation);
        return found?.amountDue.isPositive() ? found : undefined;
      },
      { timeoutMs: 20_000, what: `the folio of ${seed.reservation}` },
    );
    const issued = await cluster.api<{ linkId: string }>('POST', `/api/v1/bills/${bill.id}/payment-link`);
    expect(issued.status).toBe(201);
    const link = await store.links.findById(issued.body.linkId);
    world.sandbox.control.payOrder(link?.providerOrderId ?? '');
    const applied = await settlementOf(
      store,
      bill.id,
      (s) => s.status === 'applied',
      'the folio payment posted',
    );
    // Claimed by a process without the link, it would have failed once before the holder got it.
    expect(applied.attempts).toBe(1);
    const credits = pms.control.folio(seed.reservation).items.filter((item) => item.department === '9010');
    expect(credits.map((c) => c.amount)).toEqual([-bill.amountDue.minor]);
  }

  it('lets one process hold the link, and hands it over only when that process dies', async () => {
    const pms = world.fias;
    if (!pms) throw new Error('no FIAS simulator');
    const [first] = await waitFor(() => (holders(cluster).length > 0 ? holders(cluster) : undefined), {
      timeoutMs: 20_000,
      what: 'a process to hold the FIAS link',
    });
    await pms.waitForLinkState('alive', 10_000);
    // Several acquisition rounds of the other process: it never connects.
    await new Promise((resolve) => setTimeout(resolve, 6_000));
    expect(holders(cluster)).toEqual([first]);
    expect(pms.control.state().connectionsAccepted).toBe(1);

    await payFolio({
      reservation: '61001',
      room: '6101',
      guestName: 'First, Mr.',
      items: [{ department: '100', description: 'Room night', amount: 480_000 }],
    });

    await cluster.kill(first.index);
    const killedAt = Date.now();
    const [second] = await waitFor(() => (holders(cluster).length > 0 ? holders(cluster) : undefined), {
      timeoutMs: LINK_LEASE_TTL_MS + 10_000,
      intervalMs: 200,
      what: 'the other process to take the FIAS link over',
    });
    expect(second.index).not.toBe(first.index);
    expect(Date.now() - killedAt).toBeLessThan(LINK_LEASE_TTL_MS + 5_000);
    await pms.waitForLinkState('alive', 10_000);
    expect(pms.control.state().connectionsAccepted).toBe(2);

    await payFolio({
      reservation: '61002',
      room: '6102',
      guestName: 'Second, Ms.',
      items: [{ department: '100', description: 'Room night', amount: 350_000 }],
    });
    expect(pms.control.state().connectionsAccepted).toBe(2);
  });
});
