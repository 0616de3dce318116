import { XmlElement, element } from './xml/xml-tree';

/** Subscription licence of the XML interface (r_keeper 7.6.2.286+ / 7.6.4.347+ / 7.6.5.40+), reference §1.1. */
export interface RkeeperLicenseConfig {
  /** "6:{productGuid}#{restCode}/17" */
  anchor: string;
  licenseToken: string;
  /** Generated once per installation and kept. */
  instanceGuid: string;
}

/**
 * Hands out the LicenseInstance seqNumber: 0 on the first call for an instance guid, one more on each next call,
 * persisted so a restart does not go back (the licence server rejects a number it has already seen).
 */
export interface RkeeperLicenseSeqStore {
  next(instanceGuid: string): Promise<number>;
}

export class InMemoryLicenseSeqStore implements RkeeperLicenseSeqStore {
  private readonly counters = new Map<string, number>();

  async next(instanceGuid: string): Promise<number> {
    const value = this.counters.get(instanceGuid) ?? 0;
    this.counters.set(instanceGuid, value + 1);
    return value;
  }
}

export function licenseInfoElement(license: RkeeperLicenseConfig, seqNumber: number): XmlElement {
  return element('LicenseInfo', { anchor: license.anchor, licenseToken: license.licenseToken }, [
    element('LicenseInstance', { guid: license.instanceGuid, seqNumber }),
  ]);
}

/** For audit logs: the token is a credential. */
export function maskLicenseToken(xml: string): string {
  return xml.replace(/(licenseToken=")[^"]*(")/g, '$1***$2');
}
