import { signBody } from './notifier';
import { exactDecimal, lineToWire, readBasket } from './basket';
import { phpJsonEncode } from './wire';
import { FieldError } from './wire';

// Reference §8.3: the PHP SDK example body, as raw bytes, and its X-Signature for the key "test".
const SDK_BODY =
  '{"id":"0188d934-85f8-f872-2ac6-ad202d71b985","description":"Проездной билет","currencyId":"RUB","amount":2790.67,"vatAmount":0,"basketItems":[{"sku":"0123456789","name":"Black Edition","measure":"шт","measureCode":"796","quantity":1,"amount":2790.67,"amountWoVat":2790.67,"totalAmount":2790.67,"totalVatAmount":0,"vatCode":"VATNONE","type":"commodity","paymentType":"full_prepayment"}],"orderContainerId":"0188d934-85bd-2e43-9057-53275f15a1e2","merchantId":"ffffffff-ffff-ffff-ffff-ffffffffffff","status":"success","subtype":"order","createdAt":"2023-06-20T14:27:58+00:00","merchantOrderId":"55626","merchantOrderIdVisible":"55626","expirationDate":"2023-06-20T21:00:00+00:00","fileIds":[],"paymentUrl":"https:\\/\\/pay.invoicebox.ru\\/order\\/0188d934-85bd-2e43-9057-53275f15a1e2","customer":{"type":"legal","name":"OOO TEST","phone":"78121111111","email":"test@test.test","vatNumber":"7804445210","countryId":"RUS","registrationAddress":"123321, Колотушкина, 1, 1"},"languageId":"ru","processable":true}';

describe('PHP-compatible serialisation', () => {
  it('re-encodes the SDK notification byte for byte, so the published signature matches', () => {
    const encoded = phpJsonEncode(JSON.parse(SDK_BODY));
    expect(encoded).toBe(SDK_BODY);
    expect(Buffer.byteLength(encoded)).toBe(1028);
    expect(signBody(encoded, 'test')).toBe('4731e2fb446ba519fd9d8798a1a0873f073189e8');
    expect(signBody(JSON.stringify(JSON.parse(SDK_BODY)), 'test')).toBe(
      'bdd1f145865690bcb7f94aea3007cbe5b8f9edfc',
    );
    expect(signBody(encoded, '098f6bcd4621d373cade4e832627b4f6')).toBe(
      'a3767ef5450d041c97a23eb1e0e6b283767e5dae',
    );
  });

  it('escapes the JavaScript line terminators PHP escapes', () => {
    expect(phpJsonEncode({ a: 'x\u2028y/z' })).toBe('{"a":"x\\u2028y\\/z"}');
  });
});

describe('exact decimals', () => {
  it('reads the shortest decimal of a JSON number exactly', () => {
    expect(exactDecimal(0.355)).toEqual({ units: 355n, scale: 3 });
    expect(exactDecimal(0.1 + 0.2)).toEqual({ units: 30000000000000004n, scale: 17 });
    expect(exactDecimal(1e-7)).toEqual({ units: 1n, scale: 7 });
    expect(exactDecimal(2e21)).toEqual({ units: 2000000000000000000000n, scale: 0 });
  });

  it('echoes a basket line with money rebuilt from kopecks', () => {
    const errors: FieldError[] = [];
    const [parsed] = readBasket(
      [
        {
          sku: 'a',
          name: 'Чай',
          measure: 'шт',
          measureCode: '796',
          quantity: 2,
          amount: 10.1,
          amountWoVat: 10.1,
          totalAmount: 20.2,
          totalVatAmount: 0,
          vatCode: 'VATNONE',
          type: 4,
          paymentType: 'full_payment',
          vatRate: 0,
        },
      ],
      errors,
    );
    expect(errors).toEqual([]);
    expect(parsed?.totalAmount).toBe(2020);
    expect(parsed && lineToWire(parsed, 'RUB')).toEqual({
      sku: 'a',
      name: 'Чай',
      measure: 'шт',
      measureCode: '796',
      quantity: 2,
      amount: 10.1,
      amountWoVat: 10.1,
      totalAmount: 20.2,
      totalVatAmount: 0,
      vatCode: 'VATNONE',
      type: 4,
      paymentType: 'full_payment',
    });
  });
});
