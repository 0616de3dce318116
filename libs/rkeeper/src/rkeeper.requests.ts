import { RkeeperOrderRef } from './rkeeper.types';
import { rk7Cmd, rk7Query } from './wire/envelope.wire';
import { XmlElement, element } from './xml/xml-tree';

export function orderRefElement(ref: RkeeperOrderRef): XmlElement {
  return 'guid' in ref
    ? element('Order', { guid: ref.guid })
    : element('Order', { visit: ref.visit, orderIdent: ref.orderIdent });
}

export function getSystemInfoQuery(): XmlElement {
  return rk7Query(rk7Cmd('GetSystemInfo'));
}

export function getRefDataQuery(refName: string, propMask?: string): XmlElement {
  return rk7Query(rk7Cmd('GetRefData', { RefName: refName, OnlyActive: '1', PropMask: propMask }));
}

/** With `lastVersion`, the server answers Status "No changes" while its order table is still at that version. */
export function getOrderListQuery(lastVersion?: number): XmlElement {
  return rk7Query(
    rk7Cmd('GetOrderList', {
      onlyOpened: '1',
      needIdents: '1',
      needCodes: '1',
      needNames: '1',
      lastversion: lastVersion,
    }),
  );
}

export function getOrderQuery(ref: RkeeperOrderRef): XmlElement {
  return rk7Query(rk7Cmd('GetOrder', {}, [orderRefElement(ref)]));
}

export interface PayOrderQueryInput {
  order: RkeeperOrderRef;
  cashierCode: number;
  stationCode: number;
  payments: { currencyId: number; amountMinor: number }[];
  licenseInfo?: XmlElement;
}

/** Element order follows the vendor XSD: LicenseInfo, Order, Station, Cashier, Payment*. */
export function payOrderQuery(input: PayOrderQueryInput): XmlElement {
  return rk7Query(
    rk7Cmd('PayOrder', {}, [
      ...(input.licenseInfo ? [input.licenseInfo] : []),
      orderRefElement(input.order),
      element('Station', { code: input.stationCode }),
      element('Cashier', { code: input.cashierCode }),
      ...input.payments.map((p) => element('Payment', { id: p.currencyId, amount: p.amountMinor })),
    ]),
  );
}

export interface PrepayQueryInput {
  order: RkeeperOrderRef;
  currencyId: number;
  amountMinor: number;
  reasonId: number;
  stationCode?: number;
  licenseInfo?: XmlElement;
}

export function savePrepayQuery(input: PrepayQueryInput): XmlElement {
  const session = element('Session', {}, [
    ...(input.stationCode === undefined ? [] : [element('Station', { code: input.stationCode })]),
    element('Prepay', { id: input.currencyId, amount: input.amountMinor }, [
      element('Reason', { id: input.reasonId }),
    ]),
  ]);
  return rk7Query(
    rk7Cmd('SaveOrder', {}, [
      ...(input.licenseInfo ? [input.licenseInfo] : []),
      orderRefElement(input.order),
      session,
    ]),
  );
}

export function updateOrderPropsQuery(order: RkeeperOrderRef, props: Record<string, string>): XmlElement {
  const propElements = Object.entries(props).map(([name, value]) => element('Prop', { name, value }));
  return rk7Query(
    rk7Cmd('UpdateOrder', {}, [orderRefElement(order), element('ExternalProps', {}, propElements)]),
  );
}

export interface DeletePaymentsQueryInput {
  order: RkeeperOrderRef;
  managerCode: number;
  stationCode?: number;
  lineGuids: string[];
}

export function deleteReceiptPaymentsQuery(input: DeletePaymentsQueryInput): XmlElement {
  return rk7Query(
    rk7Cmd('DeleteReceiptPayments', {}, [
      orderRefElement(input.order),
      element('Manager', { code: input.managerCode }),
      ...(input.stationCode === undefined ? [] : [element('LockStation', { code: input.stationCode })]),
      ...input.lineGuids.map((lineGuid) => element('Pay', { line_guid: lineGuid })),
    ]),
  );
}
