import { MERCHANT_B, api, data, errorOf, line, orderBody, startTestSandbox, waitFor } from './test-support';
import { InvoiceboxSandbox, JsonObject } from './types';

const oneRoom = line('room-3n', 'Бронирование номера', 1, 123.96, 103.3, 123.96, 20.66, 'RUS_VAT20');

function refundBody(parentId: string, overrides: JsonObject = {}): JsonObject {
  return {
    parentId,
    merchantOrderId: `refund-${Math.random().toString(36).slice(2)}`,
    description: 'Возврат за одну ночь',
    amount: 123.96,
    vatAmount: 20.66,
    basketItems: [oneRoom],
    ...overrides,
  };
}

describe('Invoicebox sandbox: refunds', () => {
  let sandbox: InvoiceboxSandbox;

  beforeAll(async () => {
    sandbox = await startTestSandbox();
  });

  afterAll(async () => {
    await sandbox.close();
  });

  beforeEach(() => sandbox.control.reset());

  async function paidOrder(): Promise<string> {
    const id = String(data(await api(sandbox).create(orderBody()))['id']);
    sandbox.control.payOrder(id);
    return id;
  }

  it('refuses to refund an order that is not paid', async () => {
    const id = String(data(await api(sandbox).create(orderBody()))['id']);
    const reply = await api(sandbox).refund(refundBody(id));
    expect(reply.status).toBe(422);
    expect(errorOf(reply)).toEqual({ code: 'wrong_order_status', fields: ['parentId'] });
    expect(errorOf(await api(sandbox).refundBasket(id)).code).toBe('wrong_order_status');
  });

  it('refunds part of a paid order and reports what is left', async () => {
    const id = await paidOrder();
    const reply = await api(sandbox).refund(refundBody(id, { merchantOrderId: 'r-1' }));
    expect(reply.status).toBe(200);
    expect(data(reply)).toMatchObject({
      parentId: id,
      merchantOrderId: 'r-1',
      amount: 123.96,
      vatAmount: 20.66,
      currencyId: 'RUB',
      status: 'completed',
    });
    const left = data(await api(sandbox).refundBasket(id)) as unknown as JsonObject[];
    expect(left.map((l) => [l['sku'], l['quantity'], l['availableAmount'], l['availableVatAmount']])).toEqual(
      [
        ['room-3n', 2, 247.92, 41.32],
        ['ticket', 1, 110, 10],
        ['water', 2, 100, 0],
      ],
    );
  });

  it('refuses more than what is left, per line and in total, then takes the exact remainder', async () => {
    const id = await paidOrder();
    expect((await api(sandbox).refund(refundBody(id))).status).toBe(200);

    const threeRooms = line('room-3n', 'Бронирование номера', 3, 123.96, 103.3, 371.88, 61.98, 'RUS_VAT20');
    const tooMuch = await api(sandbox).refund(
      refundBody(id, { amount: 371.88, vatAmount: 61.98, basketItems: [threeRooms] }),
    );
    expect(tooMuch.status).toBe(422);
    expect(errorOf(tooMuch)).toEqual({
      code: 'refund_amount_exceeded',
      fields: ['basketItems[0].quantity', 'basketItems[0].totalAmount'],
    });

    const rest = {
      amount: 457.92,
      vatAmount: 51.32,
      basketItems: [
        line('room-3n', 'Бронирование номера', 2, 123.96, 103.3, 247.92, 41.32, 'RUS_VAT20'),
        line('ticket', 'Проездной билет', 1, 110, 100, 110, 10, 'RUS_VAT10'),
        line('water', 'Вода', 2, 50, 50, 100, 0, 'VATNONE'),
      ],
    };
    expect((await api(sandbox).refund(refundBody(id, rest))).status).toBe(200);
    expect(data(await api(sandbox).refundBasket(id))).toEqual([]);

    const ticket = line('ticket', 'Проездной билет', 1, 110, 100, 110, 10, 'RUS_VAT10');
    const after = await api(sandbox).refund(
      refundBody(id, { amount: 110, vatAmount: 10, basketItems: [ticket] }),
    );
    expect(errorOf(after)).toEqual({
      code: 'refund_amount_exceeded',
      fields: ['basketItems[0].quantity', 'basketItems[0].totalAmount', 'amount'],
    });
  });

  it('keeps refund merchantOrderId unique, checks lines and arithmetic', async () => {
    const id = await paidOrder();
    expect((await api(sandbox).refund(refundBody(id, { merchantOrderId: 'r-dup' }))).status).toBe(200);
    const dup = await api(sandbox).refund(refundBody(id, { merchantOrderId: 'r-dup' }));
    expect(errorOf(dup)).toEqual({ code: 'merchant_order_id_duplicate', fields: ['merchantOrderId'] });

    const unknown = await api(sandbox).refund(refundBody(id, { basketItems: [{ ...oneRoom, sku: 'nope' }] }));
    expect(errorOf(unknown)).toEqual({ code: 'validation', fields: ['basketItems[0].sku'] });

    const wrongTotal = await api(sandbox).refund(
      refundBody(id, { basketItems: [{ ...oneRoom, totalAmount: 124 }] }),
    );
    expect(errorOf(wrongTotal)).toEqual({
      code: 'wrong_basket_item_total_amount',
      fields: ['basketItems[0].totalAmount'],
    });

    const foreign = await api(sandbox, MERCHANT_B.token).refund(refundBody(id));
    expect(foreign.status).toBe(404);
  });

  it('completes a refund after the configured delay and lists refunds by parent', async () => {
    sandbox.control.updateSettings({ refundCompletionDelayMs: 100 });
    const id = await paidOrder();
    const other = await paidOrder();
    const created = data(await api(sandbox).refund(refundBody(id, { merchantOrderId: 'r-slow' })));
    expect(created['status']).toBe('created');
    await api(sandbox).refund(refundBody(other));

    const listed = await api(sandbox).refunds(`parentId=${id}`);
    expect(listed.json).toMatchObject({
      data: [{ id: created['id'], status: 'created' }],
      metaData: { totalCount: 1, page: 1, pageSize: 30 },
    });
    await waitFor(() => sandbox.refunds().every((r) => r.status === 'completed'), 2000, 'refund completion');
    expect((await api(sandbox).refunds('status=completed')).json).toMatchObject({
      metaData: { totalCount: 2 },
    });
    expect((await api(sandbox, MERCHANT_B.token).refunds(`parentId=${id}`)).json).toMatchObject({ data: [] });
  });
});
