import {
  Money,
  PosRejectedError,
  UpstreamAuthError,
  UpstreamOutcomeUnknownError,
  UpstreamProtocolError,
  UpstreamTlsError,
  UpstreamUnavailableError,
} from '@bridge/core';
import { createServer } from 'node:net';
import { RkeeperSimulator, startRkeeperSimulator } from '../../../apps/simulators/src/rkeeper';
import { RkeeperClientDeps, RkeeperXmlClient } from './rkeeper.client';
import { RkeeperClientConfig } from './rkeeper.config';
import { RkeeperExchange } from './rkeeper.types';

const INVOICEBOX = 1030240;
const rub = (minor: number) => Money.of(minor, 'RUB');

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (address === null || typeof address === 'string') throw new Error('no port');
  return address.port;
}

async function failure(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected a failure');
}

describe('RkeeperXmlClient against the r_keeper simulator', () => {
  let sim: RkeeperSimulator;
  const clients: RkeeperXmlClient[] = [];

  function client(overrides: Partial<RkeeperClientConfig> = {}, deps: RkeeperClientDeps = {}, target = sim) {
    const sut = new RkeeperXmlClient(
      {
        url: target.url,
        username: target.username,
        password: target.password,
        tlsFingerprint: target.certificateFingerprint,
        cashierCode: 5,
        stationCode: 1,
        managerCode: 9,
        prepayReasonId: 5,
        ...overrides,
      },
      { logger: { warn: () => undefined }, ...deps },
    );
    clients.push(sut);
    return sut;
  }

  function openOrder() {
    return sim.control.openOrder({
      tableCode: 5,
      dishes: [{ code: 101 }, { code: 305, modifiers: [{ code: 8 }], discounts: [{ code: 1 }] }],
    });
  }

  beforeAll(async () => {
    sim = await startRkeeperSimulator();
  });

  afterEach(() => {
    sim.control.clearFaults();
    for (const c of clients.splice(0)) c.close();
  });

  afterAll(() => sim.close());

  describe('TLS', () => {
    it('trusts the self-signed certificate by its pinned SHA-256 fingerprint', async () => {
      const info = await client().getSystemInfo();
      expect(info).toMatchObject({ restCode: '199990777', restaurant: { name: 'Ресторан «Невский»' } });
    });

    it('refuses a certificate that does not match the pin, before sending the request', async () => {
      const before = sim.state.requestCounts().GetSystemInfo ?? 0;
      const wrongPin = sim.certificateFingerprint.replace(
        /^../,
        sim.certificateFingerprint.startsWith('00') ? '11' : '00',
      );
      const error = await failure(client({ tlsFingerprint: wrongPin }).getSystemInfo());
      expect(error).toBeInstanceOf(UpstreamTlsError);
      expect((error as Error).message).toMatch(/does not match the pinned fingerprint/);
      expect(sim.state.requestCounts().GetSystemInfo ?? 0).toBe(before);
    });

    it('refuses the self-signed certificate when nothing is pinned', async () => {
      const error = await failure(client({ tlsFingerprint: undefined }).getSystemInfo());
      expect(error).toBeInstanceOf(UpstreamTlsError);
    });

    it('accepts any certificate with the tlsInsecure opt-out and warns once', async () => {
      const warn = jest.fn();
      const sut = client({ tlsFingerprint: undefined, tlsInsecure: true }, { logger: { warn } });
      await sut.getSystemInfo();
      await sut.getOpenOrders();
      expect(warn).toHaveBeenCalledTimes(1);
      expect(warn.mock.calls[0][0]).toMatch(/NOT verified/);
    });
  });

  describe('failures', () => {
    it('maps HTTP 401 to UpstreamAuthError', async () => {
      expect(await failure(client({ password: 'wrong' }).getSystemInfo())).toBeInstanceOf(UpstreamAuthError);
      sim.control.unauthorizedNext({ cmd: 'GetOrderList' });
      const sut = client();
      expect(await failure(sut.getOpenOrders())).toBeInstanceOf(UpstreamAuthError);
      await expect(sut.getOpenOrders()).resolves.toEqual(expect.any(Array));
    });

    it('maps a malformed answer to a read to UpstreamProtocolError', async () => {
      sim.control.malformedNext({ cmd: 'GetSystemInfo' });
      const error = await failure(client().getSystemInfo());
      expect(error).toBeInstanceOf(UpstreamProtocolError);
    });

    it('maps a malformed answer to an applied PayOrder to an unknown outcome', async () => {
      const order = openOrder();
      sim.control.malformedNext({ cmd: 'PayOrder', applyWrite: true });
      const error = await failure(
        client().payOrder({
          order: { guid: order.guid },
          payments: [{ currencyId: INVOICEBOX, amount: rub(order.unpaidSum) }],
        }),
      );
      expect(error).toBeInstanceOf(UpstreamOutcomeUnknownError);
      expect((error as Error).cause).toBeInstanceOf(UpstreamProtocolError);
      expect(sim.state.order(order.guid)).toMatchObject({ paid: true, finished: true });
    });

    it('maps a non-Ok Status to PosRejectedError, classified, with the vendor text', async () => {
      sim.control.failNext({
        cmd: 'GetOrder',
        errorText: 'Заказ заблокирован на станции «Бар»',
        rk7ErrorN: '2001',
      });
      const order = openOrder();
      const sut = client();
      const locked = await failure(sut.getOrder({ guid: order.guid }));
      expect(locked).toBeInstanceOf(PosRejectedError);
      expect(locked).toMatchObject({
        reason: 'locked',
        retryable: true,
        code: 'POS.LOCKED',
        vendorCode: '2001',
        message: 'Заказ заблокирован на станции «Бар»',
        metadata: expect.objectContaining({ status: 'Query Executing Error', operation: 'GetOrder' }),
      });
      const missing = await failure(sut.getOrder({ guid: '{00000000-0000-4000-8000-000000000000}' }));
      expect(missing).toMatchObject({ reason: 'not_found', retryable: false });
    });

    it('refuses a payment that is not exactly the amount due, and changes nothing', async () => {
      const order = openOrder();
      const error = await failure(
        client().payOrder({
          order: { guid: order.guid },
          payments: [{ currencyId: INVOICEBOX, amount: rub(order.unpaidSum - 1) }],
        }),
      );
      expect(error).toMatchObject({ reason: 'amount_mismatch' });
      expect(sim.state.order(order.guid)).toMatchObject({ version: order.version, paid: false });
    });

    it('refuses writes to a locked order (retryable) and to a closed one (vendor code 2128)', async () => {
      const order = openOrder();
      sim.control.lock(order.guid, 2);
      const sut = client();
      const pay = () =>
        sut.payOrder({
          order: { guid: order.guid },
          payments: [{ currencyId: INVOICEBOX, amount: rub(order.unpaidSum) }],
        });
      expect(await failure(pay())).toMatchObject({ reason: 'locked', retryable: true });
      sim.control.closeByCash(order.guid);
      expect(await failure(pay())).toMatchObject({
        reason: 'bill_closed',
        vendorCode: '2128',
        retryable: false,
      });
    });

    it('maps a read that times out to UpstreamUnavailableError', async () => {
      const order = openOrder();
      sim.control.stallNext({ cmd: 'GetOrder', ms: 1_000 });
      const error = await failure(client({ timeoutMs: 150 }).getOrder({ guid: order.guid }));
      expect(error).toBeInstanceOf(UpstreamUnavailableError);
      expect(error).toMatchObject({ retryable: true, metadata: expect.objectContaining({ timedOut: true }) });
    });

    it('maps a write that times out to an unknown outcome, whether or not the server applied it', async () => {
      const applied = openOrder();
      const notApplied = openOrder();
      const sut = client({ writeTimeoutMs: 150 });
      const pay = (order: typeof applied) =>
        sut.payOrder({
          order: { guid: order.guid },
          payments: [{ currencyId: INVOICEBOX, amount: rub(order.unpaidSum) }],
        });
      sim.control.stallNext({ cmd: 'PayOrder', ms: 600, applyWrite: true });
      expect(await failure(pay(applied))).toBeInstanceOf(UpstreamOutcomeUnknownError);
      sim.control.stallNext({ cmd: 'PayOrder', ms: 600 });
      expect(await failure(pay(notApplied))).toBeInstanceOf(UpstreamOutcomeUnknownError);
      await new Promise((resolve) => setTimeout(resolve, 700));
      expect((await sut.getOrder({ guid: applied.guid })).paid).toBe(true);
      expect((await sut.getOrder({ guid: notApplied.guid })).paid).toBe(false);
    });

    it('maps a dropped connection to UpstreamUnavailableError on a read and to an unknown outcome on a write', async () => {
      const order = openOrder();
      const sut = client();
      sim.control.dropNext({ cmd: 'GetOrderList' });
      expect(await failure(sut.getOpenOrders())).toBeInstanceOf(UpstreamUnavailableError);
      sim.control.dropNext({ cmd: 'SaveOrder', applyWrite: true });
      const error = await failure(
        sut.addPrepay({ order: { guid: order.guid }, currencyId: INVOICEBOX, amount: rub(10_000) }),
      );
      expect(error).toBeInstanceOf(UpstreamOutcomeUnknownError);
      expect(sim.state.order(order.guid).prepaySum).toBe(10_000);
    });

    it('maps a refused connection to UpstreamUnavailableError', async () => {
      const port = await freePort();
      const sut = client({ url: `https://127.0.0.1:${port}/rk7api/v0/xmlinterface.xml` });
      const error = await failure(
        sut.payOrder({ order: { guid: '{X}' }, payments: [{ currencyId: 1, amount: rub(100) }] }),
      );
      expect(error).toBeInstanceOf(UpstreamUnavailableError);
      expect(error).toMatchObject({ metadata: expect.objectContaining({ code: 'ECONNREFUSED' }) });
    });
  });

  describe('commands', () => {
    it('reads the reference data', async () => {
      const sut = client();
      const [tables, currencies, reasons, menu] = await Promise.all([
        sut.getTables(),
        sut.getCurrencies(),
        sut.getPrepayReasons(),
        sut.getMenuItems(),
      ]);
      expect(tables.items).toHaveLength(30);
      expect(tables.items[0]).toMatchObject({ ident: 1001, code: 1, name: 'Стол 1', hallIdent: 1 });
      expect(currencies.items).toContainEqual(
        expect.objectContaining({ ident: INVOICEBOX, name: 'Invoicebox' }),
      );
      expect(reasons.items).toContainEqual(expect.objectContaining({ ident: 5 }));
      expect(menu.items).toContainEqual(
        expect.objectContaining({ code: 201, name: 'Борщ с пампушками', categoryPath: 'Супы' }),
      );
    });

    it('lists open orders and reads one by guid or by visit and orderIdent', async () => {
      const order = openOrder();
      const sut = client();
      const summary = (await sut.getOpenOrders()).find((o) => o.guid === order.guid);
      expect(summary).toMatchObject({
        visit: order.visit,
        orderIdent: 256,
        version: order.version,
        table: { code: 5, name: 'Стол 5' },
        orderSum: rub(order.orderSum),
        toPaySum: rub(order.unpaidSum),
        locked: false,
        bill: false,
      });
      const byGuid = await sut.getOrder({ guid: order.guid });
      expect(await sut.getOrder({ visit: order.visit, orderIdent: order.orderIdent })).toEqual(byGuid);
      expect(byGuid.unpaidSum).toEqual(rub(order.unpaidSum));
      expect(byGuid.discountSum).toEqual(rub(order.discountSum));
      expect(byGuid.sessions[0].dishes[1].modifiers[0]).toMatchObject({ code: 8, amount: rub(9000) });
    });

    it('records a prepay, pays the rest, and the order leaves the open list', async () => {
      const order = openOrder();
      const sut = client();
      const prepay = await sut.addPrepay({
        order: { guid: order.guid },
        currencyId: INVOICEBOX,
        amount: rub(50_000),
      });
      expect(prepay.order).toMatchObject({
        prepaySum: rub(50_000),
        unpaidSum: rub(order.unpaidSum - 50_000),
        version: order.version + 1,
      });
      const line = prepay.order?.paymentLines.find((l) => l.kind === 'prepay');
      expect(line).toMatchObject({
        currencyId: INVOICEBOX,
        amount: rub(50_000),
        reasonId: 5,
        lineGuid: expect.stringMatching(/^\{/),
      });
      const paid = await sut.payOrder({
        order: { guid: order.guid },
        payments: [{ currencyId: INVOICEBOX, amount: rub(order.unpaidSum - 50_000) }],
      });
      expect(paid.printChecks[0].lines[0]).toMatchObject({
        kind: 'pay',
        amount: rub(order.unpaidSum - 50_000),
      });
      expect((await sut.getOpenOrders()).map((o) => o.guid)).not.toContain(order.guid);
      expect(await sut.getOrder({ guid: order.guid })).toMatchObject({
        paid: true,
        finished: true,
        unpaidSum: rub(0),
      });
    });

    it('removes a prepay by its line_guid', async () => {
      const order = openOrder();
      const sut = client();
      const prepay = await sut.addPrepay({
        order: { guid: order.guid },
        currencyId: INVOICEBOX,
        amount: rub(20_000),
      });
      const lineGuid = prepay.order?.paymentLines[0]?.lineGuid ?? '';
      await sut.deleteReceiptPayments({ order: { guid: order.guid }, lineGuids: [lineGuid] });
      const after = await sut.getOrder({ guid: order.guid });
      expect(after.unpaidSum).toEqual(rub(order.unpaidSum));
      expect(after.paymentLines).toEqual([expect.objectContaining({ lineGuid, deleted: true })]);
    });

    it('writes the payment URL into the configured order property', async () => {
      const order = openOrder();
      const sut = client({ paymentUrlPropName: 'IboxPayUrl' });
      await sut.setPaymentUrl({ guid: order.guid }, 'https://pay.example.ru/t/cafe-1/5?x=1&y=2');
      const after = await sut.getOrder({ guid: order.guid });
      expect(after.externalProps).toEqual({ IboxPayUrl: 'https://pay.example.ru/t/cafe-1/5?x=1&y=2' });
      expect(after.version).toBe(order.version + 1);
    });

    it('sends windows-1251 requests', async () => {
      const order = openOrder();
      await client({ requestEncoding: 'windows-1251' }).setOrderProps(
        { guid: order.guid },
        { Comment: 'Гость оплатил по QR' },
      );
      expect(sim.state.order(order.guid).externalProps).toEqual({ Comment: 'Гость оплатил по QR' });
    });

    it('reads windows-1251 answers', async () => {
      const cp1251 = await startRkeeperSimulator({ responseEncoding: 'windows-1251' });
      try {
        const order = cp1251.control.openOrder({ tableCode: 2, dishes: [{ code: 201 }] });
        const read = await client({}, {}, cp1251).getOrder({ guid: order.guid });
        expect(read.sessions[0].dishes[0].name).toBe('Борщ с пампушками');
        expect(read.table.name).toBe('Стол 2');
      } finally {
        await cp1251.close();
      }
    });

    it('sends the licence block with a growing seqNumber where the server requires it', async () => {
      const licensed = await startRkeeperSimulator({ enforceLicense: { licenseToken: 'token-1' } });
      try {
        const order = licensed.control.openOrder({ tableCode: 1, dishes: [{ code: 102 }] });
        const exchanges: RkeeperExchange[] = [];
        const license = {
          anchor: '6:product#199990777/17',
          licenseToken: 'token-1',
          instanceGuid: '{INSTANCE-1}',
        };
        const sut = client({ license }, { onExchange: (e) => exchanges.push(e) }, licensed);
        await sut.addPrepay({ order: { guid: order.guid }, currencyId: INVOICEBOX, amount: rub(1_000) });
        await sut.payOrder({
          order: { guid: order.guid },
          payments: [{ currencyId: INVOICEBOX, amount: rub(order.unpaidSum - 1_000) }],
        });
        const seqs = exchanges.map((e) => /seqNumber="(\d+)"/.exec(e.requestXml)?.[1]);
        expect(seqs).toEqual(['0', '1']);
        expect(exchanges.every((e) => e.requestXml.includes('licenseToken="***"'))).toBe(true);
        const other = licensed.control.openOrder({ tableCode: 1, dishes: [{ code: 102 }] });
        const unlicensed = client({}, {}, licensed);
        const error = await failure(
          unlicensed.addPrepay({ order: { guid: other.guid }, currencyId: INVOICEBOX, amount: rub(1_000) }),
        );
        expect(error).toMatchObject({ reason: 'license' });
      } finally {
        await licensed.close();
      }
    });

    it('polls the open list with lastversion and gets "No changes" until something changes', async () => {
      const sut = client();
      const first = await sut.getOpenOrdersIfChanged();
      expect(first).toMatchObject({ changed: true, lastVersion: expect.any(Number) });
      const again = await sut.getOpenOrdersIfChanged(first.lastVersion);
      expect(again).toEqual({ changed: false, lastVersion: first.lastVersion });
      const order = openOrder();
      const after = await sut.getOpenOrdersIfChanged(first.lastVersion);
      expect(after.changed && after.orders.map((o) => o.guid)).toContain(order.guid);
    });

    it('serves many concurrent reads over the keep-alive pool', async () => {
      const sut = client({ maxSockets: 4 });
      const before = sim.state.requestCounts().GetOrderList ?? 0;
      const results = await Promise.all(Array.from({ length: 100 }, () => sut.getOpenOrders()));
      expect(new Set(results.map((list) => list.length)).size).toBe(1);
      expect(sim.state.requestCounts().GetOrderList).toBe(before + 100);
    });
  });
});
