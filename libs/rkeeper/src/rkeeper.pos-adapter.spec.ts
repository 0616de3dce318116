import {
  ApplyPaymentCommand,
  PosRejectedError,
  UpstreamProtocolError,
  UpstreamUnavailableError,
} from '@bridge/core';
import { RkeeperXmlClient } from './rkeeper.client';
import { RkeeperConfigError } from './rkeeper.config';
import { RkeeperPosAdapter } from './rkeeper.pos-adapter';
import {
  RkeeperOrder,
  RkeeperOrderListResult,
  RkeeperOrderSummary,
  RkeeperWriteResult,
} from './rkeeper.types';
import { dish, order, prepay, rub, session } from './testing/orders';

const GUID = '{6F1D1C2E-0000-4000-8000-000000000001}';

/** The part of RkeeperXmlClient the adapter uses, scripted per test. */
class ScriptedClient {
  readonly config = { currency: 'RUB', paymentUrlPropName: 'PaymentUrl' };
  lists: RkeeperOrderListResult[] = [];
  orders: Array<RkeeperOrder | Error> = [];
  writeResult: RkeeperWriteResult | Error = {
    cmd: 'PayOrder',
    printChecks: [],
    requestXml: '',
    responseXml: '',
  };
  readonly lastVersions: Array<number | undefined> = [];

  async getOpenOrdersIfChanged(lastVersion?: number): Promise<RkeeperOrderListResult> {
    this.lastVersions.push(lastVersion);
    const next = this.lists.shift();
    if (!next) throw new Error('no list scripted');
    return next;
  }

  async getOrder(): Promise<RkeeperOrder> {
    const next = this.orders.shift();
    if (!next) throw new Error('no order scripted');
    if (next instanceof Error) throw next;
    return next;
  }

  async payOrder(): Promise<RkeeperWriteResult> {
    return this.write();
  }

  async addPrepay(): Promise<RkeeperWriteResult> {
    return this.write();
  }

  close(): void {}

  private write(): RkeeperWriteResult {
    if (this.writeResult instanceof Error) throw this.writeResult;
    return this.writeResult;
  }
}

function summary(guid: string, version: number, bill = false): RkeeperOrderSummary {
  return {
    guid,
    visit: 1,
    orderIdent: 256,
    version,
    table: { code: 5 },
    waiter: {},
    orderSum: rub(100),
    toPaySum: rub(100),
    prepaySum: rub(0),
    locked: false,
    finished: false,
    bill,
  };
}

function closeCommand(amount = 1_000): ApplyPaymentCommand {
  return {
    bill: { externalId: GUID, attributes: {} },
    expectedVersion: '7',
    paymentId: 'pay-1',
    providerOrderId: 'ib-1',
    amount: rub(amount),
    mode: 'close',
  };
}

describe('RkeeperPosAdapter', () => {
  let client: ScriptedClient;
  let warn: jest.Mock;
  let sut: RkeeperPosAdapter;

  beforeEach(() => {
    client = new ScriptedClient();
    warn = jest.fn();
    sut = new RkeeperPosAdapter(client as unknown as RkeeperXmlClient, {
      paymentCurrencyId: 1030240,
      prepayReasonId: 5,
      stationCode: 1,
      cashierCode: 5,
      logger: { warn },
    });
  });

  it('sends the last list version and answers from its cache while r_keeper reports no changes', async () => {
    client.lists = [
      { changed: true, lastVersion: 41, orders: [summary('{a}', 3)] },
      { changed: false, lastVersion: 41 },
    ];
    const first = await sut.listOpenBills();
    const second = await sut.listOpenBills();
    expect(first).toEqual([{ externalId: '{A}', externalVersion: '3' }]);
    expect(second).toBe(first);
    expect(client.lastVersions).toEqual([undefined, 41]);
  });

  it('refuses a "No changes" answer it has nothing cached for', async () => {
    client.lists = [{ changed: false, lastVersion: 3 }];
    await expect(sut.listOpenBills()).rejects.toBeInstanceOf(UpstreamProtocolError);
  });

  it('keeps listing when a pre-check listener throws', async () => {
    client.lists = [{ changed: true, lastVersion: 2, orders: [summary('{a}', 3, true)] }];
    sut.onPrecheckPrinted(() => {
      throw new Error('listener bug');
    });
    await expect(sut.listOpenBills()).resolves.toHaveLength(1);
    expect(warn).toHaveBeenCalledWith(
      'Pre-check listener threw',
      expect.objectContaining({ externalId: '{A}' }),
    );
  });

  it('turns a client configuration problem into a refusal, since nothing was sent', async () => {
    client.writeResult = new RkeeperConfigError(['PayOrder needs cashierCode and stationCode']);
    const error = await sut.applyPayment(closeCommand()).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PosRejectedError);
    expect(error).toMatchObject({ reason: 'rejected', message: expect.stringContaining('cashierCode') });
  });

  it('names the PayOrder line by reading the order back when the answer did not carry it', async () => {
    const check = {
      bill: false,
      deleted: false,
      lines: [{ ...prepay(1_000), kind: 'pay' as const, lineGuid: '{PAY-1}' }],
    };
    client.orders = [
      order([session([dish(1, 1_000)], { printChecks: [check] })], { orderSum: 1_000, unpaidSum: 0 }),
    ];
    await expect(sut.applyPayment(closeCommand())).resolves.toEqual({
      externalRef: '{PAY-1}',
      amount: rub(1_000),
      mode: 'close',
    });
  });

  it('still reports an applied PayOrder when its line cannot be read back', async () => {
    client.orders = [new UpstreamUnavailableError('down', { upstream: 'rkeeper', operation: 'GetOrder' })];
    await expect(sut.applyPayment(closeCommand())).resolves.toMatchObject({ externalRef: `${GUID}/pay-1` });
    expect(warn).toHaveBeenCalledWith(expect.stringMatching(/could not be read back/), expect.anything());
  });

  it('cannot tell a payment apart when r_keeper gives its lines no line_guid', async () => {
    client.orders = [
      order([session([dish(1, 1_000)], { payments: [prepay(500, { lineGuid: undefined })] })], {
        orderSum: 1_000,
        unpaidSum: 500,
      }),
    ];
    const lookup = await sut.findAppliedPayment({
      bill: { externalId: GUID, attributes: {} },
      paymentId: 'p',
      amount: rub(500),
      mode: 'prepayment',
      sentAt: new Date(),
      excludeExternalRefs: [],
    });
    expect(lookup).toMatchObject({ status: 'undeterminable' });
  });

  it('answers null for an order r_keeper does not know, and lets other refusals through', async () => {
    client.orders = [
      new PosRejectedError('not_found', 'Заказ не найден', { upstream: 'rkeeper', operation: 'GetOrder' }),
      new PosRejectedError('locked', 'Заказ заблокирован', { upstream: 'rkeeper', operation: 'GetOrder' }),
    ];
    await expect(sut.getBill({ externalId: GUID, attributes: {} })).resolves.toBeNull();
    await expect(sut.getBill({ externalId: GUID, attributes: {} })).rejects.toMatchObject({
      reason: 'locked',
    });
  });
});
