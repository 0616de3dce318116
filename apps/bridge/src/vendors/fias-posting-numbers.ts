import { TypeormCounters } from '@bridge/persistence';
import { FiasPostingNumberStore, FileFiasPostingNumberStore } from '@bridge/fias';
import { DataSource } from 'typeorm';

/**
 * A site's P# high-water mark, kept twice: in the bridge database, so every process that may hold the hotel's
 * link (several bridges on one PostgreSQL) continues from the same mark; and in the site's file, which a
 * database restored from an older backup cannot take back (and which earlier versions kept alone). The higher
 * of the two wins.
 */
export class DatabaseFiasPostingNumberStore implements FiasPostingNumberStore {
  private readonly counters: TypeormCounters;
  private readonly name: string;

  constructor(
    dataSource: DataSource,
    siteId: string,
    private readonly file?: FileFiasPostingNumberStore,
  ) {
    this.counters = new TypeormCounters(dataSource);
    this.name = `fias.posting-number:${siteId}`;
  }

  async load(): Promise<number> {
    const [stored, fromFile] = await Promise.all([this.counters.current(this.name), this.file?.load() ?? 0]);
    return Math.max(stored, fromFile);
  }

  async save(highWater: number): Promise<void> {
    await this.counters.raiseTo(this.name, highWater);
    // Like the database's, the file's mark only goes up.
    if (this.file && highWater > (await this.file.load())) await this.file.save(highWater);
  }
}
