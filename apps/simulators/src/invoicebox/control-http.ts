import {
  FaultAction,
  FaultRuleInput,
  InvoiceboxSandbox,
  InvoiceboxSandboxControl,
  Json,
  JsonObject,
  NotificationChannel,
  OrderStatus,
  ROUTE_KINDS,
  RouteKind,
  SandboxSettingsPatch,
} from './types';
import { ApiError, isJsonObject } from './wire';

export type SandboxView = Pick<
  InvoiceboxSandbox,
  'orders' | 'order' | 'refunds' | 'deliveries' | 'attempts' | 'wsFrames' | 'wsConnectionCount' | 'requests'
>;

export interface ControlReply {
  status: number;
  body: unknown;
}

function bad(message: string): ApiError {
  return new ApiError(400, 'bad_request', message);
}

class Input {
  constructor(private readonly source: JsonObject) {}

  static parse(raw: Buffer): Input {
    const text = raw.toString('utf8').trim();
    if (text === '') return new Input({});
    let value: Json;
    try {
      value = JSON.parse(text) as Json;
    } catch {
      throw bad('Body is not valid JSON');
    }
    if (!isJsonObject(value)) throw bad('Body must be a JSON object');
    return new Input(value);
  }

  child(key: string): Input | undefined {
    const value = this.source[key];
    if (value === undefined || value === null) return undefined;
    if (!isJsonObject(value)) throw bad(`${key} must be an object`);
    return new Input(value);
  }

  number(key: string): number | undefined {
    const value = this.source[key];
    if (value === undefined || value === null) return undefined;
    if (typeof value !== 'number' || !Number.isFinite(value)) throw bad(`${key} must be a number`);
    return value;
  }

  requiredNumber(key: string): number {
    const value = this.number(key);
    if (value === undefined) throw bad(`${key} is required`);
    return value;
  }

  string(key: string): string | undefined {
    const value = this.source[key];
    if (value === undefined || value === null) return undefined;
    if (typeof value !== 'string') throw bad(`${key} must be a string`);
    return value;
  }

  requiredString(key: string): string {
    const value = this.string(key);
    if (value === undefined) throw bad(`${key} is required`);
    return value;
  }

  bool(key: string): boolean | undefined {
    const value = this.source[key];
    if (value === undefined || value === null) return undefined;
    if (typeof value !== 'boolean') throw bad(`${key} must be a boolean`);
    return value;
  }

  numbers(key: string): number[] | undefined {
    const value = this.source[key];
    if (value === undefined || value === null) return undefined;
    if (!Array.isArray(value) || value.some((v) => typeof v !== 'number'))
      throw bad(`${key} must be numbers`);
    return value.map(Number);
  }

  strings(key: string): string[] | undefined {
    const value = this.source[key];
    if (value === undefined || value === null) return undefined;
    if (!Array.isArray(value) || value.some((v) => typeof v !== 'string'))
      throw bad(`${key} must be strings`);
    return value.map(String);
  }

  channel(key: string): NotificationChannel | undefined {
    const value = this.string(key);
    if (value === undefined) return undefined;
    if (value !== 'webhook' && value !== 'websocket') throw bad(`${key} must be webhook or websocket`);
    return value;
  }

  kinds(key: string): RouteKind[] | 'all' | undefined {
    const value = this.source[key];
    if (value === undefined || value === null || value === 'all') return value === 'all' ? 'all' : undefined;
    const list = typeof value === 'string' ? [value] : Array.isArray(value) ? value : null;
    if (!list) throw bad(`${key} must be a route kind or a list of them`);
    return list.map((kind) => {
      if (typeof kind !== 'string' || !(ROUTE_KINDS as readonly string[]).includes(kind))
        throw bad(`${key}: unknown route kind ${String(kind)}`);
      return kind as RouteKind;
    });
  }
}

function faultAction(input: Input | undefined): FaultAction {
  if (!input) throw bad('action is required');
  const kind = input.requiredString('kind');
  switch (kind) {
    case 'error':
      return {
        kind,
        status: input.requiredNumber('status'),
        code: input.string('code'),
        message: input.string('message'),
        retryAfterSeconds: input.number('retryAfterSeconds'),
      };
    case 'stall':
    case 'commitThenStall':
      return { kind, ms: input.requiredNumber('ms') };
    case 'drop':
    case 'commitThenDrop':
      return { kind, afterMs: input.number('afterMs') };
    default:
      throw bad(`Unknown action kind ${kind}`);
  }
}

const STATUSES: readonly string[] = ['created', 'completed', 'canceled', 'expired'];

function settingsPatch(input: Input): SandboxSettingsPatch {
  const notifyOn = input.strings('notifyOnStatuses');
  if (notifyOn?.some((s) => !STATUSES.includes(s))) throw bad('notifyOnStatuses has an unknown status');
  const webhook = input.child('webhook');
  const websocket = input.child('websocket');
  const behaviour = websocket?.string('badTokenBehaviour');
  if (behaviour !== undefined && behaviour !== 'close' && behaviour !== 'reject')
    throw bad('badTokenBehaviour must be close or reject');
  const patch: SandboxSettingsPatch = {
    notifyOnStatuses: notifyOn as OrderStatus[] | undefined,
    refundCompletionDelayMs: input.number('refundCompletionDelayMs'),
    webhook: {
      timeoutMs: webhook?.number('timeoutMs'),
      retryDelaysMs: webhook?.numbers('retryDelaysMs'),
      retryOnErrorCodes: webhook?.strings('retryOnErrorCodes'),
    },
    websocket: {
      ackTimeoutMs: websocket?.number('ackTimeoutMs'),
      maxRedeliveries: websocket?.number('maxRedeliveries'),
      badTokenBehaviour: behaviour,
    },
  };
  return patch;
}

/**
 * `/__control/*`: the control API over HTTP for out-of-process tests. Replies are plain JSON;
 * errors are `{error:{message,code,fields}}` with 400 for bad input and 404 for unknown ids.
 */
export async function handleControlRequest(
  control: InvoiceboxSandboxControl,
  view: SandboxView,
  method: string,
  url: URL,
  raw: Buffer,
): Promise<ControlReply> {
  const path = url.pathname.replace(/^\/__control/, '').replace(/\/+$/, '');
  const route = `${method} ${path}`;
  const ok = (body: unknown = { ok: true }): ControlReply => ({ status: 200, body });
  try {
    const input = Input.parse(raw);
    let match: RegExpExecArray | null;
    switch (route) {
      case 'POST /reset':
        control.reset();
        return ok();
      case 'GET /state':
        return ok({ now: control.now().toISOString(), orders: view.orders(), refunds: view.refunds() });
      case 'GET /requests':
        return ok({
          ...control.requestCounts(),
          log: url.searchParams.get('log') === '1' ? view.requests() : [],
        });
      case 'DELETE /requests':
        control.resetRequestCounts();
        return ok();
      case 'GET /faults':
        return ok({ faults: control.faults() });
      case 'POST /faults': {
        const rule: FaultRuleInput = {
          kinds: input.kinds('kinds'),
          action: faultAction(input.child('action')),
          count: input.number('count'),
          probability: input.number('probability'),
        };
        return ok({ id: control.addFault(rule) });
      }
      case 'DELETE /faults':
        control.clearFaults();
        return ok();
      case 'GET /clock':
        return ok({ now: control.now().toISOString() });
      case 'POST /clock/advance':
        control.advanceClock(input.requiredNumber('ms'));
        return ok({ now: control.now().toISOString() });
      case 'POST /expire':
        return ok({ expired: control.sweepExpired() });
      case 'GET /notifications':
        return ok({ deliveries: view.deliveries(), attempts: view.attempts() });
      case 'POST /notifications/drop':
        control.dropNotifications(input.requiredNumber('count'), input.channel('channel'));
        return ok();
      case 'POST /notifications/duplicate':
        control.duplicateNotifications(input.requiredNumber('count'), {
          channel: input.channel('channel'),
          concurrent: input.bool('concurrent'),
        });
        return ok();
      case 'POST /notifications/hold':
        control.holdNotifications(input.channel('channel'));
        return ok();
      case 'POST /notifications/release': {
        const order = input.string('order') ?? 'fifo';
        if (order !== 'fifo' && order !== 'reverse') throw bad('order must be fifo or reverse');
        return ok({ released: await control.releaseHeldNotifications(order) });
      }
      case 'POST /notifications/test':
        return ok({ deliveries: control.sendTestNotification(input.requiredString('merchantId')) });
      case 'POST /notifications/idle':
        await control.idle();
        return ok();
      case 'GET /settings':
        return ok(control.settings());
      case 'PATCH /settings':
        return ok(control.updateSettings(settingsPatch(input)));
      case 'GET /ws':
        return ok({ connections: view.wsConnectionCount(), frames: view.wsFrames() });
      case 'POST /ws/get-status':
        return ok({
          replies: await control.wsGetStatus(
            input.requiredString('merchantId'),
            input.number('logQuantity'),
            input.number('timeoutMs'),
          ),
        });
    }
    if (method === 'DELETE' && (match = /^\/faults\/([^/]+)$/.exec(path))) {
      if (!control.removeFault(decodeURIComponent(match[1] ?? '')))
        throw new ApiError(404, 'not_found', 'No such fault');
      return ok();
    }
    if (method === 'POST' && (match = /^\/orders\/([^/]+)\/pay$/.exec(path))) {
      const order = control.payOrder(decodeURIComponent(match[1] ?? ''), {
        allowCanceled: input.bool('allowCanceled'),
        allowExpired: input.bool('allowExpired'),
      });
      return ok({ order });
    }
    if (method === 'PUT' && (match = /^\/merchants\/([^/]+)\/channels$/.exec(path))) {
      const channels = control.setChannels(decodeURIComponent(match[1] ?? ''), {
        webhook: input.bool('webhook'),
        websocket: input.bool('websocket'),
      });
      return ok({ channels });
    }
    if (method === 'PUT' && (match = /^\/merchants\/([^/]+)\/notification-url$/.exec(path))) {
      control.setNotificationUrl(decodeURIComponent(match[1] ?? ''), input.string('url') ?? null);
      return ok();
    }
    throw new ApiError(404, 'not_found', `No control route ${route}`);
  } catch (error) {
    if (error instanceof ApiError) return { status: error.status, body: error.body() };
    if (error instanceof RangeError) return { status: 400, body: bad(error.message).body() };
    throw error;
  }
}
