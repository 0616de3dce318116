import { WireAttrs } from './wire-attrs';

export const ORDER_ATTRS = [
  'visit',
  'orderIdent',
  'guid',
  'url',
  'orderName',
  'version',
  'crc32',
  'seqNumber',
  'persistentComment',
  'openTime',
  'locked',
  'deleted',
  'orderSum',
  'prepaySum',
  'promisedSum',
  'discountSum',
  'unpaidSum',
  'totalPieces',
  'cookMins',
  'paid',
  'finished',
] as const;
/** `<Order>` of GetOrder / SaveOrder answers: camelCase, unlike GetOrderList. */
export type Rk7OrderAttrs = WireAttrs<(typeof ORDER_ATTRS)[number]>;

export const SESSION_ATTRS = ['uni', 'line_guid', 'sessionID', 'isDraft', 'printed', 'cookMins'] as const;
export type Rk7SessionAttrs = WireAttrs<(typeof SESSION_ATTRS)[number]>;

export const DISH_ATTRS = [
  'id',
  'code',
  'name',
  'uni',
  'line_guid',
  'price',
  'quantity',
  'amount',
  'seat',
] as const;
export type Rk7DishAttrs = WireAttrs<(typeof DISH_ATTRS)[number]>;

export const MODI_ATTRS = ['id', 'code', 'name', 'uni', 'line_guid', 'price', 'count', 'amount'] as const;
export type Rk7ModiAttrs = WireAttrs<(typeof MODI_ATTRS)[number]>;

export const DISCOUNT_ATTRS = ['id', 'code', 'name', 'uni', 'line_guid', 'amount', 'deleted'] as const;
export type Rk7DiscountAttrs = WireAttrs<(typeof DISCOUNT_ATTRS)[number]>;

/** `<Pay>` and `<Prepay>` share the payItem type: `id` is the currency ident, `amount` in kopecks. */
export const PAY_ATTRS = ['id', 'code', 'name', 'uni', 'line_guid', 'amount', 'deleted', 'promised'] as const;
export type Rk7PayAttrs = WireAttrs<(typeof PAY_ATTRS)[number]>;

export const PRINT_CHECK_ATTRS = [
  'uni',
  'line_guid',
  'CheckNum',
  'amount',
  'deleted',
  'bill',
  'printTime',
] as const;
export type Rk7PrintCheckAttrs = WireAttrs<(typeof PRINT_CHECK_ATTRS)[number]>;

export const EXTERNAL_PROP_ATTRS = ['name', 'value'] as const;
export type Rk7ExternalPropAttrs = WireAttrs<(typeof EXTERNAL_PROP_ATTRS)[number]>;
