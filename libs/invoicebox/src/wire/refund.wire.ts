import { BasketItem, ResponseBasketItem, parseResponseBasketItem } from './basket-item.wire';
import { WireReader, compact } from './wire-reader';

export interface RefundOrderRequest {
  parentId: string;
  merchantOrderId: string;
  amount: number;
  vatAmount: number;
  basketItems: BasketItem[];
  description: string;
  status?: 'created' | 'draft';
}

export interface RefundOrderResponse {
  id: string;
  parentId: string;
  merchantOrderId: string;
  merchantId?: string;
  description?: string;
  amount: number;
  vatAmount?: number;
  currencyId?: string;
  basketItems?: ResponseBasketItem[];
  createdAt?: string;
  status: string;
}

export function parseRefundOrderResponse(value: unknown, path: string): RefundOrderResponse {
  const reader = WireReader.of(value, path);
  return compact<RefundOrderResponse>({
    id: reader.string('id'),
    parentId: reader.string('parentId'),
    merchantOrderId: reader.string('merchantOrderId'),
    merchantId: reader.optionalString('merchantId'),
    description: reader.optionalString('description'),
    amount: reader.number('amount'),
    vatAmount: reader.optionalNumber('vatAmount'),
    currencyId: reader.optionalString('currencyId'),
    basketItems: reader.optionalArray('basketItems', parseResponseBasketItem),
    createdAt: reader.optionalString('createdAt'),
    status: reader.string('status'),
  });
}
