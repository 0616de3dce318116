import { randomUUID } from 'node:crypto';
import {
  CURRENCIES,
  ExactDecimal,
  FieldReader,
  LANGUAGES,
  LineRecord,
  addExact,
  checkBasketArithmetic,
  compareExact,
  exactToNumber,
  lineToWire,
  readBasket,
  toMajor,
} from './basket';
import { OffsetClock } from './clock';
import { applyCollectionQuery, FieldType, FieldValue, Page, parseCollectionQuery } from './query';
import {
  ChannelSettings,
  InvoiceboxOrderWire,
  Json,
  JsonObject,
  OrderStatus,
  PayOrderOptions,
  RefundBasketItemWire,
  RefundOrderWire,
  RefundStatus,
  SandboxMerchantOptions,
  SandboxSettings,
} from './types';
import { ApiError, FieldError, atom, isJsonObject, parseDateTime, wrongValue } from './wire';

export interface MerchantRecord {
  merchantId: string;
  token: string;
  notificationKey: string;
  userId: string;
  notificationUrl: string | null;
  channels: ChannelSettings;
}

export function merchantRecord(options: SandboxMerchantOptions): MerchantRecord {
  return {
    merchantId: options.merchantId,
    token: options.token,
    notificationKey: options.notificationKey,
    userId: options.userId ?? randomUUID(),
    notificationUrl: options.notificationUrl ?? null,
    channels: { webhook: options.channels?.webhook ?? true, websocket: options.channels?.websocket ?? true },
  };
}

export interface OrderRecord {
  seq: number;
  id: string;
  orderContainerId: string;
  merchantId: string;
  merchantOrderId: string;
  merchantOrderIdVisible: string;
  description: string;
  currencyId: string;
  languageId: string;
  amount: number;
  vatAmount: number;
  expirationDate: number;
  basketItems: LineRecord[];
  customer: JsonObject;
  extras: JsonObject;
  processable: boolean;
  status: OrderStatus;
  createdAt: number;
  paidAt: number | null;
}

export interface RefundRecord {
  seq: number;
  id: string;
  parentId: string;
  merchantId: string;
  merchantOrderId: string;
  description: string;
  currencyId: string;
  amount: number;
  vatAmount: number;
  basketItems: LineRecord[];
  status: RefundStatus;
  createdAt: number;
  completedAt: number | null;
}

const EXTRA_STRINGS: readonly [string, number][] = [
  ['notificationUrl', 1000],
  ['successUrl', 1000],
  ['failUrl', 1000],
  ['returnUrl', 1000],
  ['parentId', 36],
  ['userAccountId', 36],
];
const URL_FIELDS: readonly string[] = ['notificationUrl', 'successUrl', 'failUrl', 'returnUrl'];
const CUSTOMER_STRINGS: readonly [string, number][] = [
  ['name', 500],
  ['phone', 100],
  ['email', 100],
  ['vatNumber', 20],
  ['taxRegistrationReasonCode', 9],
  ['registrationAddress', 1000],
  ['countryId', 3],
];
const ROUND_POLICIES: readonly string[] = ['strict', 'none', 'floor', 'ceil', 'halfUp', 'halfDown'];
const UPDATABLE: readonly string[] = [
  'description',
  'amount',
  'vatAmount',
  'expirationDate',
  'basketItems',
  'metaData',
  'customer',
  'shopId',
];

const ORDER_FIELDS: Record<string, FieldType> = {
  id: 'string',
  merchantOrderId: 'string',
  merchantOrderIdVisible: 'string',
  orderContainerId: 'string',
  status: 'string',
  currencyId: 'string',
  merchantId: 'string',
  createdAt: 'date',
  paidAt: 'date',
  expirationDate: 'date',
  amount: 'money',
};
const REFUND_FIELDS: Record<string, FieldType> = {
  id: 'string',
  parentId: 'string',
  merchantOrderId: 'string',
  merchantId: 'string',
  status: 'string',
  createdAt: 'date',
  amount: 'money',
};

interface OrderDraft {
  merchantOrderId: string;
  merchantOrderIdVisible: string;
  description: string;
  currencyId: string;
  languageId: string;
  amount: number;
  vatAmount: number;
  expirationDate: number;
  basketItems: LineRecord[];
  customer: JsonObject;
  extras: JsonObject;
  processable: boolean;
  orderContainerId: string | null;
}

export interface StateHooks {
  clock: OffsetClock;
  paymentBaseUrl: () => string;
  settings: () => SandboxSettings;
  onStatusChange: (order: OrderRecord) => void;
  schedule: (ms: number, task: () => void) => void;
}

function validationError(fields: FieldError[]): ApiError {
  return new ApiError(422, 'validation', 'Validation error', fields);
}

export class SandboxState {
  private orders = new Map<string, OrderRecord>();
  private refunds = new Map<string, RefundRecord>();
  private seq = 0;

  constructor(private readonly hooks: StateHooks) {}

  clear(): void {
    this.orders.clear();
    this.refunds.clear();
  }

  allOrders(): OrderRecord[] {
    return [...this.orders.values()];
  }

  allRefunds(): RefundRecord[] {
    return [...this.refunds.values()];
  }

  findOrder(id: string): OrderRecord | undefined {
    return this.orders.get(id);
  }

  containerOrders(containerId: string): OrderRecord[] {
    return this.allOrders().filter((o) => o.orderContainerId === containerId);
  }

  orderToWire(order: OrderRecord): InvoiceboxOrderWire {
    const wire: InvoiceboxOrderWire = {
      id: order.id,
      description: order.description,
      currencyId: order.currencyId,
      amount: toMajor(order.amount, order.currencyId),
      vatAmount: toMajor(order.vatAmount, order.currencyId),
      basketItems: order.basketItems.map((line) => lineToWire(line, order.currencyId)),
      orderContainerId: order.orderContainerId,
      merchantId: order.merchantId,
      status: order.status,
      subtype: 'order',
      processingStatus: '',
      createdAt: atom(order.createdAt),
      merchantOrderId: order.merchantOrderId,
      merchantOrderIdVisible: order.merchantOrderIdVisible,
      expirationDate: atom(order.expirationDate),
      fileIds: [],
      paymentUrl: `${this.hooks.paymentBaseUrl()}/order/${order.orderContainerId}`,
      customer: order.customer,
      languageId: order.languageId,
      processable: order.processable,
    };
    if (order.paidAt !== null) wire.paidAt = atom(order.paidAt);
    for (const [key, value] of Object.entries(order.extras)) wire[key] = value;
    return wire;
  }

  refundToWire(refund: RefundRecord): RefundOrderWire {
    const wire: RefundOrderWire = {
      id: refund.id,
      parentId: refund.parentId,
      description: refund.description,
      merchantOrderId: refund.merchantOrderId,
      merchantId: refund.merchantId,
      amount: toMajor(refund.amount, refund.currencyId),
      vatAmount: toMajor(refund.vatAmount, refund.currencyId),
      currencyId: refund.currencyId,
      basketItems: refund.basketItems.map((line) => lineToWire(line, refund.currencyId)),
      createdAt: atom(refund.createdAt),
      status: refund.status,
    };
    if (refund.completedAt !== null) wire.completedAt = atom(refund.completedAt);
    return wire;
  }

  createOrder(merchant: MerchantRecord, body: Json): OrderRecord {
    if (!isJsonObject(body)) throw validationError([wrongValue('', 'This value should be of type object.')]);
    const merchantId = body['merchantId'];
    if (typeof merchantId === 'string' && merchantId !== merchant.merchantId)
      throw new ApiError(403, 'forbidden', 'Forbidden', [
        wrongValue('merchantId', 'Not the merchant of this token.'),
      ]);
    const draft = this.readDraft(body, false);
    if (draft.orderContainerId !== null) {
      const sibling = this.containerOrders(draft.orderContainerId).find(
        (o) => o.merchantId === merchant.merchantId,
      );
      if (!sibling)
        throw new ApiError(404, 'not_found', 'Order container not found', [wrongValue('orderContainerId')]);
    }
    this.assertMerchantOrderIdFree(merchant.merchantId, draft.merchantOrderId);
    const order: OrderRecord = {
      seq: ++this.seq,
      id: randomUUID(),
      orderContainerId: draft.orderContainerId ?? randomUUID(),
      merchantId: merchant.merchantId,
      merchantOrderId: draft.merchantOrderId,
      merchantOrderIdVisible: draft.merchantOrderIdVisible,
      description: draft.description,
      currencyId: draft.currencyId,
      languageId: draft.languageId,
      amount: draft.amount,
      vatAmount: draft.vatAmount,
      expirationDate: draft.expirationDate,
      basketItems: draft.basketItems,
      customer: draft.customer,
      extras: draft.extras,
      processable: draft.processable,
      status: 'created',
      createdAt: this.hooks.clock.nowMs(),
      paidAt: null,
    };
    this.orders.set(order.id, order);
    return order;
  }

  private assertMerchantOrderIdFree(merchantId: string, merchantOrderId: string): void {
    const taken =
      this.allOrders().some((o) => o.merchantId === merchantId && o.merchantOrderId === merchantOrderId) ||
      this.allRefunds().some((r) => r.merchantId === merchantId && r.merchantOrderId === merchantOrderId);
    if (taken)
      throw new ApiError(422, 'merchant_order_id_duplicate', 'Merchant order id is already used', [
        wrongValue('merchantOrderId'),
      ]);
  }

  private readDraft(body: JsonObject, forUpdate: boolean): OrderDraft {
    const errors: FieldError[] = [];
    const r = new FieldReader(body, errors);
    r.string('merchantId', 36, true);
    const merchantOrderId = r.string('merchantOrderId', 256, true);
    const merchantOrderIdVisible = r.string('merchantOrderIdVisible', 256, false);
    const description = r.string('description', 1000, true);
    const amount = r.money('amount', true);
    const vatAmount = r.money('vatAmount', true);
    const currencyId = r.string('currencyId', 3, true);
    const languageId = r.string('languageId', 2, false);
    const expirationText = r.string('expirationDate', 64, true);
    const basketItems = readBasket(body['basketItems'], errors);
    const customer = r.object('customer', true);
    if (customer) {
      const c = new FieldReader(customer, errors, 'customer');
      c.oneOf('type', ['legal', 'private', ''], false);
      for (const [key, max] of CUSTOMER_STRINGS) c.string(key, max, false);
    }
    const extras: JsonObject = {};
    for (const [key, max] of EXTRA_STRINGS) {
      const value = r.string(key, max, false);
      if (value === undefined) continue;
      if (URL_FIELDS.includes(key) && !/^https?:\/\/[^\s]+$/.test(value)) {
        errors.push(wrongValue(key, 'This value is not a valid URL.'));
        continue;
      }
      extras[key] = value;
    }
    for (const key of ['metaData', 'invoiceSetting', 'orderSetting']) {
      const value = r.object(key, false);
      if (value) extras[key] = value;
    }
    const roundPolicy = isJsonObject(body['orderSetting']) ? body['orderSetting']['roundPolicy'] : undefined;
    if (roundPolicy !== undefined && roundPolicy !== null && !ROUND_POLICIES.includes(String(roundPolicy)))
      errors.push(wrongValue('orderSetting.roundPolicy', 'The value you selected is not a valid choice.'));
    const shopId = body['shopId'];
    if (shopId !== undefined && shopId !== null) {
      if (typeof shopId === 'string' || Number.isInteger(shopId)) extras['shopId'] = shopId;
      else errors.push(wrongValue('shopId', 'This value should be a string or an integer.'));
    }
    const processable = r.bool('processable');
    const orderContainerId = forUpdate ? undefined : r.string('orderContainerId', 36, false);
    if (errors.length > 0) throw validationError(errors);
    if (
      merchantOrderId === undefined ||
      description === undefined ||
      amount === undefined ||
      vatAmount === undefined ||
      currencyId === undefined ||
      expirationText === undefined ||
      customer === undefined
    )
      throw validationError([wrongValue('', 'Incomplete request.')]);

    if (!CURRENCIES.includes(currencyId))
      throw new ApiError(422, 'wrong_currency', 'Wrong currency', [wrongValue('currencyId')]);
    if (languageId !== undefined && !LANGUAGES.includes(languageId))
      throw new ApiError(422, 'language_not_found', 'Language not found', [wrongValue('languageId')]);
    const expirationDate = parseDateTime(expirationText);
    if (expirationDate === null || expirationDate <= this.hooks.clock.nowMs())
      throw new ApiError(422, 'wrong_expiration_date', 'Wrong expiration date', [
        wrongValue(
          'expirationDate',
          expirationDate === null ? 'Not an ATOM datetime.' : 'Must be in the future.',
        ),
      ]);
    checkBasketArithmetic(basketItems, amount, vatAmount, currencyId);
    return {
      merchantOrderId,
      merchantOrderIdVisible: merchantOrderIdVisible ?? merchantOrderId,
      description,
      currencyId,
      languageId: languageId ?? 'ru',
      amount,
      vatAmount,
      expirationDate,
      basketItems,
      customer,
      extras,
      processable: processable ?? true,
      orderContainerId: orderContainerId ?? null,
    };
  }

  ownedOrder(merchant: MerchantRecord, id: string): OrderRecord {
    const order = this.orders.get(id);
    if (!order || order.merchantId !== merchant.merchantId) throw new ApiError(404, 'not_found', 'Not Found');
    return order;
  }

  listOrders(merchant: MerchantRecord, params: URLSearchParams): Page<OrderRecord> {
    const query = parseCollectionQuery(params, ORDER_FIELDS);
    const own = this.allOrders().filter((o) => o.merchantId === merchant.merchantId);
    return applyCollectionQuery(own, query, ORDER_FIELDS, (order, field) => orderField(order, field));
  }

  updateOrder(merchant: MerchantRecord, id: string, body: Json): OrderRecord {
    const order = this.ownedOrder(merchant, id);
    if (!isJsonObject(body)) throw validationError([wrongValue('', 'This value should be of type object.')]);
    if (order.status !== 'created')
      throw new ApiError(422, 'wrong_order_status', `Order in status ${order.status} cannot be updated`);
    const merged: JsonObject = { ...this.orderToWire(order), merchantId: order.merchantId };
    for (const key of UPDATABLE) if (body[key] !== undefined) merged[key] = body[key];
    const draft = this.readDraft(merged, true);
    Object.assign(order, {
      description: draft.description,
      amount: draft.amount,
      vatAmount: draft.vatAmount,
      expirationDate: draft.expirationDate,
      basketItems: draft.basketItems,
      customer: draft.customer,
      extras: draft.extras,
    });
    return order;
  }

  cancelOrder(merchant: MerchantRecord, id: string): OrderRecord {
    const order = this.ownedOrder(merchant, id);
    if (order.status !== 'created')
      throw new ApiError(422, 'wrong_order_status', `Order in status ${order.status} cannot be canceled`);
    this.setStatus(order, 'canceled');
    return order;
  }

  payBlocker(order: OrderRecord, options: PayOrderOptions = {}): OrderStatus | null {
    if (order.status === 'created') return null;
    if (order.status === 'canceled' && options.allowCanceled) return null;
    if (order.status === 'expired' && options.allowExpired) return null;
    return order.status;
  }

  pay(order: OrderRecord, options: PayOrderOptions = {}): OrderRecord {
    const blocker = this.payBlocker(order, options);
    if (blocker !== null)
      throw new ApiError(422, 'wrong_order_status', `Order in status ${blocker} cannot be paid`);
    order.paidAt = this.hooks.clock.nowMs();
    this.setStatus(order, 'completed');
    return order;
  }

  sweepExpired(): number {
    const now = this.hooks.clock.nowMs();
    let count = 0;
    for (const order of this.orders.values()) {
      if (order.status === 'created' && order.expirationDate <= now) {
        this.setStatus(order, 'expired');
        count += 1;
      }
    }
    return count;
  }

  private setStatus(order: OrderRecord, status: OrderStatus): void {
    order.status = status;
    this.hooks.onStatusChange(order);
  }

  refundBasket(merchant: MerchantRecord, id: string): RefundBasketItemWire[] {
    const order = this.ownedOrder(merchant, id);
    if (order.status !== 'completed')
      throw new ApiError(422, 'wrong_order_status', `Order in status ${order.status} cannot be refunded`);
    return [...this.remainingBySku(order).values()]
      .filter((rest) => rest.totalAmount > 0)
      .map((rest) => {
        const line = lineToWire(rest.line, order.currencyId);
        return {
          ...line,
          quantity: exactToNumber(rest.quantity),
          totalAmount: toMajor(rest.totalAmount, order.currencyId),
          totalVatAmount: toMajor(rest.totalVatAmount, order.currencyId),
          availableAmount: toMajor(rest.totalAmount, order.currencyId),
          availableVatAmount: toMajor(rest.totalVatAmount, order.currencyId),
        };
      });
  }

  private remainingBySku(
    order: OrderRecord,
  ): Map<string, { line: LineRecord; quantity: ExactDecimal; totalAmount: number; totalVatAmount: number }> {
    const rest = new Map<
      string,
      { line: LineRecord; quantity: ExactDecimal; totalAmount: number; totalVatAmount: number }
    >();
    for (const line of order.basketItems) {
      const known = rest.get(line.sku);
      if (known) {
        known.quantity = addExact(known.quantity, line.quantityExact);
        known.totalAmount += line.totalAmount;
        known.totalVatAmount += line.totalVatAmount;
      } else {
        rest.set(line.sku, {
          line,
          quantity: line.quantityExact,
          totalAmount: line.totalAmount,
          totalVatAmount: line.totalVatAmount,
        });
      }
    }
    for (const refund of this.allRefunds()) {
      if (refund.parentId !== order.id || refund.status === 'canceled') continue;
      for (const line of refund.basketItems) {
        const known = rest.get(line.sku);
        if (!known) continue;
        known.quantity = addExact(known.quantity, line.quantityExact, -1n);
        known.totalAmount -= line.totalAmount;
        known.totalVatAmount -= line.totalVatAmount;
      }
    }
    return rest;
  }

  createRefund(merchant: MerchantRecord, body: Json): RefundRecord {
    if (!isJsonObject(body)) throw validationError([wrongValue('', 'This value should be of type object.')]);
    const errors: FieldError[] = [];
    const r = new FieldReader(body, errors);
    const parentId = r.string('parentId', 36, true);
    const merchantOrderId = r.string('merchantOrderId', 100, true);
    const description = r.string('description', 1000, true);
    const amount = r.money('amount', true);
    const vatAmount = r.money('vatAmount', true);
    const status = r.oneOf('status', ['created', 'draft'], false);
    const lines = readBasket(body['basketItems'], errors);
    if (errors.length > 0) throw validationError(errors);
    if (
      parentId === undefined ||
      merchantOrderId === undefined ||
      description === undefined ||
      amount === undefined ||
      vatAmount === undefined
    )
      throw validationError([wrongValue('', 'Incomplete request.')]);
    const parent = this.orders.get(parentId);
    if (!parent || parent.merchantId !== merchant.merchantId)
      throw new ApiError(404, 'not_found', 'Parent order not found', [wrongValue('parentId')]);
    if (parent.status !== 'completed')
      throw new ApiError(422, 'wrong_order_status', `Order in status ${parent.status} cannot be refunded`, [
        wrongValue('parentId'),
      ]);
    this.assertMerchantOrderIdFree(merchant.merchantId, merchantOrderId);
    checkBasketArithmetic(lines, amount, vatAmount, parent.currencyId);
    this.assertRefundable(parent, lines, amount);

    const now = this.hooks.clock.nowMs();
    const delay = this.hooks.settings().refundCompletionDelayMs;
    const refund: RefundRecord = {
      seq: ++this.seq,
      id: randomUUID(),
      parentId,
      merchantId: merchant.merchantId,
      merchantOrderId,
      description,
      currencyId: parent.currencyId,
      amount,
      vatAmount,
      basketItems: lines,
      status: status === 'draft' ? 'draft' : delay > 0 ? 'created' : 'completed',
      createdAt: now,
      completedAt: status !== 'draft' && delay <= 0 ? now : null,
    };
    this.refunds.set(refund.id, refund);
    if (refund.status === 'created') {
      this.hooks.schedule(delay, () => {
        if (this.refunds.get(refund.id) !== refund || refund.status !== 'created') return;
        refund.status = 'completed';
        refund.completedAt = this.hooks.clock.nowMs();
      });
    }
    return refund;
  }

  private assertRefundable(parent: OrderRecord, lines: readonly LineRecord[], amount: number): void {
    const rest = this.remainingBySku(parent);
    const fields: FieldError[] = [];
    const wanted = new Map<string, { quantity: ExactDecimal; totalAmount: number; indexes: number[] }>();
    lines.forEach((line, index) => {
      if (!rest.has(line.sku)) {
        fields.push(wrongValue(`basketItems[${index}].sku`, 'No such item in the parent order.'));
        return;
      }
      const known = wanted.get(line.sku);
      if (known) {
        known.quantity = addExact(known.quantity, line.quantityExact);
        known.totalAmount += line.totalAmount;
        known.indexes.push(index);
      } else {
        wanted.set(line.sku, {
          quantity: line.quantityExact,
          totalAmount: line.totalAmount,
          indexes: [index],
        });
      }
    });
    if (fields.length > 0) throw validationError(fields);
    for (const [sku, want] of wanted) {
      const left = rest.get(sku);
      if (!left) continue;
      for (const index of want.indexes) {
        if (compareExact(want.quantity, left.quantity) > 0)
          fields.push(
            wrongValue(`basketItems[${index}].quantity`, `Refundable ${exactToNumber(left.quantity)}`),
          );
        if (want.totalAmount > left.totalAmount)
          fields.push(
            wrongValue(
              `basketItems[${index}].totalAmount`,
              `Refundable ${toMajor(left.totalAmount, parent.currencyId)}`,
            ),
          );
      }
    }
    const refundable = [...rest.values()].reduce((sum, left) => sum + left.totalAmount, 0);
    if (amount > refundable)
      fields.push(wrongValue('amount', `Refundable ${toMajor(refundable, parent.currencyId)}`));
    if (fields.length > 0)
      throw new ApiError(422, 'refund_amount_exceeded', 'Refund exceeds the refundable amount', fields);
  }

  listRefunds(merchant: MerchantRecord, params: URLSearchParams): Page<RefundRecord> {
    const query = parseCollectionQuery(params, REFUND_FIELDS);
    const own = this.allRefunds().filter((r) => r.merchantId === merchant.merchantId);
    return applyCollectionQuery(own, query, REFUND_FIELDS, (refund, field) => refundField(refund, field));
  }
}

function orderField(order: OrderRecord, field: string): FieldValue {
  switch (field) {
    case 'createdAt':
      return order.createdAt;
    case 'paidAt':
      return order.paidAt;
    case 'expirationDate':
      return order.expirationDate;
    case 'amount':
      return order.amount;
    case 'id':
    case 'merchantOrderId':
    case 'merchantOrderIdVisible':
    case 'orderContainerId':
    case 'status':
    case 'currencyId':
    case 'merchantId':
      return order[field];
    default:
      return null;
  }
}

function refundField(refund: RefundRecord, field: string): FieldValue {
  switch (field) {
    case 'createdAt':
      return refund.createdAt;
    case 'amount':
      return refund.amount;
    case 'id':
    case 'parentId':
    case 'merchantOrderId':
    case 'merchantId':
    case 'status':
      return refund[field];
    default:
      return null;
  }
}
