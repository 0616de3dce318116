import { BeforeApplicationShutdown, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { PosAdapterRegistry, RefreshBill, describeError } from '@bridge/core';
import { RkeeperPosAdapter } from '@bridge/rkeeper';
import { BridgeConfig } from '../config/bridge-config';
import { PrecheckLinkService } from './precheck-link.service';

interface Slot {
  tail: Promise<void>;
  started: boolean;
}

/**
 * The bill refresh path of r_keeper sites: a push hint from the cash server, or a pre-check the order list shows
 * printed, re-reads that one order (core RefreshBill) and then lets the pre-check step act on what was read.
 * Refreshes of one order run one after another; hints that arrive while one is waiting join it.
 */
@Injectable()
export class OrderRefreshService implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(OrderRefreshService.name);
  private readonly slots = new Map<string, Slot>();
  private readonly unsubscribers: Array<() => void> = [];
  private stopped = false;

  constructor(
    private readonly config: BridgeConfig,
    private readonly refreshBill: RefreshBill,
    private readonly precheck: PrecheckLinkService,
    private readonly pos: PosAdapterRegistry,
  ) {}

  onApplicationBootstrap(): void {
    for (const site of this.config.sites) {
      if (!this.precheck.enabledFor(site.id)) continue;
      const adapter = this.pos.forSite(site.id);
      if (!(adapter instanceof RkeeperPosAdapter)) continue;
      this.unsubscribers.push(
        adapter.onPrecheckPrinted((externalId) => void this.request(site.id, externalId)),
      );
    }
  }

  async beforeApplicationShutdown(): Promise<void> {
    this.stopped = true;
    this.unsubscribers.splice(0).forEach((unsubscribe) => unsubscribe());
    await Promise.all([...this.slots.values()].map((slot) => slot.tail));
  }

  /** Resolves when the order was re-read (or the attempt failed and was logged); never rejects. */
  request(siteId: string, externalId: string): Promise<void> {
    const key = `${siteId}\u0000${externalId}`;
    const current = this.slots.get(key);
    if (current && !current.started) return current.tail;
    const slot: Slot = { tail: Promise.resolve(), started: false };
    slot.tail = (current?.tail ?? Promise.resolve()).then(async () => {
      slot.started = true;
      await this.run(siteId, externalId);
    });
    this.slots.set(key, slot);
    void slot.tail.then(() => {
      if (this.slots.get(key) === slot) this.slots.delete(key);
    });
    return slot.tail;
  }

  private async run(siteId: string, externalId: string): Promise<void> {
    if (this.stopped) return;
    try {
      const bill = await this.refreshBill.execute({ siteId, externalId });
      await this.precheck.afterRefresh(bill);
    } catch (error) {
      this.logger.warn(
        { siteId, externalId, err: describeError(error) },
        'Order refresh after an r_keeper hint failed',
      );
    }
  }
}
