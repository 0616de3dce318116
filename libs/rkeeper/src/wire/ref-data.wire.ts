import { WireAttrs } from './wire-attrs';

export const REFERENCE_ATTRS = ['ClassName', 'Name', 'Count', 'DataVersion'] as const;
export type Rk7ReferenceAttrs = WireAttrs<(typeof REFERENCE_ATTRS)[number]>;

export const REF_ITEM_ATTRS = [
  'Ident',
  'ItemIdent',
  'GUIDString',
  'Code',
  'Name',
  'AltName',
  'Status',
  'MainParentIdent',
  'Hall',
  'CategPath',
  'Parent',
] as const;
export type Rk7RefItemAttrs = WireAttrs<(typeof REF_ITEM_ATTRS)[number]>;
