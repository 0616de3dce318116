import * as https from 'node:https';
import { AddressInfo } from 'node:net';
import { Bill } from '@bridge/core';
import { RKEEPER_XML_PATH, RkeeperSimulator, selfSignedCertificate } from '@bridge/simulators';
import { Stack } from '../../support/stack';
import { storedBillWhen } from '../../support/bridge-api';

export { api, issueLink, settlementWhen } from '../../support/bridge-api';

export const SITE = 'cafe-1';
export const INVOICEBOX_CURRENCY = 1030240;
export const PREPAY_REASON = 5;

export function openOrder(stack: Stack, tableCode: number, dishCodes: number[] = [101, 305, 601]): string {
  return stack.rkeeper.control.openOrder({ tableCode, dishes: dishCodes.map((code) => ({ code })) }).guid;
}

/** The bill of an r_keeper order as the bridge stores it, once `accept` holds for it. */
export function billWhen(
  stack: Stack,
  guid: string,
  accept: (bill: Bill) => boolean,
  what: string,
): Promise<Bill> {
  return storedBillWhen(stack, SITE, guid, accept, what);
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
