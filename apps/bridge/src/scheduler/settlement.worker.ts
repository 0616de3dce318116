import { Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { ProcessDueSettlements, SettlementPolicy, describeError } from '@bridge/core';
import { PosLinkLeases } from '../sites/pos-link-leases';
import { SettlementSignalBus } from '../sites/settlement-signal-bus';
import { PROCESS_ID } from '../observability/process-id';

const TICK_MS = 1_000;

/**
 * Pushes payments to the POS/PMS: at once when a payment is recorded, and every second for retries
 * that came due. One run at a time per process; on shutdown the run in progress finishes first.
 */
@Injectable()
export class SettlementWorker implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(SettlementWorker.name);
  private running: Promise<void> | null = null;
  private again = false;
  private stopped = false;
  private timer?: NodeJS.Timeout;
  private unsubscribe?: () => void;

  constructor(
    private readonly processDue: ProcessDueSettlements,
    private readonly policy: SettlementPolicy,
    private readonly signal: SettlementSignalBus,
    private readonly links: PosLinkLeases,
  ) {}

  onApplicationBootstrap(): void {
    this.unsubscribe = this.signal.subscribe(() => this.trigger());
    this.timer = setInterval(() => this.trigger(), TICK_MS);
    this.trigger();
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopped = true;
    this.unsubscribe?.();
    if (this.timer) clearInterval(this.timer);
    await this.running;
  }

  private trigger(): void {
    if (this.stopped) return;
    if (this.running) {
      this.again = true;
      return;
    }
    this.running = this.drain().finally(() => {
      this.running = null;
    });
  }

  private async drain(): Promise<void> {
    do {
      this.again = false;
      try {
        const result = await this.processDue.execute({
          owner: PROCESS_ID,
          excludeSiteIds: this.links.notHeld(),
        });
        if (result.claimed >= this.policy.batchSize) this.again = true;
      } catch (error) {
        this.logger.error({ err: describeError(error) }, 'Settlement run failed');
      }
    } while (this.again && !this.stopped);
  }
}
