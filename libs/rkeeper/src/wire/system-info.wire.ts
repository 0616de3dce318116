import { WireAttrs } from './wire-attrs';

export const SYSTEM_INFO_ATTRS = [
  'SystemTime',
  'ReqSysVer',
  'NetName',
  'ProcessID',
  'ShiftDate',
  'RestCode',
] as const;
export type Rk7SystemInfoAttrs = WireAttrs<(typeof SYSTEM_INFO_ATTRS)[number]>;
