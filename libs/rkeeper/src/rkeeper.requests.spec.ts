import * as iconv from 'iconv-lite';
import { licenseInfoElement, maskLicenseToken } from './rkeeper.license';
import {
  deleteReceiptPaymentsQuery,
  getOrderListQuery,
  getOrderQuery,
  getRefDataQuery,
  getSystemInfoQuery,
  payOrderQuery,
  savePrepayQuery,
  updateOrderPropsQuery,
} from './rkeeper.requests';
import { encodeXml } from './xml/encoding';
import { buildXml } from './xml/xml-tree';

const GUID = '{577FFA69-348A-41D7-810B-CF0A32489BE1}';
const body = (xml: string) => xml.slice(xml.indexOf('\n') + 1);

describe('rkeeper request builders', () => {
  it('wraps one command in RK7Query/RK7CMD with an XML declaration naming the encoding', () => {
    expect(buildXml(getSystemInfoQuery(), 'utf-8')).toBe(
      '<?xml version="1.0" encoding="utf-8"?>\n<RK7Query><RK7CMD CMD="GetSystemInfo"/></RK7Query>',
    );
    expect(buildXml(getSystemInfoQuery(), 'windows-1251')).toMatch(
      /^<\?xml version="1.0" encoding="windows-1251"\?>\n/,
    );
  });

  it('builds the read commands', () => {
    expect(body(buildXml(getRefDataQuery('CURRENCIES', 'items.(Ident,Code,Name)'), 'utf-8'))).toBe(
      '<RK7Query><RK7CMD CMD="GetRefData" RefName="CURRENCIES" OnlyActive="1" PropMask="items.(Ident,Code,Name)"/></RK7Query>',
    );
    expect(body(buildXml(getOrderListQuery(), 'utf-8'))).toBe(
      '<RK7Query><RK7CMD CMD="GetOrderList" onlyOpened="1" needIdents="1" needCodes="1" needNames="1"/></RK7Query>',
    );
    expect(body(buildXml(getOrderQuery({ guid: GUID }), 'utf-8'))).toBe(
      `<RK7Query><RK7CMD CMD="GetOrder"><Order guid="${GUID}"/></RK7CMD></RK7Query>`,
    );
    expect(body(buildXml(getOrderQuery({ visit: 543555, orderIdent: 256 }), 'utf-8'))).toBe(
      '<RK7Query><RK7CMD CMD="GetOrder"><Order visit="543555" orderIdent="256"/></RK7CMD></RK7Query>',
    );
  });

  it('builds PayOrder in XSD order with amounts in kopecks and the licence block first', () => {
    const xml = buildXml(
      payOrderQuery({
        order: { guid: GUID },
        cashierCode: 5,
        stationCode: 1,
        payments: [
          { currencyId: 1, amountMinor: 50000 },
          { currencyId: 1030240, amountMinor: 10000 },
        ],
        licenseInfo: licenseInfoElement(
          { anchor: '6:abc#199990093/17', licenseToken: 'tok', instanceGuid: '{I}' },
          3,
        ),
      }),
      'utf-8',
    );
    expect(body(xml)).toBe(
      '<RK7Query><RK7CMD CMD="PayOrder">' +
        '<LicenseInfo anchor="6:abc#199990093/17" licenseToken="tok"><LicenseInstance guid="{I}" seqNumber="3"/></LicenseInfo>' +
        `<Order guid="${GUID}"/><Station code="1"/><Cashier code="5"/>` +
        '<Payment id="1" amount="50000"/><Payment id="1030240" amount="10000"/>' +
        '</RK7CMD></RK7Query>',
    );
    expect(maskLicenseToken(xml)).toContain('licenseToken="***"');
  });

  it('builds a prepay as SaveOrder/Session/Prepay with the mandatory Reason', () => {
    const xml = buildXml(
      savePrepayQuery({
        order: { guid: GUID },
        currencyId: 1030240,
        amountMinor: 60000,
        reasonId: 5,
        stationCode: 1,
      }),
      'utf-8',
    );
    expect(body(xml)).toBe(
      `<RK7Query><RK7CMD CMD="SaveOrder"><Order guid="${GUID}"/><Session><Station code="1"/>` +
        '<Prepay id="1030240" amount="60000"><Reason id="5"/></Prepay></Session></RK7CMD></RK7Query>',
    );
  });

  it('puts the payment URL into an ExternalProps Prop, escaped', () => {
    const xml = buildXml(
      updateOrderPropsQuery({ guid: GUID }, { PaymentUrl: 'https://pay.example.ru/p?a=1&b="2"' }),
      'utf-8',
    );
    expect(body(xml)).toBe(
      `<RK7Query><RK7CMD CMD="UpdateOrder"><Order guid="${GUID}"/><ExternalProps>` +
        '<Prop name="PaymentUrl" value="https://pay.example.ru/p?a=1&amp;b=&quot;2&quot;"/></ExternalProps></RK7CMD></RK7Query>',
    );
  });

  it('deletes payments by line_guid with a manager', () => {
    const xml = buildXml(
      deleteReceiptPaymentsQuery({
        order: { guid: GUID },
        managerCode: 9,
        stationCode: 1,
        lineGuids: ['{L1}', '{L2}'],
      }),
      'utf-8',
    );
    expect(body(xml)).toBe(
      `<RK7Query><RK7CMD CMD="DeleteReceiptPayments"><Order guid="${GUID}"/><Manager code="9"/><LockStation code="1"/>` +
        '<Pay line_guid="{L1}"/><Pay line_guid="{L2}"/></RK7CMD></RK7Query>',
    );
  });

  it('encodes Cyrillic as windows-1251 bytes when asked', () => {
    const xml = buildXml(updateOrderPropsQuery({ guid: GUID }, { Comment: 'Оплата по QR' }), 'windows-1251');
    const bytes = encodeXml(xml, 'windows-1251');
    expect(bytes.includes(Buffer.from([0xce, 0xef, 0xeb, 0xe0, 0xf2, 0xe0]))).toBe(true);
    expect(iconv.decode(bytes, 'windows-1251')).toBe(xml);
    expect(encodeXml(xml, 'utf-8').toString('utf8')).toBe(xml);
  });
});
