import { WireAttrs } from './wire-attrs';

export const NOTIFY_ROOT_ATTRS = ['RestCode', 'DateTime', 'Situation', 'seqnumber', 'guid', 'name'] as const;
export type Rk7NotifyRootAttrs = WireAttrs<(typeof NOTIFY_ROOT_ATTRS)[number]>;

export const NOTIFY_ORDER_ATTRS = ['guid', 'visit', 'orderIdent', 'version'] as const;
export type Rk7NotifyOrderAttrs = WireAttrs<(typeof NOTIFY_ORDER_ATTRS)[number]>;
