import { Bill, Payment } from '@bridge/core';
import { FiasSimReservationSeed } from '@bridge/simulators';
import { Stack } from '../../support/stack';
import { storedBillWhen } from '../../support/bridge-api';

export { api, issueLink, settlementWhen } from '../../support/bridge-api';

export const HOTEL = 'hotel-1';

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
  return storedBillWhen(stack, HOTEL, reservation, accept, what);
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
