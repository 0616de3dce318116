import { XmlElement, buildXml } from '@bridge/rkeeper';
import * as http from 'node:http';
import * as https from 'node:https';

export interface SimNotifierStats {
  enqueued: number;
  delivered: number;
  dropped: number;
  failedAttempts: number;
  pending: number;
}

export interface SimNotifierOptions {
  url: string;
  /** The real driver keeps 256 events per address and refuses new ones when full. */
  capacity: number;
  retryDelayMs: number;
  timeoutMs: number;
}

/**
 * HTTP Order Notify, as the cash server does it: one POST per event, strictly FIFO, the head retried until it is
 * delivered, new events dropped while the queue is full, everything pending lost on shutdown.
 */
export class SimNotifier {
  private readonly queue: string[] = [];
  private sending = false;
  private closed = false;
  private retryTimer?: NodeJS.Timeout;
  private inFlight?: http.ClientRequest;
  private readonly stats = { enqueued: 0, delivered: 0, dropped: 0, failedAttempts: 0 };
  private readonly target: URL;

  constructor(private readonly options: SimNotifierOptions) {
    this.target = new URL(options.url);
  }

  enqueue(event: XmlElement): void {
    if (this.closed) return;
    if (this.queue.length >= this.options.capacity) {
      this.stats.dropped += 1;
      return;
    }
    this.queue.push(buildXml(event, 'utf-8'));
    this.stats.enqueued += 1;
    this.pump();
  }

  snapshot(): SimNotifierStats {
    return { ...this.stats, pending: this.queue.length };
  }

  close(): void {
    this.closed = true;
    this.queue.length = 0;
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.inFlight?.destroy();
  }

  private pump(): void {
    if (this.sending || this.closed || this.queue.length === 0) return;
    this.sending = true;
    const body = Buffer.from(this.queue[0], 'utf8');
    this.post(body).then((ok) => {
      this.sending = false;
      if (this.closed) return;
      if (ok) {
        this.queue.shift();
        this.stats.delivered += 1;
        this.pump();
        return;
      }
      this.stats.failedAttempts += 1;
      this.retryTimer = setTimeout(() => this.pump(), this.options.retryDelayMs);
      this.retryTimer.unref();
    });
  }

  private post(body: Buffer): Promise<boolean> {
    return new Promise((resolve) => {
      const transport = this.target.protocol === 'https:' ? https : http;
      const req = transport.request(this.target, {
        method: 'POST',
        headers: { 'Content-Type': 'application/xml; charset=utf-8', 'Content-Length': body.length },
        timeout: this.options.timeoutMs,
        // The receiving bridge may itself run on a self-signed certificate.
        rejectUnauthorized: false,
      });
      this.inFlight = req;
      req.on('timeout', () => req.destroy(new Error('notify timeout')));
      req.on('error', () => resolve(false));
      req.on('response', (res) => {
        res.resume();
        res.on('end', () => resolve((res.statusCode ?? 0) >= 200 && (res.statusCode ?? 0) < 300));
        res.on('error', () => resolve(false));
      });
      req.end(body);
    });
  }
}
