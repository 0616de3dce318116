import { UpstreamProtocolError } from '@bridge/core';
import { RKEEPER_ASSUMPTIONS } from './rkeeper.assumptions';
import { RKEEPER_UPSTREAM } from './rkeeper.errors';
import { Rk7NotifyRootAttrs } from './wire/notification.wire';
import { decodeXmlBody } from './xml/encoding';
import { XmlElement, XmlSyntaxError, attr, element, parseXml, walk } from './xml/xml-tree';

export interface OrderChangeHint {
  guid: string;
  version?: number;
}

/**
 * Reads the order-change events r_keeper POSTs (HTTP Order Notify / subscriptions). The exact order-change shape
 * is not documented where we could read it, so this takes any `<Order guid>` element at any depth, or any element
 * carrying both `guid` and `version`; the root's own guid (an event/server id) is ignored. A hint only: the bridge
 * re-reads the order with GetOrder. Not XML at all → UpstreamProtocolError; XML without orders → [].
 */
export function parseOrderChangeNotification(body: string | Buffer, contentType?: string): OrderChangeHint[] {
  const text = typeof body === 'string' ? body : decodeXmlBody(body, contentType).text;
  if (text.trim() === '') return [];
  let root: XmlElement;
  try {
    root = parseXml(text);
  } catch (error) {
    const detail = error instanceof XmlSyntaxError ? error.message : String(error);
    throw new UpstreamProtocolError(`Order notification is not XML: ${detail}`, {
      upstream: RKEEPER_UPSTREAM,
      operation: 'OrderNotify',
      cause: error,
    });
  }
  const byGuid = new Map<string, OrderChangeHint>();
  for (const el of walk(root)) {
    const guid = attr(el, 'guid');
    const versionText = attr(el, 'version');
    const isOrder = el.name.toLowerCase() === 'order';
    if (!guid || (!isOrder && versionText === undefined)) continue;
    const version =
      versionText !== undefined && /^\d+$/.test(versionText.trim()) ? Number(versionText) : undefined;
    const key = guid.replace(/[{}]/g, '').toLowerCase();
    const previous = byGuid.get(key);
    const keepPrevious =
      previous !== undefined && (version === undefined || (previous.version ?? -1) >= version);
    if (!keepPrevious) byGuid.set(key, version === undefined ? { guid } : { guid, version });
  }
  return [...byGuid.values()];
}

export interface OrderChangeEventInput {
  restCode: string;
  dateTime: string;
  seqNumber: number;
  eventGuid: string;
  station?: { id: number; code: number; name: string };
  orders: { guid: string; visit: number; orderIdent: number; version: number }[];
}

export function buildOrderChangeEvent(input: OrderChangeEventInput): XmlElement {
  const { notification } = RKEEPER_ASSUMPTIONS;
  const rootAttrs: Rk7NotifyRootAttrs = {
    RestCode: input.restCode,
    DateTime: input.dateTime,
    Situation: notification.orderChangedSituation,
    seqnumber: String(input.seqNumber),
    guid: input.eventGuid,
    name: 'OrderChanged',
  };
  const children = [
    ...(input.station ? [element('Station', input.station)] : []),
    ...input.orders.map((o) => element(notification.orderElementName, o)),
  ];
  return element(notification.rootName, rootAttrs, children);
}
