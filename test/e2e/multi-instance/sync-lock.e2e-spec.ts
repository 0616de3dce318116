import { BridgeCluster } from '../../chaos/cluster';
import { waitFor } from '../../support/wait-for';
import { TimedCall, World, startTimingFront, startWorld } from './support';

/**
 * Two bridge processes on one PostgreSQL, each with its own timed front to r_keeper. Every GetOrderList (one per
 * sync) is made slow, so two syncs of the site at once would overlap at the fronts: the job lock must make the
 * second process wait its turn or skip.
 */
describe('several bridge processes on PostgreSQL: one sync of a site at a time', () => {
  let world: World;
  let cluster: BridgeCluster | undefined;
  const fronts: Array<Awaited<ReturnType<typeof startTimingFront>>> = [];

  beforeAll(async () => {
    world = await startWorld();
    fronts.push(await startTimingFront(world.rkeeper), await startTimingFront(world.rkeeper));
  });

  afterAll(async () => {
    await cluster?.close();
    await Promise.all(fronts.map((f) => f.close()));
    await world?.close();
  });

  it('never runs the site sync in two processes at the same time; both take turns', async () => {
    // Syncs of 0.6-1.5 s against ticks every 2 and 3 s: without the lock they would overlap often.
    for (let i = 0; i < 400; i++)
      world.rkeeper.control.stallNext({ cmd: 'GetOrderList', ms: 600 + ((i * 373) % 900), count: 1 });
    cluster = await BridgeCluster.start({
      processes: 2,
      databaseUrl: world.db.url,
      sandbox: world.sandbox,
      rkeeper: world.rkeeper,
      rkeeperUrlFor: (index) => fronts[index].url,
      // 2 s and 3 s: the two timers keep changing phase, so each process sometimes finds the site free.
      syncIntervalSeconds: (index) => 2 + index,
      rkeeperTimeoutMs: 3_000,
      settlement: { leaseMs: 10_000 },
    });
    const startedAt = Date.now();
    const lists = (index: number): TimedCall[] =>
      fronts[index].calls.filter((c) => c.cmd === 'GetOrderList' && c.start >= startedAt && c.end > 0);
    await waitFor(() => lists(0).length >= 3 && lists(1).length >= 3, {
      // The slower process often finds the site busy and waits a whole tick: ~20 s alone, more on a busy CI.
      timeoutMs: 90_000,
      intervalMs: 250,
      what: 'both processes to have synced the site several times',
    });

    const overlaps = lists(0).flatMap((a) =>
      lists(1)
        .filter((b) => a.start < b.end && b.start < a.end)
        .map((b) => ({ first: a, second: b })),
    );
    expect(overlaps).toEqual([]);
  }, 150_000);
});
