import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  BillChangeHint,
  BillSnapshot,
  Money,
  PosRejectedError,
  UpstreamOutcomeUnknownError,
} from '@bridge/core';
import { describePosAdapterContract } from '@bridge/testing';
import { FiasSimulator, FiasSimulatorOptions, startFiasSimulator } from '../../../apps/simulators/src/fias';
import { waitFor } from '../../../test/support/wait-for';
import { fieldValue } from './fias.codec';
import {
  CreateFiasPmsAdapterOptions,
  FiasPaymentPostingOptions,
  FiasPmsAdapter,
  createFiasPmsAdapter,
} from './fias.pms-adapter';
import {
  FiasPostingNumberStore,
  FileFiasPostingNumberStore,
  InMemoryFiasPostingNumberStore,
} from './fias.posting-number';

const rub = (minor: number): Money => Money.of(minor, 'RUB');

interface Running {
  sim: FiasSimulator;
  adapter: FiasPmsAdapter;
  hints: BillChangeHint[];
}

const running: Running[] = [];

async function start(
  options: {
    sim?: FiasSimulatorOptions;
    posting?: Partial<FiasPaymentPostingOptions>;
    adapter?: Partial<CreateFiasPmsAdapterOptions>;
    postingNumbers?: FiasPostingNumberStore;
    simulator?: FiasSimulator;
  } = {},
): Promise<Running> {
  const sim = options.simulator ?? (await startFiasSimulator({ checkoutDelayMs: 20, ...options.sim }));
  const adapter = createFiasPmsAdapter(
    {
      siteId: 'hotel-int',
      currency: 'RUB',
      language: 'en',
      posting: {
        workstation: 'BRIDGE1',
        salesOutlet: '10',
        paymentMethod: 'IBOX',
        amountSign: 'positive',
        transactionCode: '9010',
        ...options.posting,
      },
      nightAuditRetryMs: 250,
      link: {
        host: sim.host,
        port: sim.port,
        answerTimeoutMs: 1000,
        postingTimeoutMs: 1000,
        awaitAliveMs: 3000,
        linkEndWaitMs: 300,
        reconnect: { initialDelayMs: 20, maxDelayMs: 100 },
      },
      ...options.adapter,
    },
    { postingNumbers: options.postingNumbers ?? new InMemoryFiasPostingNumberStore() },
  );
  const hints: BillChangeHint[] = [];
  adapter.onBillChanged((hint) => hints.push(hint));
  const entry = { sim, adapter, hints };
  running.push(entry);
  await adapter.start();
  await waitFor(() => adapter.listOpenBills().then(() => true), { what: 'the FIAS guest list' });
  return entry;
}

async function stopAll(): Promise<void> {
  for (const { adapter, sim } of running.splice(0)) {
    await adapter.stop();
    await sim.close();
  }
}

afterEach(stopAll);

async function listed(adapter: FiasPmsAdapter): Promise<string[]> {
  return (await adapter.listOpenBills()).map((b) => b.externalId);
}

async function read(adapter: FiasPmsAdapter, externalId: string): Promise<BillSnapshot> {
  const bill = await adapter.getBill({ externalId, attributes: {} });
  if (!bill) throw new Error(`no folio for ${externalId}`);
  return bill;
}

let nextReservation = 70_000;

describePosAdapterContract('FiasPmsAdapter against the FIAS simulator over TCP', async () => {
  const { sim, adapter } = await start();
  return {
    adapter,
    currency: 'RUB',
    async openBill() {
      const reservation = String(nextReservation++);
      sim.control.checkIn({
        reservation,
        room: String(3000 + (nextReservation % 900)),
        guestName: 'Contract, Ms.',
        items: [
          { department: '100', description: 'Room night', amount: 450_000 },
          { department: '420', description: 'Minibar', amount: 12_350 },
        ],
      });
      await waitFor(async () => (await listed(adapter)).includes(reservation), { what: 'GI seen' });
      return reservation;
    },
    async changeBill(externalId) {
      sim.control.addFolioItem(externalId, { department: '200', description: 'Restaurant', amount: 2_500 });
    },
    async closeAtPos(externalId) {
      const { balance } = sim.control.folio(externalId);
      sim.control.addFolioItem(externalId, { department: '9000', description: 'Cash', amount: -balance });
      sim.control.checkOut(externalId);
      await waitFor(async () => !(await listed(adapter)).includes(externalId), { what: 'GO seen' });
    },
    async dispose() {
      await stopAll();
    },
  };
});

describe('FiasPmsAdapter against the FIAS simulator over TCP', () => {
  it('loads the in-house guests with a DR resync and reads the reference folio of room 2781', async () => {
    const { sim, adapter } = await start();
    expect(sim.received('DR')).toHaveLength(1);
    expect((await listed(adapter)).sort()).toEqual(['12345', '12381', '12875', '13001', '13100']);
    const folio = await read(adapter, '12345');
    expect(folio).toMatchObject({
      kind: 'room_folio',
      label: 'Room 2781 — Guest, Mr.',
      roomNumber: '2781',
      guestName: 'Guest, Mr.',
      status: 'open',
      attributes: { room: '2781', reservation: '12345' },
    });
    expect(folio.lines.map((l) => [l.sku, l.name, l.total.minor])).toEqual([
      ['327', 'Telephone', 350],
      ['100', 'Room night', 12_000],
      ['420', 'Minibar', 1_500],
    ]);
    expect(folio.amountDue).toEqual(rub(13_850));
    const garibaldi = await read(adapter, '12875');
    expect(garibaldi.paid).toEqual(rub(300_000));
    expect(garibaldi.amountDue.minor).toBe(garibaldi.total.minor - 300_000);
  });

  it('posts a payment as the configured PR posting: PM, SO, positive TA = S1, a fresh P# after the inquiry', async () => {
    const { sim, adapter } = await start();
    const before = await read(adapter, '12875');
    const applied = await adapter.applyPayment({
      bill: { externalId: '12875', attributes: before.attributes },
      expectedVersion: before.externalVersion,
      paymentId: 'p-1',
      providerOrderId: 'o-1',
      amount: rub(100_000),
      mode: 'prepayment',
    });
    const [inquiry, posting] = sim.received('PR');
    expect(fieldValue(inquiry, 'PI')).toBe('2782');
    expect(fieldValue(posting, 'G#')).toBe('12875');
    expect(fieldValue(posting, 'PM')).toBe('IBOX');
    expect(fieldValue(posting, 'SO')).toBe('10');
    expect(fieldValue(posting, 'TA')).toBe('100000');
    expect(fieldValue(posting, 'S1')).toBe('100000');
    expect(Number(fieldValue(posting, 'P#'))).toBeGreaterThan(Number(fieldValue(inquiry, 'P#')));
    expect(applied.externalRef).toMatch(new RegExp(`^P#${fieldValue(posting, 'P#')}@\\d{12}:100000$`));
    expect(sim.control.folio('12875').balance).toBe(before.amountDue.minor - 100_000);
    const after = await read(adapter, '12875');
    expect(after.externalVersion).not.toBe(before.externalVersion);
    expect(after.paid).toEqual(before.paid.add(rub(100_000)));
  });

  it('signs TA negative when configured so: a hotel that maps the outlet to a charge code', async () => {
    const { sim, adapter } = await start({
      posting: { paymentMethod: 'ROOM', amountSign: 'negative', transactionCode: undefined },
    });
    const before = sim.control.folio('12345').balance;
    await adapter.applyPayment({
      bill: { externalId: '12345', attributes: { room: '2781' } },
      expectedVersion: 'v',
      paymentId: 'p-neg',
      providerOrderId: 'o-neg',
      amount: rub(3_850),
      mode: 'prepayment',
    });
    const posting = sim.received('PR')[1];
    expect([fieldValue(posting, 'TA'), fieldValue(posting, 'S1')]).toEqual(['-3850', '-3850']);
    expect(sim.control.folio('12345').balance).toBe(before - 3_850);
  });

  it('refuses to post more than the balance, before anything is sent', async () => {
    const { sim, adapter } = await start();
    const bill = await read(adapter, '12345');
    for (const mode of ['close', 'prepayment'] as const) {
      await expect(
        adapter.applyPayment({
          bill: { externalId: '12345', attributes: bill.attributes },
          expectedVersion: bill.externalVersion,
          paymentId: `p-${mode}`,
          providerOrderId: `o-${mode}`,
          amount: bill.amountDue.add(rub(1)),
          mode,
        }),
      ).rejects.toMatchObject({ reason: 'amount_mismatch' });
    }
    expect(sim.received('PR')).toHaveLength(0);
  });

  it('maps the answers: NP no_post, NG after checkout, NA night audit with a retry delay', async () => {
    const { sim, adapter } = await start();
    const pay = (externalId: string, room: string) =>
      adapter.applyPayment({
        bill: { externalId, attributes: { room } },
        expectedVersion: 'v',
        paymentId: `p-${externalId}`,
        providerOrderId: `o-${externalId}`,
        amount: rub(100),
        mode: 'prepayment',
      });
    await expect(pay('13001', '1204')).rejects.toMatchObject({ reason: 'no_post', retryable: false });

    sim.control.startNightAudit();
    const nightAudit = await pay('12875', '2782').catch((error: unknown) => error);
    expect(nightAudit).toBeInstanceOf(PosRejectedError);
    expect(nightAudit).toMatchObject({
      reason: 'night_audit',
      vendorCode: 'NA',
      retryable: true,
      retryAfterMs: 250,
    });
    expect((await adapter.checkHealth()).detail).toContain('night audit');
    sim.control.endNightAudit();
    await waitFor(async () => !(await adapter.checkHealth()).detail.includes('night audit'));
    await expect(pay('12875', '2782')).resolves.toMatchObject({ amount: rub(100) });

    sim.control.checkOutAfterNextInquiry();
    await expect(pay('13100', '1010')).rejects.toMatchObject({ reason: 'guest_not_found', vendorCode: 'NG' });
    expect(sim.control.folio('13100').balance).toBe(450_000);
  });

  it('after the link drops mid-posting, reads the folio back once relinked: found when the PMS applied it', async () => {
    const { sim, adapter } = await start();
    const bill = await read(adapter, '12875');
    const sentAt = new Date();
    sim.control.dropOnNextPosting({ applyFirst: true });
    const command = {
      bill: { externalId: '12875', attributes: bill.attributes },
      expectedVersion: bill.externalVersion,
      paymentId: 'p-drop',
      providerOrderId: 'o-drop',
      amount: rub(50_000),
      mode: 'prepayment' as const,
    };
    await expect(adapter.applyPayment(command)).rejects.toBeInstanceOf(UpstreamOutcomeUnknownError);
    const query = { ...command, bill: command.bill, sentAt, excludeExternalRefs: [] };
    const lookup = await waitFor(() => adapter.findAppliedPayment(query).catch(() => undefined), {
      what: 'a read-back over the new link',
    });
    expect(lookup).toMatchObject({ status: 'found', payment: { amount: rub(50_000) } });
    expect(sim.control.state().connectionsAccepted).toBe(2);
    expect(sim.control.folio('12875').items.filter((i) => i.amount === -50_000)).toHaveLength(1);
    const ref = lookup.status === 'found' ? lookup.payment.externalRef : '';
    expect(await adapter.findAppliedPayment({ ...query, excludeExternalRefs: [ref] })).toEqual({
      status: 'not_found',
    });
  });

  it('after the link drops before the PMS applied the posting, the read-back says not found', async () => {
    const { sim, adapter } = await start();
    const bill = await read(adapter, '12875');
    sim.control.dropOnNextPosting({ applyFirst: false });
    const command = {
      bill: { externalId: '12875', attributes: bill.attributes },
      expectedVersion: bill.externalVersion,
      paymentId: 'p-lost',
      providerOrderId: 'o-lost',
      amount: rub(50_000),
      mode: 'prepayment' as const,
    };
    await expect(adapter.applyPayment(command)).rejects.toBeInstanceOf(UpstreamOutcomeUnknownError);
    const lookup = await waitFor(
      () =>
        adapter
          .findAppliedPayment({ ...command, sentAt: new Date(Date.now() - 5_000), excludeExternalRefs: [] })
          .catch(() => undefined),
      { what: 'a read-back over the new link' },
    );
    expect(lookup).toEqual({ status: 'not_found' });
  });

  it('cannot tell which credit is ours when two of the same amount were posted: undeterminable', async () => {
    const { sim, adapter } = await start();
    sim.control.addFolioItem('12875', { department: '9010', description: 'Online payment', amount: -7_000 });
    sim.control.addFolioItem('12875', { department: '9010', description: 'Online payment', amount: -7_000 });
    const lookup = await adapter.findAppliedPayment({
      bill: { externalId: '12875', attributes: { room: '2782' } },
      paymentId: 'p-x',
      amount: rub(7_000),
      mode: 'prepayment',
      sentAt: new Date(),
      excludeExternalRefs: [],
    });
    expect(lookup.status).toBe('undeterminable');
  });

  it('answers undeterminable when the folio can no longer be read (bill view off)', async () => {
    const { sim, adapter } = await start();
    sim.control.setBillView(false);
    expect(
      await adapter.findAppliedPayment({
        bill: { externalId: '12875', attributes: { room: '2782' } },
        paymentId: 'p-y',
        amount: rub(7_000),
        mode: 'prepayment',
        sentAt: new Date(),
        excludeExternalRefs: [],
      }),
    ).toMatchObject({ status: 'undeterminable' });
    expect(await adapter.getBill({ externalId: '12875', attributes: {} })).toBeNull();
  });

  it('hints on GI, GC and GO; a folio read before checkout comes back closed after it', async () => {
    const { sim, adapter, hints } = await start();
    sim.control.checkIn({
      reservation: '88001',
      room: '0707',
      guestName: 'Hint, Mr.',
      items: [{ department: '100', description: 'Room night', amount: 1000 }],
    });
    await waitFor(() => hints.some((h) => h.externalId === '88001'));
    await read(adapter, '88001');
    sim.control.moveRoom('88001', '0708');
    await waitFor(
      async () => (await adapter.getBill({ externalId: '88001', attributes: {} }))?.roomNumber === '0708',
    );
    sim.control.checkOut('88001');
    await waitFor(async () => !(await listed(adapter)).includes('88001'));
    expect(hints.filter((h) => h.externalId === '88001').map((h) => h.reason)).toEqual([
      'FIAS GI check-in',
      'FIAS GC guest change',
      'FIAS GO check-out',
    ]);
    expect(await adapter.getBill({ externalId: '88001', attributes: {} })).toMatchObject({
      status: 'closed',
      roomNumber: '0708',
    });
  });

  it('relinks after the PMS drops the socket and reloads the guest list; reports health from the link', async () => {
    const { sim, adapter } = await start();
    expect(await adapter.checkHealth()).toMatchObject({ ok: true });
    sim.control.dropConnection();
    await waitFor(() => sim.control.state().connectionsAccepted === 2 && sim.received('DR').length === 2);
    await waitFor(async () => (await adapter.checkHealth()).ok);
    expect((await listed(adapter)).sort()).toEqual(['12345', '12381', '12875', '13001', '13100']);
  });

  it('ends the link with LE on stop', async () => {
    const { sim, adapter } = await start();
    await adapter.stop();
    expect(sim.received('LE')).toHaveLength(1);
    expect((await adapter.checkHealth()).ok).toBe(false);
  });

  it('never reuses a P# across a restart with the file store', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'fias-pn-')), 'posting-numbers.json');
    const sim = await startFiasSimulator({});
    const pay = async (adapter: FiasPmsAdapter, paymentId: string) =>
      adapter.applyPayment({
        bill: { externalId: '12875', attributes: { room: '2782' } },
        expectedVersion: 'v',
        paymentId,
        providerOrderId: paymentId,
        amount: rub(100),
        mode: 'prepayment',
      });
    const first = await start({ simulator: sim, postingNumbers: new FileFiasPostingNumberStore(file) });
    await pay(first.adapter, 'p-a');
    await first.adapter.stop();
    running.splice(running.indexOf(first), 1);
    const second = await start({ simulator: sim, postingNumbers: new FileFiasPostingNumberStore(file) });
    await pay(second.adapter, 'p-b');
    const numbers = sim.received('PR').map((r) => Number(fieldValue(r, 'P#')));
    expect(numbers).toHaveLength(4);
    expect(new Set(numbers).size).toBe(4);
  });
});
