import { WireAttrs } from './wire-attrs';

export const LICENSE_INFO_ATTRS = ['anchor', 'licenseToken'] as const;
export type Rk7LicenseInfoAttrs = WireAttrs<(typeof LICENSE_INFO_ATTRS)[number]>;

export const LICENSE_INSTANCE_ATTRS = ['guid', 'seqNumber'] as const;
export type Rk7LicenseInstanceAttrs = WireAttrs<(typeof LICENSE_INSTANCE_ATTRS)[number]>;
