import { Store } from '@bridge/core';
import { BridgeCluster, INVOICEBOX_CURRENCY, pidOfOwner } from '../../chaos/cluster';
import { waitFor } from '../../support/wait-for';
import { World, settlementOf, startWorld } from './support';

const LEASE_MS = 5_000;
/** The sweep runs every half lease (scheduler/reconcile.job.ts). */
const SWEEP_MS = LEASE_MS / 2;

/**
 * Two bridge processes on one PostgreSQL. The one that claimed a settlement dies (SIGKILL) while its PayOrder
 * hangs at r_keeper; the other must apply the payment, exactly once, once the dead one's lease has run out.
 */
describe('several bridge processes on PostgreSQL: a dead process’s settlement', () => {
  let world: World;
  let cluster: BridgeCluster;
  let store: Store;

  beforeAll(async () => {
    world = await startWorld();
    cluster = await BridgeCluster.start({
      processes: 2,
      databaseUrl: world.db.url,
      sandbox: world.sandbox,
      rkeeper: world.rkeeper,
      settlement: { leaseMs: LEASE_MS },
      rkeeperTimeoutMs: 2_000,
    });
    store = await world.store();
  });

  afterAll(async () => {
    await cluster?.close();
    await world?.close();
  });

  it.each([
    ['the PayOrder never reached r_keeper', false],
    ['r_keeper applied the PayOrder but the answer died with the process', true],
  ])('is applied by the other process within the lease time when %s', async (_case, appliedBeforeCrash) => {
    const { rkeeper, sandbox } = world;
    const guid = rkeeper.control.openOrder({ tableCode: 7, dishes: [{ code: 101 }, { code: 601 }] }).guid;
    const bill = await waitFor(() => store.bills.findByExternalId('cafe-1', guid), {
      timeoutMs: 20_000,
      what: 'a bridge to see the order',
    });
    const issued = await cluster.api<{ linkId: string }>('POST', `/api/v1/bills/${bill.id}/payment-link`);
    expect(issued.status).toBe(201);
    const link = await store.links.findById(issued.body.linkId);

    rkeeper.control.stallNext({ cmd: 'PayOrder', ms: 60_000, applyWrite: appliedBeforeCrash });
    const payOrdersBefore = rkeeper.state.requestCounts().PayOrder ?? 0;
    sandbox.control.payOrder(link?.providerOrderId ?? '');
    await waitFor(() => (rkeeper.state.requestCounts().PayOrder ?? 0) > payOrdersBefore, {
      timeoutMs: 20_000,
      intervalMs: 20,
      what: 'the PayOrder to be sent',
    });
    const claimed = await settlementOf(
      store,
      bill.id,
      (s) => s.status === 'in_flight',
      'the claimed settlement',
    );
    const holder = cluster.memberOfPid(pidOfOwner(claimed.leaseOwner) ?? -1);
    if (!holder) throw new Error(`no bridge process has the pid of lease owner ${claimed.leaseOwner}`);

    await cluster.kill(holder.index);
    const killedAt = Date.now();
    const applied = await settlementOf(
      store,
      bill.id,
      (s) => s.status === 'applied',
      'the settlement applied',
    );
    const tookMs = Date.now() - killedAt;

    expect(applied.attempts).toBe(2);
    expect(tookMs).toBeLessThan(LEASE_MS + SWEEP_MS + 3_000);
    const events = await store.events.listByBill(bill.id);
    expect(events.find((e) => e.type === 'settlement.lease_expired')?.data.owner).toBe(claimed.leaseOwner);
    expect(events.find((e) => e.type === 'settlement.read_back')?.data.result).toBe(
      appliedBeforeCrash ? 'found' : 'not_found',
    );
    const pays = rkeeper.state
      .order(guid)
      .pays.filter((p) => !p.deleted && p.currencyId === INVOICEBOX_CURRENCY);
    expect(pays).toHaveLength(1);
    expect(pays[0].amount).toBe(link?.amount.minor);

    await cluster.startMember(holder.index);
  });
});
