import { UpstreamProtocolError, validateBillSnapshot } from '@bridge/core';
import { activePaymentLines, orderToBillSnapshot } from './rkeeper.bill-mapper';
import { mapGetOrder } from './rkeeper.mapper';
import { fixtureEnvelope } from './testing/fixtures';
import { dish, order, prepay, rub, session } from './testing/orders';

const options = { currency: 'RUB', paymentUrlPropName: 'PaymentUrl' };

describe('orderToBillSnapshot', () => {
  it('spreads an order-level discount over the lines by their weight, to the kopeck', () => {
    const discount = { id: 4003, name: 'Комплимент', amount: rub(-100) };
    const snapshot = orderToBillSnapshot(
      order([session([dish(1, 100), dish(2, 100), dish(3, 100)], { discounts: [discount] })], {
        orderSum: 200,
        unpaidSum: 200,
      }),
      options,
    );
    expect(snapshot.lines.map((l) => l.total.minor)).toEqual([66, 67, 67]);
    expect(snapshot.total.minor).toBe(200);
    expect(() => validateBillSnapshot(snapshot)).not.toThrow();
  });

  it('folds modifiers and the dish discount into the line and names the modifiers', () => {
    const steak = dish(305, 189_000, {
      name: 'Стейк рибай',
      modifiers: [{ name: 'Соус перечный', count: 1, price: rub(9_000), amount: rub(9_000) }],
      discounts: [{ name: 'Скидка 10%', amount: rub(-19_800) }],
    });
    const snapshot = orderToBillSnapshot(
      order([session([steak])], { orderSum: 178_200, unpaidSum: 178_200 }),
      options,
    );
    expect(snapshot.lines).toEqual([
      expect.objectContaining({ name: 'Стейк рибай (Соус перечный)', sku: '305', total: rub(178_200) }),
    ]);
  });

  it('leaves voided dishes out and keeps a zero-priced dish without a share of the discount', () => {
    const voided = dish(7, 0, { quantityMilli: -1000, quantity: null, amount: rub(0) });
    const free = dish(8, 0);
    const snapshot = orderToBillSnapshot(
      order([session([dish(1, 500), voided, free], { discounts: [{ amount: rub(-50) }] })], {
        orderSum: 450,
        unpaidSum: 450,
      }),
      options,
    );
    expect(snapshot.lines.map((l) => [l.sku, l.total.minor])).toEqual([
      ['1', 450],
      ['8', 0],
    ]);
  });

  it('takes what is due from unpaidSum and what was paid from live prepay lines', () => {
    const deletedCheck = { bill: false, deleted: true, lines: [{ ...prepay(999), kind: 'pay' as const }] };
    const snapshot = orderToBillSnapshot(
      order(
        [
          session([dish(1, 1_000)], {
            payments: [prepay(300), prepay(50, { deleted: true })],
            printChecks: [deletedCheck],
          }),
        ],
        { orderSum: 1_000, unpaidSum: 700 },
      ),
      options,
    );
    expect(snapshot).toMatchObject({ paid: rub(300), amountDue: rub(700), status: 'open' });
  });

  it('trusts unpaidSum and reports it when the payment lines disagree', () => {
    const onInconsistency = jest.fn();
    const snapshot = orderToBillSnapshot(
      order([session([dish(1, 1_000)])], { orderSum: 1_000, unpaidSum: 600 }),
      {
        ...options,
        onInconsistency,
      },
    );
    expect(snapshot).toMatchObject({ paid: rub(400), amountDue: rub(600) });
    expect(onInconsistency).toHaveBeenCalledWith(
      expect.stringMatching(/unpaidSum/),
      expect.objectContaining({ unpaidSum: 600 }),
    );
  });

  it('reads a paid or finished order as closed with nothing due', () => {
    const check = {
      bill: false,
      deleted: false,
      lines: [{ ...prepay(1_000), kind: 'pay' as const, currencyId: 1 }],
    };
    const snapshot = orderToBillSnapshot(
      order(
        [session([dish(1, 1_000)], { printChecks: [check] })],
        { orderSum: 1_000, unpaidSum: 0 },
        { paid: true, finished: true },
      ),
      options,
    );
    expect(snapshot).toMatchObject({ status: 'closed', amountDue: rub(0), paid: rub(1_000) });
  });

  it('labels by table, carries the references the adapter needs, the pre-check flag and the link field', () => {
    const snapshot = orderToBillSnapshot(
      order(
        [session([dish(1, 100)])],
        { orderSum: 100, unpaidSum: 100 },
        {
          table: { code: 12, name: '12' },
          bill: true,
          externalProps: { PaymentUrl: 'https://pay/x' },
        },
      ),
      options,
    );
    expect(snapshot).toMatchObject({
      externalId: '{6F1D1C2E-0000-4000-8000-000000000001}',
      label: 'Стол 12',
      tableCode: '12',
      externalVersion: '7',
      attributes: {
        visit: '543555',
        orderIdent: '256',
        precheck: '1',
        paymentUrl: 'https://pay/x',
        tableCode: '12',
      },
    });
  });

  it('refuses an order whose sum has no dishes to stand on', () => {
    expect(() =>
      orderToBillSnapshot(order([session([])], { orderSum: 500, unpaidSum: 500 }), options),
    ).toThrow(UpstreamProtocolError);
  });

  it('maps the recorded GetOrder sample into a valid bill', () => {
    const mapped = mapGetOrder(fixtureEnvelope('get-order.xml'), 'RUB');
    const snapshot = orderToBillSnapshot(mapped, options);
    expect(() => validateBillSnapshot(snapshot)).not.toThrow();
    expect(snapshot.total.equals(mapped.orderSum)).toBe(true);
    expect(snapshot.amountDue.equals(mapped.unpaidSum)).toBe(true);
  });
});

describe('activePaymentLines', () => {
  it('skips deleted lines and lines of deleted receipts', () => {
    const live = { bill: false, deleted: false, lines: [prepay(1), prepay(2, { deleted: true })] };
    const dead = { bill: false, deleted: true, lines: [prepay(3)] };
    const lines = activePaymentLines(
      order([session([], { payments: [prepay(4)], printChecks: [live, dead] })], {
        orderSum: 0,
        unpaidSum: 0,
      }),
    );
    expect(lines.map((l) => l.amount.minor)).toEqual([4, 1]);
  });
});
