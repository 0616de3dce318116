import { TypeormCounters } from '@bridge/persistence';
import { RkeeperLicenseSeqStore } from '@bridge/rkeeper';
import { DataSource } from 'typeorm';

/**
 * The LicenseInstance seqNumber in the bridge database: the licence server refuses a number it has seen, so
 * the count must survive restarts and be shared by every process that calls r_keeper for the same instance.
 */
export class DatabaseLicenseSeqStore implements RkeeperLicenseSeqStore {
  private readonly counters: TypeormCounters;

  constructor(dataSource: DataSource) {
    this.counters = new TypeormCounters(dataSource);
  }

  next(instanceGuid: string): Promise<number> {
    return this.counters.next(`rkeeper.license-seq:${instanceGuid}`);
  }
}
