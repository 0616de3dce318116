import { WireAttrs } from './wire-attrs';

export const VISIT_ATTRS = ['VisitID', 'guid', 'Finished', 'GuestsCount', 'PersistentComment'] as const;
export type Rk7VisitAttrs = WireAttrs<(typeof VISIT_ATTRS)[number]>;

export const ORDER_LIST_ITEM_ATTRS = [
  'OrderID',
  'OrderName',
  'Version',
  'crc32',
  'guid',
  'url',
  'locked',
  'OrderSum',
  'ToPaySum',
  'PrepaySum',
  'PromisedSum',
  'PriceListSum',
  'TotalPieces',
  'CreateTime',
  'FinishTime',
  'Finished',
  'Bill',
  'BillTime',
  'TableID',
  'TableCode',
  'TableName',
  'WaiterID',
  'WaiterCode',
  'WaiterName',
  'OrderTypeID',
  'OrderTypeCode',
] as const;
/** `<Visit><Orders><Order .../></Orders></Visit>`: PascalCase, unlike GetOrder. */
export type Rk7OrderListItemAttrs = WireAttrs<(typeof ORDER_LIST_ITEM_ATTRS)[number]>;
