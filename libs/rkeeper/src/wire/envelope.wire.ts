import { XmlElement, element } from '../xml/xml-tree';
import { WireAttrs } from './wire-attrs';

export const RK7_STATUS_OK = 'Ok';
export const RK7_STATUS_NO_CHANGES = 'No changes';

export const QUERY_RESULT_ATTRS = [
  'ServerVersion',
  'XmlVersion',
  'NetName',
  'Status',
  'CMD',
  'ErrorText',
  'RK7ErrorN',
  'DateTime',
  'WorkTime',
  'Processed',
] as const;
export type Rk7QueryResultAttrs = WireAttrs<(typeof QUERY_RESULT_ATTRS)[number]>;

export type Rk7Status =
  | 'Ok'
  | 'No changes'
  | 'Execution Started'
  | 'Query Parse Error'
  | 'Bad Query Parameters'
  | 'Query Executing Error'
  | 'Result Writing Error';

export function rk7Query(command: XmlElement): XmlElement {
  return element('RK7Query', {}, [command]);
}

export function rk7Cmd(
  cmd: string,
  attrs: Record<string, string | number | boolean | undefined> = {},
  children: XmlElement[] = [],
): XmlElement {
  return element('RK7CMD', { CMD: cmd, ...attrs }, children);
}
