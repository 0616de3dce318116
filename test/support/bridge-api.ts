import { Bill, PaymentLink, Settlement } from '@bridge/core';
import { Stack } from './stack';
import { waitFor } from './wait-for';

/** The operator API of the stack's bridge, with its admin token. */
export async function api<T>(
  stack: Stack,
  method: 'GET' | 'POST',
  path: string,
  body?: unknown,
): Promise<{ status: number; body: T }> {
  const response = await fetch(`${stack.bridgeUrl}${path}`, {
    method,
    headers: { Authorization: `Bearer ${stack.adminToken}`, 'Content-Type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: response.status, body: (await response.json()) as T };
}

/** A site's bill as the bridge stores it, once `accept` holds for it. */
export function storedBillWhen(
  stack: Stack,
  siteId: string,
  externalId: string,
  accept: (bill: Bill) => boolean,
  what: string,
): Promise<Bill> {
  return waitFor(
    async () => {
      const bill = await stack.store.bills.findByExternalId(siteId, externalId);
      return bill && accept(bill) ? bill : undefined;
    },
    { what },
  );
}

/** Issues a link through the operator API; the stored link, with its Invoicebox order. */
export async function issueLink(stack: Stack, billId: string): Promise<PaymentLink> {
  const issued = await api<{ linkId: string }>(stack, 'POST', `/api/v1/bills/${billId}/payment-link`);
  expect(issued.status).toBe(201);
  const link = await stack.store.links.findById(issued.body.linkId);
  if (!link?.providerOrderId) throw new Error('the link has no Invoicebox order');
  return link;
}

/** The first settlement of the bill for which `accept` holds. */
export function settlementWhen(
  stack: Stack,
  billId: string,
  accept: (settlement: Settlement) => boolean,
  what: string,
): Promise<Settlement> {
  return waitFor(async () => (await stack.store.settlements.listByBill(billId)).find(accept), { what });
}
