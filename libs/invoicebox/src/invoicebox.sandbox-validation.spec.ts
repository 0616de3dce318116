import fc from 'fast-check';
import { Money, Quantity } from '@bridge/core';
import { DEFAULT_SETTINGS } from '../../../apps/simulators/src/invoicebox/server';
import { OffsetClock } from '../../../apps/simulators/src/invoicebox/clock';
import { SandboxState, merchantRecord } from '../../../apps/simulators/src/invoicebox/state';
import { Json } from '../../../apps/simulators/src/invoicebox/types';
import { ApiError } from '../../../apps/simulators/src/invoicebox/wire';
import { BasketBuilder } from './basket.builder';
import { toCreateOrderRequest } from './invoicebox.mapper';
import { randomBill } from './testing/random-bills';
import { KNOWN_VAT_CODES } from './wire/basket-item.wire';

const NOW = Date.parse('2026-03-01T12:00:00Z');
const merchant = merchantRecord({
  merchantId: '01771534-196a-1105-839a-82422289d6d9',
  token: 'b37c4c689295904ed21eee5d9a48d42e',
  notificationKey: 'test',
});

/**
 * The builder's orders go through the sandbox's own request validation (the code behind its 422 answers),
 * in process, exactly as serialised for the wire: an independent check from the one in basket.builder.spec.ts.
 */
describe('create-order requests against the sandbox validation', () => {
  const state = new SandboxState({
    clock: new OffsetClock({ now: () => new Date(NOW) }),
    paymentBaseUrl: () => 'http://sandbox.local',
    settings: () => DEFAULT_SETTINGS,
    onStatusChange: () => undefined,
    schedule: () => undefined,
  });
  const builder = new BasketBuilder();
  let seq = 0;

  const submit = (wire: Json): { amount: number; basketSum: number } | { code: string; fields: string[] } => {
    try {
      const order = state.createOrder(merchant, wire);
      return {
        amount: order.amount,
        basketSum: order.basketItems.reduce((sum, l) => sum + l.totalAmount, 0),
      };
    } catch (error) {
      if (error instanceof ApiError) return { code: error.code, fields: error.fields.map((f) => f.name) };
      throw error;
    } finally {
      state.clear();
    }
  };

  it('accepts 10,000 random bills, each summing to the amount due to the kopeck', () => {
    fc.assert(
      fc.property(randomBill(KNOWN_VAT_CODES), (bill) => {
        seq += 1;
        const { request } = toCreateOrderRequest(
          {
            merchantOrderId: `cafe-1:order-${seq}:v1:1`,
            visibleOrderId: 'Стол 5',
            description: 'Кафе на Невском: Стол 5',
            amount: bill.amountDue,
            lines: bill.lines,
            fiscal: {
              vatCode: bill.defaultVatCode,
              itemType: 'service',
              paymentType: 'full_payment',
              measure: 'шт',
              measureCode: '796',
            },
            expiresAt: new Date(NOW + 3 * 3_600_000),
            language: 'ru',
            customerEmail: 'guest@example.com',
          },
          {
            merchantId: merchant.merchantId,
            builder,
            notificationUrl: 'https://pay.example.ru/webhooks/invoicebox/cafe-1',
          },
        );
        const wire = JSON.parse(JSON.stringify(request)) as Json;
        expect(submit(wire)).toEqual({ amount: bill.amountDue.minor, basketSum: bill.amountDue.minor });
      }),
      { numRuns: 10_000 },
    );
  }, 180_000);

  it('is a validation that can fail: a basket one kopeck off is refused with the field named', () => {
    const { request } = toCreateOrderRequest(
      {
        merchantOrderId: 'cafe-1:off-by-one:v1:1',
        visibleOrderId: 'Стол 5',
        description: 'Кафе',
        amount: Money.of(37188, 'RUB'),
        lines: [
          {
            lineId: 'l1',
            sku: 'room',
            name: 'Бронирование номера',
            quantity: Quantity.units(3),
            total: Money.of(37188, 'RUB'),
          },
        ],
        fiscal: {
          vatCode: 'RUS_VAT20',
          itemType: 'service',
          paymentType: 'full_payment',
          measure: 'шт',
          measureCode: '796',
        },
        expiresAt: new Date(NOW + 3_600_000),
        language: 'ru',
      },
      { merchantId: merchant.merchantId, builder },
    );
    const tampered = {
      ...request,
      basketItems: [{ ...request.basketItems[0], totalVatAmount: 61.99 }],
      vatAmount: 61.99,
    };

    expect(submit(JSON.parse(JSON.stringify(tampered)) as Json)).toEqual({
      code: 'wrong_basket_item_total_vat_amount',
      fields: ['basketItems[0].totalVatAmount'],
    });
  });
});
