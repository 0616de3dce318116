import { WireReader, compact } from './wire-reader';

/** §9.1. Kept as `string` on the wire: the accepted set is configuration, not a compile-time fact. */
export const KNOWN_VAT_CODES = [
  'VATNONE',
  'RUS_VAT0',
  'RUS_VAT5',
  'RUS_VAT7',
  'RUS_VAT10',
  'RUS_VAT20',
  'RUS_VAT22',
  'RUS_VAT5_ADDED',
  'RUS_VAT7_ADDED',
  'RUS_VAT10_ADDED',
  'RUS_VAT20_ADDED',
  'RUS_VAT22_ADDED',
] as const;

export type KnownVatCode = (typeof KNOWN_VAT_CODES)[number];

export type BasketItemType = 'service' | 'commodity' | number;

export type PaymentType = 'full_prepayment' | 'prepayment' | 'advance' | 'full_payment';

export const PAYMENT_TYPES: readonly PaymentType[] = [
  'full_prepayment',
  'prepayment',
  'advance',
  'full_payment',
];

const ITEM_TYPES = ['service', 'commodity'] as const;

export interface BasketItem {
  sku: string;
  name: string;
  groupName?: string;
  measure: string;
  measureCode: string;
  originCountry?: string;
  originCountryCode?: string;
  grossWeight?: number;
  netWeight?: number;
  quantity: number;
  amount: number;
  amountWoVat: number;
  totalAmount: number;
  totalVatAmount: number;
  excise?: number;
  vatCode: string;
  type: BasketItemType;
  serviceDate?: string;
  paymentType: PaymentType;
  categoryType?: 'merchantHonestSignMap' | 'honestSign';
  category?: string;
  metaData?: Readonly<Record<string, unknown>>;
}

export interface ResponseBasketItem {
  sku: string;
  name: string;
  quantity: number;
  amount: number;
  totalAmount: number;
  amountWoVat?: number;
  totalVatAmount?: number;
  vatCode?: string;
  measure?: string;
  measureCode?: string;
  type?: BasketItemType;
  paymentType?: string;
}

/** `GET .../refund-basket-item` (§4.4); `available*` are seen only in the MCP client. */
export interface RefundableBasketItem extends BasketItem {
  availableAmount?: number;
  availableVatAmount?: number;
}

function readItemType(reader: WireReader): BasketItemType {
  return typeof reader.raw('type') === 'number' ? reader.number('type') : reader.oneOf('type', ITEM_TYPES);
}

export function parseResponseBasketItem(value: unknown, path: string): ResponseBasketItem {
  const reader = WireReader.of(value, path);
  return compact<ResponseBasketItem>({
    sku: reader.string('sku'),
    name: reader.string('name'),
    quantity: reader.number('quantity'),
    amount: reader.number('amount'),
    totalAmount: reader.number('totalAmount'),
    amountWoVat: reader.optionalNumber('amountWoVat'),
    totalVatAmount: reader.optionalNumber('totalVatAmount'),
    vatCode: reader.optionalString('vatCode'),
    measure: reader.optionalString('measure'),
    measureCode: reader.optionalString('measureCode'),
    type: reader.has('type') ? readItemType(reader) : undefined,
    paymentType: reader.optionalString('paymentType'),
  });
}

export function parseRefundableBasketItem(value: unknown, path: string): RefundableBasketItem {
  const reader = WireReader.of(value, path);
  return compact<RefundableBasketItem>({
    sku: reader.string('sku'),
    name: reader.string('name'),
    groupName: reader.optionalString('groupName'),
    measure: reader.string('measure'),
    measureCode: reader.string('measureCode'),
    quantity: reader.number('quantity'),
    amount: reader.number('amount'),
    amountWoVat: reader.number('amountWoVat'),
    totalAmount: reader.number('totalAmount'),
    totalVatAmount: reader.number('totalVatAmount'),
    vatCode: reader.string('vatCode'),
    type: readItemType(reader),
    paymentType: reader.oneOf('paymentType', PAYMENT_TYPES),
    serviceDate: reader.optionalString('serviceDate'),
    availableAmount: reader.optionalNumber('availableAmount'),
    availableVatAmount: reader.optionalNumber('availableVatAmount'),
  });
}
