import * as https from 'node:https';
import { AddressInfo } from 'node:net';
import { Bill, PaymentLink, Settlement } from '@bridge/core';
import { RKEEPER_XML_PATH, RkeeperSimulator, selfSignedCertificate } from '@bridge/simulators';
import { Stack } from '../../support/stack';
import { waitFor } from '../../support/wait-for';

export const SITE = 'cafe-1';
export const INVOICEBOX_CURRENCY = 1030240;
export const PREPAY_REASON = 5;

export async function api<T>(
  stack: Stack,
  method: 'GET' | 'POST',
  path: string,
): Promise<{ status: number; body: T }> {
  const response = await fetch(`${stack.bridgeUrl}${path}`, {
    method,
    headers: { Authorization: `Bearer ${stack.adminToken}` },
  });
  return { status: response.status, body: (await response.json()) as T };
}

export function openOrder(stack: Stack, tableCode: number, dishCodes: number[] = [101, 305, 601]): string {
  return stack.rkeeper.control.openOrder({ tableCode, dishes: dishCodes.map((code) => ({ code })) }).guid;
}

/** The bill as the bridge stores it, once `accept` holds for it. */
export function billWhen(
  stack: Stack,
  guid: string,
  accept: (bill: Bill) => boolean,
  what: string,
): Promise<Bill> {
  return waitFor(
    async () => {
      const bill = await stack.store.bills.findByExternalId(SITE, guid);
      return bill && accept(bill) ? bill : undefined;
    },
    { what },
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

export interface RecordedCall {
  cmd: string;
  orderGuid?: string;
  at: number;
}

export interface RecordingFront {
  url: string;
  calls(): RecordedCall[];
  close(): Promise<void>;
}

/**
 * The r_keeper simulator counts requests but keeps no times: this HTTPS front (same certificate, so the
 * pinned fingerprint still matches) stamps every XML request on arrival and passes it through unchanged.
 */
export async function startRecordingFront(sim: RkeeperSimulator): Promise<RecordingFront> {
  const tls = await selfSignedCertificate();
  const calls: RecordedCall[] = [];
  const server = https.createServer({ key: tls.key, cert: tls.cert }, (req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      const text = body.toString('latin1');
      calls.push({
        cmd: /CMD="([^"]+)"/.exec(text)?.[1] ?? '?',
        orderGuid: /<Order[^>]*\sguid="([^"]+)"/.exec(text)?.[1],
        at: Date.now(),
      });
      const upstream = https.request(
        `${sim.baseUrl}${req.url ?? RKEEPER_XML_PATH}`,
        { method: req.method, headers: req.headers, rejectUnauthorized: false, agent: false },
        (answer) => {
          res.writeHead(answer.statusCode ?? 502, answer.headers);
          answer.pipe(res);
        },
      );
      upstream.on('error', () => res.destroy());
      res.on('close', () => upstream.destroy());
      upstream.end(body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `https://127.0.0.1:${port}${RKEEPER_XML_PATH}`,
    calls: () => [...calls],
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

export function percentile(sorted: number[], p: number): number {
  const index = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[index];
}
