import { createHmac, randomUUID } from 'node:crypto';
import http from 'node:http';
import https from 'node:https';
import { OffsetClock } from './clock';
import { MerchantRecord } from './state';
import { Timers } from './timers';
import {
  AttemptOutcome,
  DeliveryAttempt,
  DeliveryRecord,
  Json,
  NotificationChannel,
  SandboxLogger,
  WebhookSettings,
} from './types';
import { WsGateway, rpcId } from './ws-gateway';
import { atom, isJsonObject, phpJsonEncode } from './wire';

export const TEST_NOTIFICATION_ID = 'ffffffff-ffff-ffff-ffff-ffffffffffff';
const CHANNELS: readonly NotificationChannel[] = ['webhook', 'websocket'];
const MAX_REPLY_BYTES = 64 * 1024;

interface Knob {
  kind: 'drop' | 'duplicate';
  remaining: number;
  channel: NotificationChannel | null;
  concurrent: boolean;
}

export interface NotificationPayload {
  id: string;
  status: string;
  [key: string]: unknown;
}

interface PostResult {
  status: number | null;
  body: string | null;
  error: string | null;
}

export interface NotifierHooks {
  clock: OffsetClock;
  webhook: () => WebhookSettings;
  ws: WsGateway;
  logger: SandboxLogger;
}

export function signBody(body: string, key: string): string {
  return createHmac('sha1', key).update(Buffer.from(body, 'utf8')).digest('hex');
}

export class Notifier {
  readonly deliveries: DeliveryRecord[] = [];
  readonly attempts: DeliveryAttempt[] = [];
  private knobs: Knob[] = [];
  private readonly holding = new Set<NotificationChannel>();
  private held: DeliveryRecord[] = [];
  private readonly inFlight = new Set<Promise<void>>();
  /** Bumped by reset(), so an attempt already on the wire cannot schedule retries into the next test. */
  private epoch = 0;
  private readonly requests = new Set<http.ClientRequest>();
  private readonly timers = new Timers();
  private readonly httpAgent = new http.Agent({ keepAlive: false });
  private readonly httpsAgent = new https.Agent({ keepAlive: false });

  constructor(private readonly hooks: NotifierHooks) {}

  addKnob(kind: Knob['kind'], count: number, channel: NotificationChannel | null, concurrent = false): void {
    if (!(Number.isInteger(count) && count > 0)) throw new RangeError('count must be a positive integer');
    this.knobs.push({ kind, remaining: count, channel, concurrent });
  }

  hold(channel: NotificationChannel | null): void {
    for (const c of channel ? [channel] : CHANNELS) this.holding.add(c);
  }

  publish(
    merchant: MerchantRecord,
    payload: NotificationPayload,
    url: string | null,
    test: boolean,
  ): DeliveryRecord[] {
    const channels = CHANNELS.filter((c) => merchant.channels[c] && (c !== 'webhook' || url !== null));
    if (merchant.channels.webhook && url === null)
      this.hooks.logger.warn('No notification URL; webhook skipped', { merchantId: merchant.merchantId });
    const dropped = this.takeKnob('drop', channels);
    const duplicate = this.takeKnob('duplicate', channels);
    const created: DeliveryRecord[] = [];
    for (const channel of channels) {
      const first = this.createDelivery(channel, merchant, payload, url, test, null);
      const copies = [first];
      if (duplicate?.channels.includes(channel))
        copies.push(this.createDelivery(channel, merchant, payload, url, test, first.id));
      created.push(...copies);
      if (dropped?.channels.includes(channel)) {
        for (const copy of copies) copy.state = 'dropped';
      } else if (this.holding.has(channel)) {
        for (const copy of copies) copy.state = 'held';
        this.held.push(...copies);
      } else if (copies.length > 1 && !duplicate?.concurrent) {
        this.track(this.dispatch(first).then(() => this.dispatch(copies[1])));
      } else {
        for (const copy of copies) this.track(this.dispatch(copy));
      }
    }
    return created;
  }

  private takeKnob(
    kind: Knob['kind'],
    channels: readonly NotificationChannel[],
  ): { channels: NotificationChannel[]; concurrent: boolean } | null {
    const knob = this.knobs.find(
      (k) => k.kind === kind && (k.channel === null || channels.includes(k.channel)),
    );
    if (!knob || channels.length === 0) return null;
    knob.remaining -= 1;
    if (knob.remaining <= 0) this.knobs = this.knobs.filter((k) => k !== knob);
    return { channels: knob.channel ? [knob.channel] : [...channels], concurrent: knob.concurrent };
  }

  private createDelivery(
    channel: NotificationChannel,
    merchant: MerchantRecord,
    payload: NotificationPayload,
    url: string | null,
    test: boolean,
    duplicateOf: string | null,
  ): DeliveryRecord {
    const id = channel === 'websocket' ? rpcId() : null;
    const body =
      channel === 'webhook'
        ? phpJsonEncode(payload)
        : phpJsonEncode({ jsonrpc: '2.0', id, method: 'onOrderStatusChange', params: [payload] });
    const delivery: DeliveryRecord = {
      id: randomUUID(),
      channel,
      merchantId: merchant.merchantId,
      orderId: payload.id,
      orderStatus: payload.status,
      test,
      duplicateOf,
      body,
      signature: channel === 'webhook' ? signBody(body, merchant.notificationKey) : null,
      url: channel === 'webhook' ? url : null,
      rpcId: id,
      state: 'pending',
      attempts: 0,
      createdAt: atom(this.hooks.clock.nowMs()),
      deliveredAt: null,
    };
    this.deliveries.push(delivery);
    return delivery;
  }

  private async dispatch(delivery: DeliveryRecord): Promise<void> {
    if (delivery.channel === 'websocket') this.hooks.ws.push(delivery);
    else await this.attemptWebhook(delivery);
  }

  private track(work: Promise<void>): void {
    const tracked = work.catch((error: unknown) => {
      this.hooks.logger.error('Notification dispatch failed', { error: String(error) });
    });
    this.inFlight.add(tracked);
    void tracked.finally(() => this.inFlight.delete(tracked));
  }

  private async attemptWebhook(delivery: DeliveryRecord): Promise<void> {
    if (delivery.url === null || delivery.signature === null) return;
    const settings = this.hooks.webhook();
    const epoch = this.epoch;
    delivery.attempts += 1;
    delivery.state = 'in_flight';
    const attempt = delivery.attempts;
    const startedAt = atom(this.hooks.clock.nowMs());
    const result = await this.post(delivery.url, delivery.body, delivery.signature, settings.timeoutMs);
    if (epoch !== this.epoch) return;
    const { outcome, reason } = judgeReply(result, settings.retryOnErrorCodes);
    this.attempts.push({
      deliveryId: delivery.id,
      channel: 'webhook',
      orderId: delivery.orderId,
      attempt,
      url: delivery.url,
      startedAt,
      finishedAt: atom(this.hooks.clock.nowMs()),
      outcome,
      httpStatus: result.status,
      responseBody: result.body,
      reason,
    });
    if (outcome === 'success') {
      delivery.state = 'delivered';
      delivery.deliveredAt = atom(this.hooks.clock.nowMs());
    } else if (outcome === 'rejected') {
      delivery.state = 'rejected';
    } else if (attempt - 1 < settings.retryDelaysMs.length) {
      delivery.state = 'retry_scheduled';
      this.timers.after(settings.retryDelaysMs[attempt - 1] ?? 0, () =>
        this.track(this.attemptWebhook(delivery)),
      );
    } else {
      delivery.state = 'failed';
    }
  }

  private post(url: string, body: string, signature: string, timeoutMs: number): Promise<PostResult> {
    return new Promise((resolve) => {
      let target: URL;
      try {
        target = new URL(url);
      } catch {
        resolve({ status: null, body: null, error: 'invalid_url' });
        return;
      }
      const bytes = Buffer.from(body, 'utf8');
      const secure = target.protocol === 'https:';
      let settled = false;
      const finish = (result: PostResult): void => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        this.requests.delete(request);
        resolve(result);
      };
      const request = (secure ? https : http).request(
        target,
        {
          method: 'POST',
          agent: secure ? this.httpsAgent : this.httpAgent,
          headers: {
            'Content-Type': 'application/json',
            'Content-Length': String(bytes.length),
            'X-Signature': signature,
            'User-Agent': 'Invoicebox-Sandbox/1.0 (Invoicebox 3.0)',
          },
        },
        (response) => {
          const chunks: Buffer[] = [];
          let size = 0;
          response.on('data', (chunk: Buffer) => {
            size += chunk.length;
            if (size <= MAX_REPLY_BYTES) chunks.push(chunk);
          });
          response.on('end', () =>
            finish({
              status: response.statusCode ?? null,
              body: Buffer.concat(chunks).toString('utf8'),
              error: null,
            }),
          );
          response.on('error', (error) =>
            finish({ status: response.statusCode ?? null, body: null, error: error.message }),
          );
        },
      );
      const timer = setTimeout(() => {
        finish({ status: null, body: null, error: 'timeout' });
        request.destroy();
      }, timeoutMs);
      this.requests.add(request);
      request.on('error', (error: NodeJS.ErrnoException) =>
        finish({ status: null, body: null, error: error.code ?? error.message }),
      );
      request.end(bytes);
    });
  }

  async releaseHeld(order: 'fifo' | 'reverse'): Promise<number> {
    this.holding.clear();
    const batch = order === 'reverse' ? [...this.held].reverse() : [...this.held];
    this.held = [];
    const epoch = this.epoch;
    const run = (async () => {
      for (const delivery of batch) if (epoch === this.epoch) await this.dispatch(delivery);
    })();
    this.track(run);
    await run;
    return batch.length;
  }

  async idle(): Promise<void> {
    while (this.inFlight.size > 0) await Promise.allSettled([...this.inFlight]);
  }

  reset(): void {
    this.epoch += 1;
    this.timers.clear();
    this.knobs = [];
    this.holding.clear();
    this.held = [];
    this.deliveries.length = 0;
    this.attempts.length = 0;
  }

  close(): void {
    this.reset();
    for (const request of this.requests) request.destroy();
    this.requests.clear();
    this.httpAgent.destroy();
    this.httpsAgent.destroy();
  }
}

function judgeReply(
  result: PostResult,
  retryCodes: readonly string[],
): { outcome: AttemptOutcome; reason: string | null } {
  if (result.error !== null || result.status === null)
    return { outcome: 'failure', reason: result.error ?? 'no_response' };
  if (result.status !== 200) return { outcome: 'failure', reason: 'http_status' };
  let reply: Json;
  try {
    reply = JSON.parse(result.body ?? '') as Json;
  } catch {
    return { outcome: 'failure', reason: 'invalid_json' };
  }
  if (!isJsonObject(reply)) return { outcome: 'failure', reason: 'unexpected_reply' };
  if (reply['status'] === 'success') return { outcome: 'success', reason: null };
  if (reply['status'] !== 'error') return { outcome: 'failure', reason: 'unexpected_reply' };
  // docs: `out_of_service` is the default code of an error reply.
  const code = typeof reply['code'] === 'string' ? reply['code'] : 'out_of_service';
  return { outcome: retryCodes.includes(code) ? 'failure' : 'rejected', reason: `error_code:${code}` };
}
