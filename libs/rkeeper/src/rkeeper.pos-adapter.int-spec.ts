import {
  ApplyPaymentCommand,
  BillRef,
  BillSnapshot,
  Money,
  PosRejectedError,
  UpstreamAuthError,
  UpstreamOutcomeUnknownError,
  UpstreamProtocolError,
  UpstreamTlsError,
  billFingerprint,
} from '@bridge/core';
import { describePosAdapterContract } from '@bridge/testing';
import { RkeeperSimulator, startRkeeperSimulator } from '../../../apps/simulators/src/rkeeper';
import { RKEEPER_BILL_ATTRIBUTES, orderExternalId } from './rkeeper.bill-mapper';
import { RkeeperXmlClient } from './rkeeper.client';
import { RkeeperClientConfig } from './rkeeper.config';
import { RkeeperPosAdapter } from './rkeeper.pos-adapter';

const INVOICEBOX = 1030240;
const REASON = 5;
const silent = { warn: () => undefined };

function adapterFor(sim: RkeeperSimulator, overrides: Partial<RkeeperClientConfig> = {}): RkeeperPosAdapter {
  const client = new RkeeperXmlClient(
    {
      url: sim.url,
      username: sim.username,
      password: sim.password,
      tlsFingerprint: sim.certificateFingerprint,
      cashierCode: 5,
      stationCode: 1,
      prepayReasonId: REASON,
      ...overrides,
    },
    { logger: silent },
  );
  return new RkeeperPosAdapter(client, {
    paymentCurrencyId: INVOICEBOX,
    prepayReasonId: REASON,
    stationCode: 1,
    cashierCode: 5,
    logger: silent,
  });
}

function openTable5(sim: RkeeperSimulator): string {
  const order = sim.control.openOrder({
    tableCode: 5,
    dishes: [{ code: 101 }, { code: 305, modifiers: [{ code: 8 }], discounts: [{ code: 1 }] }, { code: 601 }],
  });
  return orderExternalId(order.guid);
}

async function failure(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected a failure');
}

describePosAdapterContract('RkeeperPosAdapter against the r_keeper simulator over HTTPS', async () => {
  const sim = await startRkeeperSimulator();
  const adapter = adapterFor(sim);
  return {
    adapter,
    currency: 'RUB',
    openBill: async () => openTable5(sim),
    changeBill: async (externalId) => void sim.control.addDish(externalId, { code: 603 }),
    closeAtPos: async (externalId) => void sim.control.closeByCash(externalId),
    dispose: async () => {
      await adapter.stop();
      await sim.close();
    },
  };
});

describe('RkeeperPosAdapter against the r_keeper simulator', () => {
  let sim: RkeeperSimulator;
  let sut: RkeeperPosAdapter;
  const extra: RkeeperPosAdapter[] = [];

  const ref = (externalId: string): BillRef => ({ externalId, attributes: {} });
  const read = async (externalId: string): Promise<BillSnapshot> => {
    const bill = await sut.getBill(ref(externalId));
    if (!bill) throw new Error(`no bill ${externalId}`);
    return bill;
  };
  const command = (
    bill: BillSnapshot,
    amount: Money,
    mode: ApplyPaymentCommand['mode'],
  ): ApplyPaymentCommand => ({
    bill: { externalId: bill.externalId, attributes: bill.attributes },
    expectedVersion: bill.externalVersion,
    paymentId: `pay-${bill.externalVersion}-${amount.minor}`,
    providerOrderId: 'ib-1',
    amount,
    mode,
  });
  const other = (overrides: Partial<RkeeperClientConfig>): RkeeperPosAdapter => {
    const adapter = adapterFor(sim, overrides);
    extra.push(adapter);
    return adapter;
  };

  beforeEach(async () => {
    sim = await startRkeeperSimulator();
    sut = adapterFor(sim);
  });

  afterEach(async () => {
    await Promise.all([sut, ...extra.splice(0)].map((a) => a.stop()));
    await sim.close();
  });

  describe('reading bills', () => {
    it('folds modifiers and dish discounts into the line and spreads order discounts so lines add up to orderSum', async () => {
      const externalId = openTable5(sim);
      sim.control.addDiscount(externalId, { code: 3 });
      sim.control.addDiscount(externalId, { code: 1 });
      const order = sim.state.order(externalId);
      const bill = await read(externalId);

      expect(bill.total.minor).toBe(order.orderSum);
      expect(bill.lines.reduce((sum, l) => sum + l.total.minor, 0)).toBe(order.orderSum);
      expect(bill.amountDue.minor).toBe(order.unpaidSum);
      expect(bill.lines.map((l) => l.sku)).toEqual(['101', '305', '601']);
      expect(bill.lines[1].name).toBe('Стейк рибай (Соус перечный)');
      const steak = order.dishes[1];
      const steakNet = steak.amount + steak.modifiers[0].amount + steak.discounts[0].amount;
      expect(bill.lines[1].total.minor).toBeLessThan(steakNet);
      expect(bill.lines[1].total.minor).toBeGreaterThan(0);
      expect(bill).toMatchObject({
        externalId,
        kind: 'table_check',
        label: 'Стол 5',
        tableCode: '5',
        externalVersion: String(order.version),
        status: 'open',
        attributes: {
          guid: externalId,
          visit: String(order.visit),
          orderIdent: '256',
          tableCode: '5',
          precheck: '0',
          paymentUrl: '',
        },
      });
    });

    it('costs one GetOrderList per cycle and parses nothing while r_keeper says "No changes"', async () => {
      sim.control.generateOrders(5_000);
      const first = await sut.listOpenBills();
      expect(first).toHaveLength(5_000);
      sim.control.resetRequestCounts();
      const again = await sut.listOpenBills();
      expect(again).toBe(first);
      expect(sim.state.requestCounts()).toEqual({ GetOrderList: 1 });

      const [changed] = sim.control.changeOrders({ count: 1 });
      const after = await sut.listOpenBills();
      const summary = after.find((s) => s.externalId === orderExternalId(changed));
      expect(summary?.externalVersion).toBe(String(sim.state.order(changed).version));
    });

    it("keeps the bill's content when its own payment URL write moves the order version", async () => {
      const externalId = openTable5(sim);
      const before = await read(externalId);
      await sut.publishPaymentUrl(ref(externalId), 'https://pay.example/abc');
      const after = await read(externalId);
      expect(after.externalVersion).not.toBe(before.externalVersion);
      expect(billFingerprint(after)).toBe(billFingerprint(before));
      expect(after.attributes[RKEEPER_BILL_ATTRIBUTES.paymentUrl]).toBe('https://pay.example/abc');
      expect(sim.state.order(externalId).externalProps).toEqual({ PaymentUrl: 'https://pay.example/abc' });
    });

    it('writes the URL into the configured order field', async () => {
      const externalId = openTable5(sim);
      const adapter = other({ paymentUrlPropName: 'QrLink' });
      await adapter.publishPaymentUrl(ref(externalId), 'https://pay.example/q');
      expect(sim.state.order(externalId).externalProps).toEqual({ QrLink: 'https://pay.example/q' });
      expect((await adapter.getBill(ref(externalId)))?.attributes.paymentUrl).toBe('https://pay.example/q');
    });

    it('tells listeners once when the list shows a pre-check printed, and again after it was undone and reprinted', async () => {
      const externalId = openTable5(sim);
      const printed: string[] = [];
      sut.onPrecheckPrinted((id) => printed.push(id));
      await sut.listOpenBills();
      expect(printed).toEqual([]);
      sim.control.printPrecheck(externalId);
      await sut.listOpenBills();
      await sut.publishPaymentUrl(ref(externalId), 'https://pay.example/1');
      await sut.listOpenBills();
      expect(printed).toEqual([externalId]);
      expect((await read(externalId)).attributes.precheck).toBe('1');

      sim.control.addDish(externalId, { code: 602 });
      await sut.listOpenBills();
      expect((await read(externalId)).attributes.precheck).toBe('0');
      sim.control.printPrecheck(externalId);
      await sut.listOpenBills();
      expect(printed).toEqual([externalId, externalId]);
    });

    it('reads a bill closed at the POS as closed with nothing due', async () => {
      const externalId = openTable5(sim);
      sim.control.closeByCash(externalId);
      const bill = await read(externalId);
      expect(bill.status).toBe('closed');
      expect(bill.amountDue.isZero()).toBe(true);
      expect(bill.paid.minor).toBe(sim.state.order(externalId).orderSum);
    });
  });

  describe('applying payments', () => {
    it('closes with PayOrder in the configured currency for the amount due in kopecks', async () => {
      const externalId = openTable5(sim);
      const bill = await read(externalId);
      const applied = await sut.applyPayment(command(bill, bill.amountDue, 'close'));
      const order = sim.state.order(externalId);
      expect(order).toMatchObject({ paid: true, finished: true });
      expect(order.pays).toEqual([
        expect.objectContaining({ currencyId: INVOICEBOX, amount: bill.amountDue.minor }),
      ]);
      expect(applied).toEqual({ externalRef: order.pays[0].lineGuid, amount: bill.amountDue, mode: 'close' });
    });

    it('records a partial payment as a Prepay with the configured reason and names its line', async () => {
      const externalId = openTable5(sim);
      const bill = await read(externalId);
      const part = Money.of(10_000, 'RUB');
      const first = await sut.applyPayment(command(bill, part, 'prepayment'));
      const second = await sut.applyPayment(command(bill, part, 'prepayment'));
      const order = sim.state.order(externalId);
      expect(order.prepays).toEqual([
        expect.objectContaining({
          currencyId: INVOICEBOX,
          amount: 10_000,
          reasonId: REASON,
          lineGuid: first.externalRef,
        }),
        expect.objectContaining({
          currencyId: INVOICEBOX,
          amount: 10_000,
          reasonId: REASON,
          lineGuid: second.externalRef,
        }),
      ]);
      expect(first.externalRef).not.toBe(second.externalRef);
      expect(order).toMatchObject({ finished: false, unpaidSum: bill.amountDue.minor - 20_000 });

      const lookup = (exclude: string[]) =>
        sut.findAppliedPayment({
          bill: { externalId, attributes: {} },
          paymentId: 'p',
          amount: part,
          mode: 'prepayment',
          sentAt: new Date(),
          excludeExternalRefs: exclude,
        });
      expect(await lookup([first.externalRef])).toMatchObject({
        status: 'found',
        payment: { externalRef: second.externalRef },
      });
      expect(await lookup([first.externalRef, second.externalRef])).toEqual({ status: 'not_found' });
    });

    it('refuses while a station holds the order (retryable, with the station in the reason) and applies after unlock', async () => {
      const externalId = openTable5(sim);
      const bill = await read(externalId);
      sim.control.lock(externalId, 2);
      const refused = await failure(sut.applyPayment(command(bill, bill.amountDue, 'close')));
      expect(refused).toBeInstanceOf(PosRejectedError);
      expect(refused).toMatchObject({ reason: 'locked', retryable: true, code: 'POS.LOCKED' });
      expect((refused as Error).message).toContain('Бар');
      expect(sim.state.order(externalId).paid).toBe(false);
      sim.control.unlock(externalId);
      await sut.applyPayment(command(bill, bill.amountDue, 'close'));
      expect(sim.state.order(externalId).paid).toBe(true);
    });

    it('after a PayOrder that timed out but was applied, the read-back finds it', async () => {
      const externalId = openTable5(sim);
      const adapter = other({ writeTimeoutMs: 200 });
      const bill = await read(externalId);
      sim.control.stallNext({ cmd: 'PayOrder', ms: 600, applyWrite: true });
      const error = await failure(adapter.applyPayment(command(bill, bill.amountDue, 'close')));
      expect(error).toBeInstanceOf(UpstreamOutcomeUnknownError);
      const lookup = await adapter.findAppliedPayment({
        bill: { externalId, attributes: bill.attributes },
        paymentId: 'p',
        amount: bill.amountDue,
        mode: 'close',
        sentAt: new Date(),
        excludeExternalRefs: [],
      });
      expect(lookup).toEqual({
        status: 'found',
        payment: {
          externalRef: sim.state.order(externalId).pays[0].lineGuid,
          amount: bill.amountDue,
          mode: 'close',
        },
      });
      expect(sim.state.requestCounts().PayOrder).toBe(1);
    });

    it('finds no payment of ours on an order closed by cash, and cannot tell for an order r_keeper forgot', async () => {
      const externalId = openTable5(sim);
      const bill = await read(externalId);
      sim.control.closeByCash(externalId);
      const query = {
        paymentId: 'p',
        amount: bill.amountDue,
        mode: 'close' as const,
        sentAt: new Date(),
        excludeExternalRefs: [],
      };
      expect(await sut.findAppliedPayment({ ...query, bill: ref(externalId) })).toEqual({
        status: 'not_found',
      });
      expect(
        await sut.findAppliedPayment({ ...query, bill: ref('{00000000-0000-4000-8000-00000000beef}') }),
      ).toMatchObject({ status: 'undeterminable' });
    });

    it('refuses a payment in another currency without calling r_keeper', async () => {
      const externalId = openTable5(sim);
      const bill = await read(externalId);
      sim.control.resetRequestCounts();
      const error = await failure(
        sut.applyPayment(command(bill, Money.of(bill.amountDue.minor, 'EUR'), 'close')),
      );
      expect(error).toMatchObject({ reason: 'rejected' });
      expect(sim.state.requestCounts()).toEqual({});
    });
  });

  describe('typed failures', () => {
    it('malformed XML is an UpstreamProtocolError', async () => {
      sim.control.malformedNext({ cmd: 'GetOrderList' });
      expect(await failure(sut.listOpenBills())).toBeInstanceOf(UpstreamProtocolError);
      await expect(sut.listOpenBills()).resolves.toEqual([]);
    });

    it('wrong credentials are an UpstreamAuthError, and health says so', async () => {
      const adapter = other({ password: 'wrong' });
      expect(await failure(adapter.listOpenBills())).toBeInstanceOf(UpstreamAuthError);
      expect(await adapter.checkHealth()).toMatchObject({
        ok: false,
        detail: expect.stringContaining('UPSTREAM.AUTH'),
      });
    });

    it('a certificate that does not match the pin is an UpstreamTlsError', async () => {
      const wrongPin = sim.certificateFingerprint.replace(
        /^../,
        sim.certificateFingerprint.startsWith('00') ? '11' : '00',
      );
      const adapter = other({ tlsFingerprint: wrongPin });
      expect(await failure(adapter.getBill(ref('{00000000-0000-4000-8000-000000000001}')))).toBeInstanceOf(
        UpstreamTlsError,
      );
      expect(await adapter.checkHealth()).toMatchObject({ ok: false });
    });

    it('a non-Ok Status is a PosRejectedError with the vendor text', async () => {
      sim.control.failNext({
        cmd: 'GetOrderList',
        errorText: 'Сервер занят',
        status: 'Query Executing Error',
      });
      const error = await failure(sut.listOpenBills());
      expect(error).toBeInstanceOf(PosRejectedError);
      expect(error).toMatchObject({ reason: 'rejected', message: 'Сервер занят' });
      expect(await sut.checkHealth()).toMatchObject({ ok: true });
    });
  });
});
