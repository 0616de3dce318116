import { Injectable, Logger, OnApplicationShutdown } from '@nestjs/common';
import { ListEvents, StoredAuditEvent, describeError } from '@bridge/core';
import { Observable, Subject } from 'rxjs';

const POLL_MS = 700;
/** Events of concurrent transactions can commit a little out of order: re-read a short window, skip ids seen. */
const OVERLAP_MS = 3_000;

export interface FeedEvent {
  id: number;
  at: string;
  siteId: string;
  type: string;
  billId: string | null;
}

/** The audit log as a live stream, read from the database so every bridge process sees every change. */
@Injectable()
export class EventFeed implements OnApplicationShutdown {
  private readonly logger = new Logger(EventFeed.name);
  private readonly events = new Subject<FeedEvent>();
  private subscribers = 0;
  private timer?: NodeJS.Timeout;
  private since = new Date();
  private seen = new Set<number>();
  private polling = false;

  constructor(private readonly listEvents: ListEvents) {}

  subscribe(): Observable<FeedEvent> {
    return new Observable<FeedEvent>((subscriber) => {
      const subscription = this.events.subscribe(subscriber);
      if (this.subscribers++ === 0) this.start();
      return () => {
        subscription.unsubscribe();
        if (--this.subscribers === 0) this.stop();
      };
    });
  }

  onApplicationShutdown(): void {
    this.stop();
    this.events.complete();
  }

  private start(): void {
    this.since = new Date();
    this.seen.clear();
    this.timer = setInterval(() => void this.poll(), POLL_MS);
  }

  private stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }

  private async poll(): Promise<void> {
    if (this.polling) return;
    this.polling = true;
    try {
      const from = new Date(this.since.getTime() - OVERLAP_MS);
      let fresh: StoredAuditEvent[] = [];
      for (let offset = 0; ; offset += 500) {
        const page = await this.listEvents.execute({ since: from, limit: 500, offset });
        fresh = fresh.concat(page.filter((e) => !this.seen.has(e.id)));
        if (page.length < 500) break;
      }
      for (const event of fresh) {
        this.seen.add(event.id);
        if (event.at > this.since) this.since = event.at;
        this.events.next({
          id: event.id,
          at: event.at.toISOString(),
          siteId: event.siteId,
          type: event.type,
          billId: event.billId ?? null,
        });
      }
      if (this.seen.size > 10_000) this.seen = new Set([...this.seen].slice(-5_000));
    } catch (error) {
      this.logger.warn({ err: describeError(error) }, 'Event feed poll failed');
    } finally {
      this.polling = false;
    }
  }
}
