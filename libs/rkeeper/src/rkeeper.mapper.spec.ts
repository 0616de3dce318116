import { Money } from '@bridge/core';
import {
  RkeeperShapeError,
  mapGetOrder,
  mapOptionalOrder,
  mapOrderList,
  mapPrintChecks,
  mapReference,
  mapSystemInfo,
  readEnvelope,
} from './rkeeper.mapper';
import { fixtureEnvelope } from './testing/fixtures';
import { parseXml } from './xml/xml-tree';

const rub = (minor: number) => Money.of(minor, 'RUB');

describe('rkeeper mapper', () => {
  it('reads GetSystemInfo', () => {
    const sut = mapSystemInfo(fixtureEnvelope('system-info.xml'));
    expect(sut).toEqual({
      serverVersion: '7.6.5.92',
      xmlVersion: '246',
      netName: 'MIDSERVER',
      systemTime: '2020-02-12T20:28:51',
      shiftDate: '2020-02-12T00:00:00',
      restCode: '199990093',
      restaurant: { id: 1000, code: 1, name: 'Кафе на Невском' },
    });
  });

  it('reads GetOrderList grouped by visit, PascalCase sums in kopecks', () => {
    const sut = mapOrderList(fixtureEnvelope('get-order-list.utf8.xml'), 'RUB');
    expect(sut).toHaveLength(3);
    expect(sut[0]).toEqual({
      guid: '{577FFA69-348A-41D7-810B-CF0A32489BE1}',
      visit: 543555,
      orderIdent: 256,
      orderName: '5.1',
      version: 7,
      table: { id: 1005, code: 5, name: 'Стол 5' },
      waiter: { id: 1000111, code: 11, name: 'Петров Алексей' },
      orderSum: rub(227200),
      toPaySum: rub(217200),
      prepaySum: rub(10000),
      locked: false,
      finished: false,
      bill: true,
      createTime: '2024-05-17T18:10:00',
    });
    expect(sut[1]).toMatchObject({ visit: 543560, orderIdent: 256, locked: true, bill: false, version: 3 });
    expect(sut[2]).toMatchObject({ orderIdent: 257, prepaySum: rub(0), waiter: {} });
  });

  it('decodes a windows-1251 answer to the same orders, by declaration or by Content-Type', () => {
    const utf8 = mapOrderList(fixtureEnvelope('get-order-list.utf8.xml'), 'RUB');
    expect(mapOrderList(fixtureEnvelope('get-order-list.cp1251.xml'), 'RUB')).toEqual(utf8);
    const viaHeader = fixtureEnvelope('get-order-list.cp1251.xml', 'text/xml; charset=Windows-1251');
    expect(mapOrderList(viaHeader, 'RUB')).toEqual(utf8);
  });

  it('reads GetOrder: sums, dishes with modifiers and discounts, prepay lines, bill, extended properties', () => {
    const sut = mapGetOrder(fixtureEnvelope('get-order.xml'), 'RUB');
    expect(sut).toMatchObject({
      guid: '{577FFA69-348A-41D7-810B-CF0A32489BE1}',
      visit: 543555,
      orderIdent: 256,
      version: 7,
      table: { id: 1005, code: 5, name: 'Стол 5' },
      waiter: { id: 1000111, code: 11, name: 'Петров Алексей' },
      orderSum: rub(227200),
      prepaySum: rub(10000),
      discountSum: rub(-19800),
      unpaidSum: rub(217200),
      totalPiecesMilli: 2000,
      paid: false,
      finished: false,
      locked: false,
      bill: true,
      externalProps: { PaymentUrl: 'https://pay.example.ru/t/cafe-1/5?a=1&b=2' },
    });
    const [salad, steak, voided] = sut.sessions[0].dishes;
    expect(salad).toMatchObject({ code: 101, price: rub(49000), amount: rub(49000), quantityMilli: 1000 });
    expect(salad.quantity?.milli).toBe(1000);
    expect(steak.modifiers).toEqual([
      {
        id: 3008,
        code: 8,
        name: 'Соус перечный',
        lineGuid: '{A1C0D0E2-0000-4000-8000-000000000005}',
        count: 1,
        price: rub(9000),
        amount: rub(9000),
      },
    ]);
    expect(steak.discounts[0]).toMatchObject({ id: 4001, amount: rub(-19800) });
    expect(voided).toMatchObject({ quantityMilli: 0, quantity: null });
    expect(sut.paymentLines).toEqual([
      {
        kind: 'prepay',
        currencyId: 1030240,
        currencyCode: 4,
        name: 'Invoicebox',
        lineGuid: '{7D1E5B3A-0000-4000-8000-00000000000A}',
        amount: rub(10000),
        deleted: false,
        reasonId: 5,
      },
      expect.objectContaining({ lineGuid: '{7D1E5B3A-0000-4000-8000-00000000000B}', deleted: true }),
    ]);
  });

  it('reads a paid order: Combo as a dish, Pay lines inside the receipt', () => {
    const sut = mapGetOrder(fixtureEnvelope('get-order.paid.xml'), 'RUB');
    expect(sut).toMatchObject({ paid: true, finished: true, unpaidSum: rub(0), bill: false });
    expect(sut.sessions[0].dishes[0]).toMatchObject({ code: 201, amount: rub(42000) });
    expect(sut.paymentLines.map((l) => [l.kind, l.currencyId, l.amount.minor])).toEqual([
      ['pay', 1030240, 32000],
      ['pay', 1, 10000],
    ]);
  });

  it('refuses sums that are not whole kopecks instead of scaling them wrong', () => {
    expect(() => mapGetOrder(fixtureEnvelope('get-order.rouble-sums.xml'), 'RUB')).toThrow(
      /orderSum="420.00" is not whole kopecks/,
    );
  });

  it('reads GetRefData items', () => {
    const currencies = mapReference(fixtureEnvelope('get-ref-data.currencies.xml'), 'CURRENCIES');
    expect(currencies.dataVersion).toBe('412');
    expect(currencies.items.map((i) => [i.ident, i.code, i.name])).toEqual([
      [1, 1, 'Наличные'],
      [1030235, 2, 'Банковская карта'],
      [1030240, 4, 'Invoicebox'],
    ]);
    expect(currencies.items[2]).toMatchObject({
      guid: '{5E3D0000-0000-4000-8000-000000000004}',
      parentIdent: 1030200,
    });
    const tables = mapReference(fixtureEnvelope('get-ref-data.tables.xml'), 'TABLES');
    expect(tables.items.map((t) => [t.code, t.hallIdent])).toEqual([
      [1, 1],
      [2, 2],
    ]);
  });

  it('reads the receipts of a PayOrder answer and the order of a SaveOrder answer', () => {
    const checks = mapPrintChecks(fixtureEnvelope('pay-order.ok.xml'), 'RUB');
    expect(checks).toEqual([
      {
        lineGuid: '{2F0E4D1C-0000-4000-8000-000000000004}',
        checkNum: 21,
        amount: rub(42000),
        bill: false,
        deleted: false,
        lines: [expect.objectContaining({ kind: 'pay', currencyId: 1030240, amount: rub(42000) })],
      },
    ]);
    const order = mapOptionalOrder(fixtureEnvelope('save-order.prepay.xml'), 'RUB');
    expect(order).toMatchObject({ version: 8, prepaySum: rub(60000), unpaidSum: rub(167200) });
    expect(order?.paymentLines[0]).toMatchObject({ kind: 'prepay', amount: rub(50000), reasonId: 5 });
  });

  it('keeps the vendor error attributes of a refusal', () => {
    const { result } = fixtureEnvelope('error.visit-closed.xml');
    expect(result).toMatchObject({
      Status: 'Query Executing Error',
      ErrorText: 'Визит 1159 закрыт!',
      RK7ErrorN: '2128',
    });
  });

  it('rejects an answer that is not an RK7QueryResult or has no Status', () => {
    expect(() => fixtureEnvelope('unexpected-root.xml')).toThrow(RkeeperShapeError);
    expect(() => readEnvelope(parseXml('<RK7QueryResult CMD="GetOrder"/>'))).toThrow(/no Status/);
    expect(() => mapGetOrder(readEnvelope(parseXml('<RK7QueryResult Status="Ok"/>')), 'RUB')).toThrow(
      /no <Order>/,
    );
  });
});
