import { RkeeperSimControl } from './rkeeper-sim.control';
import { SimFaultKind } from './rkeeper-sim.faults';
import { SimDishInput, SimItemRef, SimNotFound, SimRejection } from './rkeeper-sim.state';

export const CONTROL_PREFIX = '/__control';

export interface ControlResponse {
  status: number;
  body: unknown;
}

class ControlInputError extends Error {}

type Json = Record<string, unknown>;

function asObject(value: unknown): Json {
  if (value === undefined || value === null) return {};
  if (typeof value !== 'object' || Array.isArray(value))
    throw new ControlInputError('body must be a JSON object');
  return value as Json;
}

function optNumber(body: Json, key: string): number | undefined {
  const value = body[key];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'number' || !Number.isSafeInteger(value))
    throw new ControlInputError(`${key} must be an integer`);
  return value;
}

function optString(body: Json, key: string): string | undefined {
  const value = body[key];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') throw new ControlInputError(`${key} must be a string`);
  return value;
}

function optBoolean(body: Json, key: string): boolean | undefined {
  const value = body[key];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'boolean') throw new ControlInputError(`${key} must be a boolean`);
  return value;
}

function itemRef(body: Json): SimItemRef {
  return { id: optNumber(body, 'id'), code: optNumber(body, 'code'), guid: optString(body, 'guid') };
}

function list(body: Json, key: string): Json[] {
  const value = body[key];
  if (value === undefined) return [];
  if (!Array.isArray(value)) throw new ControlInputError(`${key} must be an array`);
  return value.map(asObject);
}

function dishInput(body: Json): SimDishInput {
  return {
    ...itemRef(body),
    quantityMilli: optNumber(body, 'quantityMilli'),
    price: optNumber(body, 'price'),
    modifiers: list(body, 'modifiers').map((m) => ({
      ...itemRef(m),
      count: optNumber(m, 'count'),
      price: optNumber(m, 'price'),
    })),
    discounts: list(body, 'discounts').map((d) => ({ ...itemRef(d), amount: optNumber(d, 'amount') })),
  };
}

const FAULT_KINDS: readonly SimFaultKind[] = ['fail', 'unauthorized', 'stall', 'drop', 'malformed'];

/**
 * JSON mirror of RkeeperSimControl for out-of-process drivers. Order guids go in the path URL-encoded, braces
 * optional.
 */
export function handleControl(
  control: RkeeperSimControl,
  method: string,
  url: URL,
  rawBody: unknown,
): ControlResponse {
  try {
    const body = asObject(rawBody);
    const parts = url.pathname
      .slice(CONTROL_PREFIX.length)
      .split('/')
      .filter(Boolean)
      .map((p) => decodeURIComponent(p));
    const [resource, id, sub, lineId] = parts;
    const isOrderId = resource === 'orders' && id !== undefined && id !== 'generate' && id !== 'change';
    const shape = [resource, isOrderId ? ':id' : id, sub, lineId === undefined ? undefined : ':line'];
    const route = `${method} /${shape.filter((p) => p !== undefined).join('/')}`;
    const guid = id ?? '';
    switch (route) {
      case 'GET /orders':
        return ok(control.orders({ open: /^(1|true)$/i.test(url.searchParams.get('open') ?? '') }));
      case 'POST /orders':
        return {
          status: 201,
          body: control.openOrder({
            tableCode: optNumber(body, 'tableCode'),
            tableId: optNumber(body, 'tableId'),
            waiterCode: optNumber(body, 'waiterCode'),
            guests: optNumber(body, 'guests'),
            stationCode: optNumber(body, 'stationCode'),
            dishes: list(body, 'dishes').map(dishInput),
          }),
        };
      case 'POST /orders/generate':
        return ok({ guids: control.generateOrders(optNumber(body, 'count') ?? 1) });
      case 'POST /orders/change': {
        const fraction = body.fraction;
        if (fraction !== undefined && (typeof fraction !== 'number' || fraction < 0 || fraction > 1)) {
          throw new ControlInputError('fraction is a number in [0, 1]');
        }
        return ok({ guids: control.changeOrders({ fraction, count: optNumber(body, 'count') }) });
      }
      case 'GET /orders/:id':
        return ok(control.order(guid));
      case 'POST /orders/:id/dishes':
        return ok(control.addDish(guid, dishInput(body), optNumber(body, 'stationCode')));
      case 'DELETE /orders/:id/dishes/:line':
        return ok(control.removeDish(guid, lineId ?? ''));
      case 'POST /orders/:id/discounts':
        return ok(control.addDiscount(guid, { ...itemRef(body), amount: optNumber(body, 'amount') }));
      case 'POST /orders/:id/precheck':
        return ok(control.printPrecheck(guid, optNumber(body, 'stationCode')));
      case 'POST /orders/:id/lock':
        return ok(control.lock(guid, optNumber(body, 'stationCode')));
      case 'POST /orders/:id/unlock':
        return ok(control.unlock(guid));
      case 'POST /orders/:id/close-cash':
        return ok(control.closeByCash(guid));
      case 'GET /faults':
        return ok(control.pendingFaults());
      case 'POST /faults':
        addFault(control, body);
        return ok(control.pendingFaults());
      case 'DELETE /faults':
        control.clearFaults();
        return ok({ cleared: true });
      case 'GET /stats':
        return ok({ requests: control.requestCounts(), notifications: control.notifications() ?? null });
      case 'DELETE /stats':
        control.resetRequestCounts();
        return ok({ cleared: true });
      default:
        return { status: 404, body: { error: `No control route ${method} ${url.pathname}` } };
    }
  } catch (error) {
    if (error instanceof ControlInputError) return { status: 400, body: { error: error.message } };
    if (error instanceof SimNotFound) return { status: 404, body: { error: error.errorText } };
    if (error instanceof SimRejection) return { status: 409, body: { error: error.errorText } };
    throw error;
  }
}

function ok(body: unknown): ControlResponse {
  return { status: 200, body };
}

function addFault(control: RkeeperSimControl, body: Json): void {
  const kind = optString(body, 'kind');
  if (!kind || !FAULT_KINDS.includes(kind as SimFaultKind))
    throw new ControlInputError(`kind is one of ${FAULT_KINDS.join(', ')}`);
  const base = { count: optNumber(body, 'count'), cmd: optString(body, 'cmd') };
  const applyWrite = optBoolean(body, 'applyWrite');
  switch (kind as SimFaultKind) {
    case 'fail': {
      const errorText = optString(body, 'errorText');
      if (!errorText) throw new ControlInputError('errorText is required');
      control.failNext({
        ...base,
        errorText,
        status: optString(body, 'status'),
        rk7ErrorN: optString(body, 'rk7ErrorN'),
      });
      return;
    }
    case 'unauthorized':
      control.unauthorizedNext(base);
      return;
    case 'stall': {
      const ms = optNumber(body, 'ms');
      if (ms === undefined || ms < 0) throw new ControlInputError('ms is required');
      control.stallNext({ ...base, ms, applyWrite });
      return;
    }
    case 'drop':
      control.dropNext({ ...base, applyWrite });
      return;
    case 'malformed':
      control.malformedNext({ ...base, applyWrite });
      return;
  }
}
