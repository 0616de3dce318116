import { JobLock } from '@bridge/core';
import { TypeormJobLock } from '@bridge/persistence';
import { DataSource } from 'typeorm';
import { LoadedConfig } from '../../bridge/src/config/load-config';
import { LINK_LEASE_TTL_MS, linkLeaseKey } from '../../bridge/src/sites/pos-link-leases';
import {
  DatabaseInUseError,
  ProcessLock,
  acquireSqliteProcessLock,
  sqliteFileOf,
} from '../../bridge/src/process/sqlite-process-lock';
import { CliError } from './exit-codes';
import { openDatabase } from './database';

/** Sites whose POS/PMS accepts one client at a time: a second connection would take the bridge's link. */
export function hasExclusiveLink(kind: string): boolean {
  return kind === 'fias';
}

export interface LinkClaim {
  owned: ReadonlySet<string>;
  refused: ReadonlyMap<string, string>;
  release(): Promise<void>;
}

/**
 * Takes the exclusive links of `siteIds` the way a bridge process would: on SQLite the process lock (the
 * running bridge holds it), on PostgreSQL each site's `pos-link:<siteId>` lease. What another process holds is
 * refused, so a command run at 3 a.m. never knocks the running bridge off a hotel's PMS.
 */
export async function claimLinks(loaded: LoadedConfig, siteIds: string[]): Promise<LinkClaim> {
  const exclusive = loaded.config.sites
    .filter((site) => siteIds.includes(site.id) && hasExclusiveLink(site.kind))
    .map((site) => site.id);
  const none: LinkClaim = { owned: new Set(), refused: new Map(), release: async () => undefined };
  if (exclusive.length === 0) return none;
  const url = loaded.config.database.url;
  const file = sqliteFileOf(url);
  if (file) {
    let lock: ProcessLock;
    try {
      lock = acquireSqliteProcessLock(file);
    } catch (error) {
      if (!(error instanceof DatabaseInUseError)) throw error;
      const reason = `the running bridge (${error.holder}) holds the only link; see its /readyz`;
      return { ...none, refused: new Map(exclusive.map((siteId) => [siteId, reason])) };
    }
    return { owned: new Set(exclusive), refused: new Map(), release: async () => lock.release() };
  }
  let dataSource: DataSource;
  try {
    dataSource = await openDatabase(url, { create: false });
  } catch (error) {
    const reason = `cannot tell whether a bridge holds the link: ${error instanceof CliError ? error.message : String(error)}`;
    return { ...none, refused: new Map(exclusive.map((siteId) => [siteId, reason])) };
  }
  const leases = await Promise.all(
    exclusive.map((siteId) => holdLease(new TypeormJobLock(dataSource), siteId)),
  );
  return {
    owned: new Set(exclusive.filter((_, index) => leases[index] !== null)),
    refused: new Map(
      exclusive
        .filter((_, index) => leases[index] === null)
        .map((siteId) => [siteId, 'a running bridge process holds the link lease; see its /readyz']),
    ),
    async release() {
      await Promise.all(leases.map((lease) => lease?.())).finally(() => dataSource.destroy());
    },
  };
}

/** The lease key of the bridge's PosLinkLeases; resolves to its release, or null when another process holds it. */
function holdLease(jobLock: JobLock, siteId: string): Promise<(() => Promise<void>) | null> {
  return new Promise((resolve, reject) => {
    let letGo: () => void = () => undefined;
    const held = new Promise<void>((done) => (letGo = done));
    const run = jobLock.tryRun(linkLeaseKey(siteId), LINK_LEASE_TTL_MS, async () => {
      resolve(async () => {
        letGo();
        await run;
      });
      await held;
    });
    run.then((result) => {
      if (!result.ran) resolve(null);
    }, reject);
  });
}
