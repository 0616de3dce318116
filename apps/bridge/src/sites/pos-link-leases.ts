import { setTimeout as sleep } from 'node:timers/promises';
import { Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { JobLock, PosAdapterRegistry, describeError } from '@bridge/core';
import { BridgeConfig, SiteConfig } from '../config/bridge-config';

/** Renewed every third of it; a dead holder's link is free this long after its last renewal. */
export const LINK_LEASE_TTL_MS = 15_000;

/** The JobLock key of a site's exclusive link: the bridge and the CLI must agree on it. */
export const linkLeaseKey = (siteId: string): string => `pos-link:${siteId}`;
const ACQUIRE_RETRY_MS = 2_000;

/**
 * FIAS allows one client per hotel: a second connection takes the link and drops the first. With several
 * bridge processes (PostgreSQL) such a site's link belongs to whoever holds its lease.
 */
export function needsLinkLease(site: SiteConfig, config: BridgeConfig): boolean {
  return site.kind === 'fias' && /^postgres(ql)?:/i.test(config.database.url);
}

/**
 * Holds the exclusive POS/PMS links of this process: one lease per such site (`pos-link:<siteId>`). The
 * holder opens the link, syncs the site and applies its payments; the other processes leave it alone and
 * try again every couple of seconds, so a dead holder's site is taken over within the lease TTL.
 */
@Injectable()
export class PosLinkLeases implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(PosLinkLeases.name);
  private readonly leased: string[];
  private readonly held = new Set<string>();
  private readonly release = new Map<string, () => void>();
  private readonly loops: Promise<void>[] = [];
  private readonly stop = new AbortController();

  constructor(
    config: BridgeConfig,
    private readonly jobLock: JobLock,
    private readonly pos: PosAdapterRegistry,
  ) {
    this.leased = config.sites.filter((site) => needsLinkLease(site, config)).map((site) => site.id);
  }

  onApplicationBootstrap(): void {
    for (const siteId of this.leased) this.loops.push(this.keepTrying(siteId));
  }

  async onApplicationShutdown(): Promise<void> {
    this.stop.abort();
    for (const release of this.release.values()) release();
    await Promise.all(this.loops);
  }

  /** False only for a leased site another process holds now. */
  holds(siteId: string): boolean {
    return !this.leased.includes(siteId) || this.held.has(siteId);
  }

  /** The sites whose settlements another process applies. */
  notHeld(): string[] {
    return this.leased.filter((siteId) => !this.held.has(siteId));
  }

  private async keepTrying(siteId: string): Promise<void> {
    while (!this.stop.signal.aborted) {
      try {
        await this.jobLock.tryRun(linkLeaseKey(siteId), LINK_LEASE_TTL_MS, (lost) => this.hold(siteId, lost));
      } catch (error) {
        this.logger.warn({ siteId, err: describeError(error) }, 'POS/PMS link lease not acquired');
      }
      await sleep(ACQUIRE_RETRY_MS, undefined, { signal: this.stop.signal }).catch(() => undefined);
    }
  }

  private async hold(siteId: string, lost: AbortSignal): Promise<void> {
    const adapter = this.pos.forSite(siteId);
    // A PMS that is down does not give the lease away: the adapter reconnects on its own.
    await adapter
      .start()
      .catch((error: unknown) =>
        this.logger.warn({ siteId, err: describeError(error) }, 'Link start failed; retrying'),
      );
    this.held.add(siteId);
    this.logger.log({ siteId }, 'This process holds the POS/PMS link of the site');
    await new Promise<void>((resolve) => {
      if (lost.aborted || this.stop.signal.aborted) return resolve();
      lost.addEventListener('abort', () => resolve(), { once: true });
      this.release.set(siteId, resolve);
    });
    this.held.delete(siteId);
    this.release.delete(siteId);
    await adapter.stop().catch(() => undefined);
    if (!this.stop.signal.aborted) this.logger.warn({ siteId }, 'POS/PMS link lease lost; link closed');
  }
}
