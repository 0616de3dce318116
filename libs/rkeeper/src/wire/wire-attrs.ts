import { XmlElement, attr } from '../xml/xml-tree';

export type WireAttrs<K extends string> = Partial<Record<K, string>>;

export function readAttrs<K extends string>(el: XmlElement, keys: readonly K[]): WireAttrs<K> {
  const result: WireAttrs<K> = {};
  for (const key of keys) {
    const value = attr(el, key);
    if (value !== undefined) result[key] = value;
  }
  return result;
}

export const REF_ATTRS = ['id', 'code', 'name', 'guid'] as const;
export type Rk7RefAttrs = WireAttrs<(typeof REF_ATTRS)[number]>;
