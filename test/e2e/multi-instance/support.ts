import * as https from 'node:https';
import { AddressInfo } from 'node:net';
import { Settlement, Store } from '@bridge/core';
import { TestDatabase, TypeormStore, createDataSourceOptions, createTestDatabase } from '@bridge/persistence';
import {
  FiasSimulator,
  InvoiceboxSandbox,
  RKEEPER_XML_PATH,
  RkeeperSimulator,
  selfSignedCertificate,
  startFiasSimulator,
  startInvoiceboxSandbox,
  startRkeeperSimulator,
} from '@bridge/simulators';
import { DataSource } from 'typeorm';
import { CAFE_MERCHANT, HOTEL_MERCHANT } from '../../support/stack';
import { waitFor } from '../../support/wait-for';

/** Simulators in this process and an empty PostgreSQL database the bridge processes share. */
export interface World {
  db: TestDatabase;
  sandbox: InvoiceboxSandbox;
  rkeeper: RkeeperSimulator;
  fias?: FiasSimulator;
  /** The shared database as the test reads it (opened once the first bridge migrated it). */
  store(): Promise<Store>;
  close(): Promise<void>;
}

export async function startWorld(options: { fias?: boolean } = {}): Promise<World> {
  const db = await createTestDatabase('bridge_multi');
  const sandbox = await startInvoiceboxSandbox({
    merchants: [CAFE_MERCHANT, HOTEL_MERCHANT],
    settings: { webhook: { timeoutMs: 5_000, retryDelaysMs: [200, 500, 1_000, 2_000] } },
  });
  const rkeeper = await startRkeeperSimulator({});
  const fias = options.fias ? await startFiasSimulator({ checkoutDelayMs: 20 }) : undefined;
  let dataSource: DataSource | undefined;
  return {
    db,
    sandbox,
    rkeeper,
    fias,
    async store() {
      dataSource ??= await new DataSource(createDataSourceOptions(db.url, { poolSize: 4 })).initialize();
      return new TypeormStore(dataSource);
    },
    async close() {
      await dataSource?.destroy();
      await Promise.all([sandbox.close(), rkeeper.close(), fias?.close()]);
      await db.drop();
    },
  };
}

export function settlementOf(store: Store, billId: string, accept: (s: Settlement) => boolean, what: string) {
  return waitFor(async () => (await store.settlements.listByBill(billId)).find(accept), {
    timeoutMs: 30_000,
    intervalMs: 100,
    what,
  });
}

export interface TimedCall {
  cmd: string;
  start: number;
  end: number;
}

/** An HTTPS front of the r_keeper simulator (its certificate) that times every XML request, start to end. */
export async function startTimingFront(
  sim: RkeeperSimulator,
): Promise<{ url: string; calls: TimedCall[]; close(): Promise<void> }> {
  const tls = await selfSignedCertificate();
  const calls: TimedCall[] = [];
  const server = https.createServer({ key: tls.key, cert: tls.cert }, (req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      const call = {
        cmd: /CMD="([^"]+)"/.exec(body.toString('latin1'))?.[1] ?? '?',
        start: Date.now(),
        end: 0,
      };
      calls.push(call);
      const upstream = https.request(
        `${sim.baseUrl}${req.url ?? RKEEPER_XML_PATH}`,
        { method: req.method, headers: req.headers, rejectUnauthorized: false, agent: false },
        (answer) => {
          res.writeHead(answer.statusCode ?? 502, answer.headers);
          answer.pipe(res);
          answer.on('end', () => (call.end = Date.now()));
        },
      );
      upstream.on('error', () => res.destroy());
      res.on('close', () => {
        call.end ||= Date.now();
        upstream.destroy();
      });
      upstream.end(body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `https://127.0.0.1:${(server.address() as AddressInfo).port}${RKEEPER_XML_PATH}`,
    calls,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
