export type Json = null | boolean | number | string | Json[] | JsonObject;
export interface JsonObject {
  [key: string]: Json;
}

export type OrderStatus = 'created' | 'completed' | 'canceled' | 'expired';
export type RefundStatus = 'draft' | 'created' | 'completed' | 'canceled';
/** Groups of API routes that fault knobs and counters address. */
export type RouteKind = 'auth' | 'create' | 'read' | 'update' | 'cancel' | 'refund';
export const ROUTE_KINDS: readonly RouteKind[] = ['auth', 'create', 'read', 'update', 'cancel', 'refund'];
export type NotificationChannel = 'webhook' | 'websocket';

export interface SandboxClock {
  now(): Date;
}

export interface SandboxLogger {
  info(message: string, meta?: Record<string, unknown>): void;
  warn(message: string, meta?: Record<string, unknown>): void;
  error(message: string, meta?: Record<string, unknown>): void;
}

export interface ChannelSettings {
  webhook: boolean;
  websocket: boolean;
}

export interface SandboxMerchantOptions {
  merchantId: string;
  /** Bearer token for the API and the WebSocket gateway. */
  token: string;
  /** The "API key" that signs notifications (HMAC-SHA1). */
  notificationKey: string;
  /** Default webhook URL from the cabinet; an order's notificationUrl overrides it. */
  notificationUrl?: string;
  /** What `GET /v3/security/api/auth/auth` reports; generated when absent. */
  userId?: string;
  channels?: Partial<ChannelSettings>;
}

export interface WebhookSettings {
  /** A reply slower than this counts as a failure (real server: 20 s). */
  timeoutMs: number;
  /** Delay before each retry after a failed attempt; its length is the number of retries. */
  retryDelaysMs: readonly number[];
  /** `{"status":"error","code":X}` replies that are retried; any other error code is final. */
  retryOnErrorCodes: readonly string[];
}

export interface WebSocketSettings {
  /** An unacknowledged push is sent again after this long. */
  ackTimeoutMs: number;
  /** Re-sends after the first one before the delivery is marked failed. */
  maxRedeliveries: number;
  /** `close`: accept the upgrade, then close with 4401. `reject`: answer the upgrade with HTTP 401. */
  badTokenBehaviour: 'close' | 'reject';
}

export interface SandboxSettings {
  /** Order statuses that produce a notification. */
  notifyOnStatuses: readonly OrderStatus[];
  /** 0 = a refund is `completed` in the create response; otherwise `created`, then `completed` after this delay. */
  refundCompletionDelayMs: number;
  webhook: WebhookSettings;
  websocket: WebSocketSettings;
}

export interface SandboxSettingsPatch {
  notifyOnStatuses?: readonly OrderStatus[];
  refundCompletionDelayMs?: number;
  webhook?: Partial<WebhookSettings>;
  websocket?: Partial<WebSocketSettings>;
}

export interface RateLimitOptions {
  /** Requests allowed per token (or per client address without a token) in one window. */
  requests: number;
  windowMs: number;
}

export interface InvoiceboxSandboxOptions {
  /** 0 (the default) picks a free port. */
  port?: number;
  host?: string;
  /** Base of `paymentUrl`; defaults to the sandbox's own URL. */
  publicBaseUrl?: string;
  merchants: readonly SandboxMerchantOptions[];
  clock?: SandboxClock;
  logger?: SandboxLogger;
  /** Drives fractional fault rules; inject a seeded one for repeatable tests. */
  random?: () => number;
  expirySweepIntervalMs?: number;
  rateLimit?: RateLimitOptions;
  settings?: SandboxSettingsPatch;
}

export interface BasketItemWire {
  sku: string;
  name: string;
  measure: string;
  measureCode: string;
  quantity: number;
  amount: number;
  amountWoVat: number;
  totalAmount: number;
  totalVatAmount: number;
  vatCode: string;
  type: string | number;
  paymentType: string;
  [key: string]: Json;
}

export interface InvoiceboxOrderWire {
  id: string;
  description: string;
  currencyId: string;
  amount: number;
  vatAmount: number;
  basketItems: BasketItemWire[];
  orderContainerId: string;
  merchantId: string;
  status: OrderStatus;
  subtype: string;
  processingStatus: string;
  createdAt: string;
  merchantOrderId: string;
  merchantOrderIdVisible: string;
  expirationDate: string;
  fileIds: Json[];
  paymentUrl: string;
  customer: JsonObject;
  languageId: string;
  processable: boolean;
  paidAt?: string;
  [key: string]: Json | undefined;
}

export interface RefundBasketItemWire extends BasketItemWire {
  availableAmount: number;
  availableVatAmount: number;
}

export interface RefundOrderWire {
  id: string;
  parentId: string;
  description: string;
  merchantOrderId: string;
  merchantId: string;
  amount: number;
  vatAmount: number;
  currencyId: string;
  basketItems: BasketItemWire[];
  createdAt: string;
  status: RefundStatus;
  completedAt?: string;
}

export type FaultAction =
  /** Answer with this status (5xx, 429) without touching state. */
  | { kind: 'error'; status: number; code?: string; message?: string; retryAfterSeconds?: number }
  /** Wait, then handle the request normally (a slow server; the work happens even if the client gave up). */
  | { kind: 'stall'; ms: number }
  /** Close the connection without handling the request. */
  | { kind: 'drop'; afterMs?: number }
  /** Handle the request (state changes), then answer late. */
  | { kind: 'commitThenStall'; ms: number }
  /** Handle the request (state changes), then close the connection without an answer. */
  | { kind: 'commitThenDrop'; afterMs?: number };

export interface FaultRuleInput {
  /** Defaults to every kind. */
  kinds?: RouteKind | readonly RouteKind[] | 'all';
  action: FaultAction;
  /** Apply to the next N matching requests; unlimited when absent. */
  count?: number;
  /** Apply to this fraction (0..1) of matching requests. */
  probability?: number;
}

export interface FaultRuleSnapshot {
  id: string;
  kinds: readonly RouteKind[];
  action: FaultAction;
  remaining: number | null;
  probability: number | null;
  applied: number;
}

export type DeliveryState =
  'pending' | 'held' | 'in_flight' | 'retry_scheduled' | 'delivered' | 'rejected' | 'failed' | 'dropped';

export interface DeliveryRecord {
  id: string;
  channel: NotificationChannel;
  merchantId: string;
  orderId: string;
  orderStatus: string;
  test: boolean;
  /** Set on the second copy made by the duplicate knob. */
  duplicateOf: string | null;
  /** Exact bytes (UTF-8) sent: the webhook body, or the JSON-RPC frame for WebSocket. */
  body: string;
  /** X-Signature of a webhook; null for WebSocket, whose frames are not signed. */
  signature: string | null;
  url: string | null;
  rpcId: string | null;
  state: DeliveryState;
  attempts: number;
  createdAt: string;
  deliveredAt: string | null;
}

export type AttemptOutcome = 'success' | 'failure' | 'rejected';

export interface DeliveryAttempt {
  deliveryId: string;
  channel: NotificationChannel;
  orderId: string;
  attempt: number;
  url: string | null;
  startedAt: string;
  finishedAt: string;
  outcome: AttemptOutcome;
  httpStatus: number | null;
  responseBody: string | null;
  /** Why a failure failed: `timeout`, `http_status`, `invalid_json`, `error_code:<code>`, a socket error, ... */
  reason: string | null;
}

export interface WsFrameRecord {
  direction: 'out' | 'in';
  merchantId: string;
  connectionId: string;
  at: string;
  data: string;
}

export interface WsStatusReply {
  connectionId: string;
  result: Json | null;
  error: string | null;
}

export interface RequestRecord {
  requestId: string;
  at: string;
  method: string;
  path: string;
  route: string;
  kind: RouteKind | null;
  merchantId: string | null;
  status: number | null;
  fault: FaultAction['kind'] | null;
}

export interface PayOrderOptions {
  /** Pay a `canceled` order: the race "paid just before the cancel landed". */
  allowCanceled?: boolean;
  /** Pay an `expired` order: the race "paid just before expiry was recorded". */
  allowExpired?: boolean;
}

export interface RequestCounts {
  byRoute: Record<string, number>;
  byKind: Record<RouteKind, number>;
  total: number;
}

export interface InvoiceboxSandboxControl {
  /** Clears orders, refunds, deliveries, faults, knobs, counters and settings back to the start options. */
  reset(): void;
  /** Moves the sandbox's time forward and expires whatever that makes due. */
  advanceClock(ms: number): void;
  now(): Date;
  /** Expires due orders now; returns how many. */
  sweepExpired(): number;
  payOrder(orderId: string, options?: PayOrderOptions): InvoiceboxOrderWire;
  addFault(rule: FaultRuleInput): string;
  removeFault(id: string): boolean;
  clearFaults(): void;
  faults(): FaultRuleSnapshot[];
  failNext(kinds: FaultRuleInput['kinds'], count: number, status?: number): string;
  rateLimitNext(kinds: FaultRuleInput['kinds'], count: number, retryAfterSeconds?: number): string;
  stallNext(kinds: FaultRuleInput['kinds'], count: number, ms: number): string;
  dropNext(kinds: FaultRuleInput['kinds'], count: number): string;
  commitThenStallNext(kinds: FaultRuleInput['kinds'], count: number, ms: number): string;
  commitThenDropNext(kinds: FaultRuleInput['kinds'], count: number): string;
  dropNotifications(count: number, channel?: NotificationChannel): void;
  duplicateNotifications(
    count: number,
    options?: { channel?: NotificationChannel; concurrent?: boolean },
  ): void;
  holdNotifications(channel?: NotificationChannel): void;
  /** Sends what was held, in order of creation or reversed; resolves once each was tried once. */
  releaseHeldNotifications(order?: 'fifo' | 'reverse'): Promise<number>;
  sendTestNotification(merchantId: string): DeliveryRecord[];
  setChannels(merchantId: string, channels: Partial<ChannelSettings>): ChannelSettings;
  setNotificationUrl(merchantId: string, url: string | null): void;
  settings(): SandboxSettings;
  updateSettings(patch: SandboxSettingsPatch): SandboxSettings;
  requestCounts(): RequestCounts;
  resetRequestCounts(): void;
  wsGetStatus(merchantId: string, logQuantity?: number, timeoutMs?: number): Promise<WsStatusReply[]>;
  /** Resolves when no webhook attempt or held release is in flight (scheduled retries are not waited for). */
  idle(): Promise<void>;
}

export interface InvoiceboxSandbox {
  url: string;
  /** `ws://host:port/v3/gate/rpc`; append `?token=`. */
  wsUrl: string;
  port: number;
  control: InvoiceboxSandboxControl;
  close(): Promise<void>;
  orders(): InvoiceboxOrderWire[];
  order(id: string): InvoiceboxOrderWire | undefined;
  refunds(): RefundOrderWire[];
  deliveries(): DeliveryRecord[];
  attempts(): DeliveryAttempt[];
  wsFrames(): WsFrameRecord[];
  wsConnectionCount(merchantId?: string): number;
  requests(): RequestRecord[];
}
