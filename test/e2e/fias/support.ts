import { Bill, Payment, PaymentLink, Settlement } from '@bridge/core';
import { FiasSimReservationSeed } from '@bridge/simulators';
import { Stack } from '../../support/stack';
import { waitFor } from '../../support/wait-for';

export const HOTEL = 'hotel-1';

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

export function sim(stack: Stack) {
  if (!stack.fias) throw new Error('the stack runs no FIAS simulator');
  return stack.fias;
}

/** The folio of `reservation` as the bridge stores it, once `accept` holds. */
export function folioWhen(
  stack: Stack,
  reservation: string,
  accept: (bill: Bill) => boolean,
  what: string,
): Promise<Bill> {
  return waitFor(
    async () => {
      const bill = await stack.store.bills.findByExternalId(HOTEL, reservation);
      return bill && accept(bill) ? bill : undefined;
    },
    { what },
  );
}

/** Checks a guest in at the PMS and waits until the bridge shows a payable folio. */
export async function checkIn(stack: Stack, seed: FiasSimReservationSeed): Promise<Bill> {
  sim(stack).control.checkIn(seed);
  return folioWhen(
    stack,
    seed.reservation,
    (b) => b.status === 'open' && b.amountDue.isPositive(),
    `folio ${seed.reservation}`,
  );
}

export async function issueLink(stack: Stack, billId: string): Promise<PaymentLink> {
  const issued = await api<{ linkId: string }>(stack, 'POST', `/api/v1/bills/${billId}/payment-link`);
  expect(issued.status).toBe(201);
  const link = await stack.store.links.findById(issued.body.linkId);
  if (!link?.providerOrderId) throw new Error('the link has no Invoicebox order');
  return link;
}

export function settlementWhen(
  stack: Stack,
  billId: string,
  accept: (settlement: Settlement) => boolean,
  what: string,
): Promise<Settlement> {
  return waitFor(async () => (await stack.store.settlements.listByBill(billId)).find(accept), { what });
}

export async function paymentOf(stack: Stack, billId: string): Promise<Payment> {
  const [payment] = await stack.store.payments.listByBill(billId);
  if (!payment) throw new Error(`no payment for bill ${billId}`);
  return payment;
}

/** Payment credits (the hotel's online-payment code) on a folio at the PMS. */
export function credits(stack: Stack, reservation: string): number[] {
  return sim(stack)
    .control.folio(reservation)
    .items.filter((item) => item.department === '9010')
    .map((item) => item.amount);
}

let next = 0;

/** A fresh in-house guest with a folio of `amount` (room night + minibar), unique per call. */
export function guest(amount: number): FiasSimReservationSeed {
  next += 1;
  return {
    reservation: `${41_000 + next}`,
    room: `${5100 + next}`,
    guestName: `Test ${next}, Mr.`,
    items: [
      { department: '100', description: 'Room night', amount: amount - 1_500 },
      { department: '420', description: 'Minibar', amount: 1_500 },
    ],
  };
}
