import { orderExternalId } from '@bridge/rkeeper';
import { payOnPaymentPage } from '../../../libs/invoicebox/src/testing/payment-page';
import { Stack } from '../../support/stack';
import { waitFor } from '../../support/wait-for';

export { payOnPaymentPage };

export interface BillView {
  id: string;
  externalId: string;
  status: string;
  amountDue: { amount: number; currency: string };
}

export interface BillDetailsView extends BillView {
  links: Array<{ id: string; status: string; merchantOrderId: string; paymentUrl: string | null }>;
  payments: Array<{ channel: string; amount: { amount: number; currency: string }; providerOrderId: string }>;
  settlements: Array<{ status: string; mode: string | null }>;
  events: Array<{ type: string; data: Record<string, unknown> }>;
}

export interface ApiReply<T> {
  status: number;
  body: T;
  headers: Headers;
}

export function api(stack: Stack) {
  const call = async <T>(method: string, path: string): Promise<ApiReply<T>> => {
    const response = await fetch(`${stack.bridgeUrl}${path}`, {
      method,
      headers: { Authorization: `Bearer ${stack.adminToken}`, Accept: 'application/json' },
    });
    return { status: response.status, body: (await response.json()) as T, headers: response.headers };
  };
  return {
    bills: () => call<BillView[]>('GET', '/api/v1/bills?siteId=cafe-1'),
    bill: (id: string) => call<BillDetailsView>('GET', `/api/v1/bills/${id}`),
    issueLink: (id: string) => call<Record<string, unknown>>('POST', `/api/v1/bills/${id}/payment-link`),
  };
}

/** A table at the r_keeper simulator: borsch ×2 and pelmeni. Resolves once the bridge sees it. */
export async function openTable(stack: Stack, tableCode = 5): Promise<{ guid: string; bill: BillView }> {
  const order = stack.rkeeper.control.openOrder({
    tableCode,
    dishes: [{ code: 201, quantityMilli: 2000 }, { code: 301 }],
  });
  const externalId = orderExternalId(order.guid);
  const bill = await waitFor(
    async () =>
      (await api(stack).bills()).body.find((b) => b.externalId === externalId && b.status === 'open'),
    { what: `bill of r_keeper order ${order.guid}` },
  );
  return { guid: order.guid, bill };
}

export async function issuePaymentUrl(stack: Stack, billId: string): Promise<string> {
  const reply = await api(stack).issueLink(billId);
  if (reply.status !== 201)
    throw new Error(`payment-link answered ${reply.status}: ${JSON.stringify(reply.body)}`);
  return String(reply.body['paymentUrl']);
}

/** Paid at Invoicebox, applied at the POS, closed in the bridge: the whole promise of the product. */
export async function waitUntilSettled(stack: Stack, guid: string, billId: string): Promise<BillDetailsView> {
  await waitFor(() => stack.rkeeper.control.order(guid).paid, { what: 'the r_keeper order to be paid' });
  return waitFor(
    async () => {
      const details = (await api(stack).bill(billId)).body;
      return details.status === 'closed' && details.settlements.every((s) => s.status === 'applied')
        ? details
        : undefined;
    },
    { what: 'the bill to close in the bridge' },
  );
}
