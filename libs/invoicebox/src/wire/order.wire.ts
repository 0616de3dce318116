import { BasketItem, ResponseBasketItem, parseResponseBasketItem } from './basket-item.wire';
import { Customer, parseCustomer } from './customer.wire';
import { WireReader, WireShapeError, compact, isWireObject } from './wire-reader';

export type LanguageId = 'ru' | 'en';

export type RoundPolicy = 'strict' | 'none' | 'floor' | 'ceil' | 'halfUp' | 'halfDown';

export interface InvoiceSetting {
  customerLocked?: boolean;
  customerLockedFields?: string[];
  paymentMethodIdLocked?: boolean;
  paymentMethodId?: number;
  deliveryAddress?: string;
}

export interface OrderSetting {
  roundPolicy?: RoundPolicy;
}

export interface CreateOrderRequest {
  merchantId: string;
  merchantOrderId: string;
  merchantOrderIdVisible?: string;
  description: string;
  amount: number;
  vatAmount: number;
  currencyId: string;
  languageId?: LanguageId;
  expirationDate: string;
  basketItems: BasketItem[];
  customer: Customer;
  metaData?: Readonly<Record<string, unknown>>;
  notificationUrl?: string;
  successUrl?: string;
  failUrl?: string;
  returnUrl?: string;
  invoiceSetting?: InvoiceSetting;
  orderSetting?: OrderSetting;
  parentId?: string;
  orderContainerId?: string;
  shopId?: string | number;
  userAccountId?: string;
  processable?: boolean;
}

export type OrderStatus = 'created' | 'completed' | 'expired' | 'canceled' | 'hold' | 'draft';

/** §3.6: the request echoed back plus server fields. `status` stays a string: the set is not closed (§12.1). */
export interface OrderResponse {
  id: string;
  merchantId?: string;
  merchantOrderId: string;
  merchantOrderIdVisible?: string;
  status: string;
  amount: number;
  vatAmount?: number;
  currencyId: string;
  description?: string;
  paymentUrl?: string;
  orderContainerId?: string;
  createdAt?: string;
  paidAt?: string;
  expirationDate?: string;
  subtype?: string;
  processingStatus?: string;
  processable?: boolean;
  languageId?: string;
  parentId?: string;
  shopId?: string | number;
  basketItems?: ResponseBasketItem[];
  customer?: Customer;
  fileIds?: unknown[];
  metaData?: unknown;
}

/** `fileIds` arrives as `[]` or `{}` (§8.5); both become an array. */
export function readFileIds(reader: WireReader): unknown[] | undefined {
  const value = reader.raw('fileIds');
  if (value === undefined || value === null) return undefined;
  if (Array.isArray(value)) return value;
  if (isWireObject(value)) return Object.values(value);
  throw new WireShapeError(`${reader.path}.fileIds`, 'an array or an object');
}

export function parseOrderResponse(value: unknown, path: string): OrderResponse {
  const reader = WireReader.of(value, path);
  return compact<OrderResponse>({
    id: reader.string('id'),
    merchantId: reader.optionalString('merchantId'),
    merchantOrderId: reader.string('merchantOrderId'),
    merchantOrderIdVisible: reader.optionalString('merchantOrderIdVisible'),
    status: reader.string('status'),
    amount: reader.number('amount'),
    vatAmount: reader.optionalNumber('vatAmount'),
    currencyId: reader.string('currencyId'),
    description: reader.optionalString('description'),
    paymentUrl: reader.optionalString('paymentUrl'),
    orderContainerId: reader.optionalString('orderContainerId'),
    createdAt: reader.optionalString('createdAt'),
    paidAt: reader.optionalString('paidAt'),
    expirationDate: reader.optionalString('expirationDate'),
    subtype: reader.optionalString('subtype'),
    processingStatus: reader.optionalString('processingStatus'),
    processable: reader.optionalBoolean('processable'),
    languageId: reader.optionalString('languageId'),
    parentId: reader.optionalString('parentId'),
    shopId: reader.has('shopId') ? reader.stringOrNumber('shopId') : undefined,
    basketItems: reader.optionalArray('basketItems', parseResponseBasketItem),
    customer: reader.has('customer') ? parseCustomer(reader.raw('customer'), `${path}.customer`) : undefined,
    fileIds: readFileIds(reader),
    metaData: reader.raw('metaData') ?? undefined,
  });
}
