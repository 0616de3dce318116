import { Clock } from '@bridge/core';
import { DataSource } from 'typeorm';
import { T0 } from '../testing/fixtures';
import { countRows, openDataSource, openMigrated } from '../testing/harness';
import { TEST_DRIVERS, TestDatabase, createTestDatabase } from '../testing/test-database';
import { TypeormJobLock } from './typeorm-job-lock';

class ManualClock extends Clock {
  private time = T0.getTime();

  now(): Date {
    return new Date(this.time);
  }

  advance(ms: number): void {
    this.time += ms;
  }
}

function gate(): { opened: Promise<void>; open: () => void } {
  let open!: () => void;
  const opened = new Promise<void>((resolve) => {
    open = resolve;
  });
  return { opened, open };
}

// Two DataSources stand for two bridge processes sharing one database.
describe.each(TEST_DRIVERS)('TypeormJobLock on %s', (driver) => {
  let db: TestDatabase;
  let first: DataSource;
  let second: DataSource;
  let clock: ManualClock;

  beforeAll(async () => {
    db = await createTestDatabase('persistence_test', { driver });
    first = await openMigrated(db);
    second = await openDataSource(db);
  });

  afterAll(async () => {
    await second?.destroy();
    await first?.destroy();
    await db?.drop();
  });

  beforeEach(async () => {
    clock = new ManualClock();
    await first.query('DELETE FROM "job_leases"');
  });

  it('runs the work and returns its result, then frees the key', async () => {
    const sut = new TypeormJobLock(first, clock);

    expect(await sut.tryRun('sync:cafe-1', 60_000, async () => 42)).toEqual({ ran: true, result: 42 });
    expect(await countRows(first, 'job_leases')).toBe(0);
  });

  it('does not run a key another process holds, and runs it once released', async () => {
    const one = new TypeormJobLock(first, clock);
    const two = new TypeormJobLock(second, clock);
    const holding = gate();
    const started = gate();
    const work = jest.fn(async () => 'second');

    const running = one.tryRun('reconcile:cafe-1', 60_000, async () => {
      started.open();
      await holding.opened;
      return 'first';
    });
    await started.opened;
    const refused = await two.tryRun('reconcile:cafe-1', 60_000, work);
    const otherKey = await two.tryRun('reconcile:cafe-2', 60_000, async () => 'other');
    holding.open();

    expect(refused).toEqual({ ran: false });
    expect(work).not.toHaveBeenCalled();
    expect(otherKey).toEqual({ ran: true, result: 'other' });
    expect(await running).toEqual({ ran: true, result: 'first' });
    expect(await two.tryRun('reconcile:cafe-1', 60_000, work)).toEqual({ ran: true, result: 'second' });
  });

  it('takes over a lease that expired, and the late holder does not free the new one', async () => {
    const one = new TypeormJobLock(first, clock);
    const two = new TypeormJobLock(second, clock);
    const hungFirst = gate();
    const hungSecond = gate();
    const started = gate();
    const secondStarted = gate();

    const dead = one.tryRun('sync:cafe-1', 1_000, async () => {
      started.open();
      await hungFirst.opened;
    });
    await started.opened;
    clock.advance(999);
    expect(await two.tryRun('sync:cafe-1', 1_000, async () => 'too early')).toEqual({ ran: false });

    clock.advance(1);
    const takeover = two.tryRun('sync:cafe-1', 1_000, async () => {
      secondStarted.open();
      await hungSecond.opened;
      return 'taken over';
    });
    await secondStarted.opened;
    hungFirst.open();
    await dead;
    const whileSecondHolds = await one.tryRun('sync:cafe-1', 1_000, async () => 'must not run');
    hungSecond.open();

    expect(whileSecondHolds).toEqual({ ran: false });
    expect(await takeover).toEqual({ ran: true, result: 'taken over' });
    expect(await countRows(first, 'job_leases')).toBe(0);
  });

  it('renews the lease while the work runs longer than its ttl, and signals the holder when it is lost', async () => {
    const one = new TypeormJobLock(first);
    const two = new TypeormJobLock(second);
    const finish = gate();
    let signal: AbortSignal | undefined;

    const long = one.tryRun('sync:cafe-1', 300, async (lost) => {
      signal = lost;
      await finish.opened;
      return 'kept';
    });
    await new Promise((resolve) => setTimeout(resolve, 900));
    const meanwhile = await two.tryRun('sync:cafe-1', 300, async () => 'stolen');
    expect(meanwhile).toEqual({ ran: false });
    expect(signal?.aborted).toBe(false);

    await first.query(`UPDATE "job_leases" SET "owner" = 'someone-else'`);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(signal?.aborted).toBe(true);
    finish.open();
    expect(await long).toEqual({ ran: true, result: 'kept' });
  });

  it('frees the key when the work throws', async () => {
    const sut = new TypeormJobLock(first, clock);

    await expect(
      sut.tryRun('sync:cafe-1', 60_000, async () => {
        throw new Error('POS unreachable');
      }),
    ).rejects.toThrow('POS unreachable');
    expect(await sut.tryRun('sync:cafe-1', 60_000, async () => 'again')).toEqual({
      ran: true,
      result: 'again',
    });
  });

  it('lets only one of many concurrent callers in', async () => {
    const locks = [first, second, first, second, first, second].map(
      (source) => new TypeormJobLock(source, clock),
    );
    const holding = gate();
    let inside = 0;
    let most = 0;

    let turnedAway = 0;
    const runs = locks.map(async (lock) => {
      const run = await lock.tryRun('daily-report', 60_000, async () => {
        inside += 1;
        most = Math.max(most, inside);
        await holding.opened;
        inside -= 1;
      });
      if (!run.ran) turnedAway += 1;
      return run;
    });
    // The holder keeps the key until every other caller has been answered (or two got in, and time runs out).
    for (let waited = 0; turnedAway < locks.length - 1 && most < 2 && waited < 10_000; waited += 10) {
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    holding.open();
    const results = await Promise.all(runs);

    expect(results.filter((r) => r.ran)).toHaveLength(1);
    expect(most).toBe(1);
  });
});
