import { ResponseBasketItem, parseResponseBasketItem } from './basket-item.wire';
import { Customer, parseCustomer } from './customer.wire';
import { readFileIds } from './order.wire';
import { WireReader, compact } from './wire-reader';

export interface OrderNotification {
  id: string;
  status: string;
  merchantId: string;
  merchantOrderId: string;
  merchantOrderIdVisible?: string;
  amount: number;
  vatAmount?: number;
  currencyId: string;
  description?: string;
  createdAt?: string;
  paidAt?: string;
  expirationDate?: string;
  orderContainerId?: string;
  subtype?: string;
  paymentUrl?: string;
  languageId?: string;
  processable?: boolean;
  basketItems?: ResponseBasketItem[];
  customer?: Customer;
  fileIds?: unknown[];
  metaData?: unknown;
}

export function parseOrderNotification(value: unknown, path: string): OrderNotification {
  const reader = WireReader.of(value, path);
  return compact<OrderNotification>({
    id: reader.string('id'),
    status: reader.string('status'),
    merchantId: reader.string('merchantId'),
    merchantOrderId: reader.optionalString('merchantOrderId') ?? '',
    merchantOrderIdVisible: reader.optionalString('merchantOrderIdVisible'),
    amount: reader.number('amount'),
    vatAmount: reader.optionalNumber('vatAmount'),
    currencyId: reader.string('currencyId'),
    description: reader.optionalString('description'),
    createdAt: reader.optionalString('createdAt'),
    paidAt: reader.optionalString('paidAt'),
    expirationDate: reader.optionalString('expirationDate'),
    orderContainerId: reader.optionalString('orderContainerId'),
    subtype: reader.optionalString('subtype'),
    paymentUrl: reader.optionalString('paymentUrl'),
    languageId: reader.optionalString('languageId'),
    processable: reader.optionalBoolean('processable'),
    basketItems: reader.optionalArray('basketItems', parseResponseBasketItem),
    customer: reader.has('customer') ? parseCustomer(reader.raw('customer'), `${path}.customer`) : undefined,
    fileIds: readFileIds(reader),
    metaData: reader.raw('metaData') ?? undefined,
  });
}
