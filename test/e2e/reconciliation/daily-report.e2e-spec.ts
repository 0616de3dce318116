import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { NestFactory } from '@nestjs/core';
import { NestExpressApplication } from '@nestjs/platform-express';
import {
  Bill,
  PaymentLink,
  ReconciliationReport,
  RunDailyReconciliation,
  Settlement,
  Store,
  localDate,
} from '@bridge/core';
import { InvoiceboxClient, InvoiceboxPaymentProvider } from '@bridge/invoicebox';
import { TestDatabase, TypeormReconciliationStore, createTestDatabase } from '@bridge/persistence';
import {
  InvoiceboxSandbox,
  RkeeperSimulator,
  phpJsonEncode,
  signInvoiceboxNotification,
  startInvoiceboxSandbox,
  startRkeeperSimulator,
} from '@bridge/simulators';
import { DataSource } from 'typeorm';
import { bootstrapBridge } from '../../../apps/bridge/src/bootstrap';
import { LoadedConfig, parseConfig } from '../../../apps/bridge/src/config/load-config';
import { freePort } from '../../support/free-port';
import { CAFE_MERCHANT, STACK_ADMIN_TOKEN } from '../../support/stack';
import { waitFor } from '../../support/wait-for';

const SITE = 'cafe-1';

/** A time zone where it is about noon now: the test's payments all fall on one local day. */
function noonZone(): string {
  const shift = 12 - new Date().getUTCHours();
  return shift === 0 ? 'Etc/GMT' : `Etc/GMT${shift > 0 ? '-' : '+'}${Math.abs(shift)}`;
}

interface World {
  db: TestDatabase;
  sandbox: InvoiceboxSandbox;
  rkeeper: RkeeperSimulator;
  loaded: LoadedConfig;
  url: string;
  reportsDir: string;
  apps: NestExpressApplication[];
  store: Store;
}

async function startWorld(): Promise<World> {
  const db = await createTestDatabase('bridge_reconcile');
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const sandbox = await startInvoiceboxSandbox({
    merchants: [CAFE_MERCHANT],
    settings: { webhook: { timeoutMs: 5_000, retryDelaysMs: [200, 500] } },
  });
  const rkeeper = await startRkeeperSimulator({});
  const reportsDir = mkdtempSync(join(tmpdir(), 'bridge-reports-'));
  const yaml = `
logLevel: ${process.env.BRIDGE_TEST_LOGS ? 'info' : 'silent'}
server: { port: ${port}, host: 127.0.0.1, publicUrl: "${url}", adminToken: ${STACK_ADMIN_TOKEN} }
database: { url: "${db.url}" }
invoicebox: { apiUrl: "${sandbox.url}", notifications: webhook, pollIntervalSeconds: 3600, timeoutMs: 3000 }
settlement: { maxAttempts: 50, baseDelayMs: 200, maxDelayMs: 1000, leaseMs: 30000 }
reconciliation: { enabled: false, timeZone: "${noonZone()}", reportsDir: "${reportsDir}" }
sites:
  - id: ${SITE}
    kind: rkeeper
    name: Cafe
    autoRefundExcess: true
    merchant: { merchantId: "${CAFE_MERCHANT.merchantId}", apiToken: "${CAFE_MERCHANT.token}", notificationKey: "${CAFE_MERCHANT.notificationKey}" }
    rkeeper:
      url: "${rkeeper.url}"
      username: "${rkeeper.username}"
      password: "${rkeeper.password}"
      tlsFingerprint: "${rkeeper.certificateFingerprint}"
      paymentCurrencyId: 1030240
      prepayReasonId: 5
      stationCode: 1
      cashierCode: 5
    pollIntervalSeconds: 1
`;
  const loaded: LoadedConfig = {
    config: parseConfig(yaml, {}, 'reconciliation'),
    path: 'reconciliation',
    demo: false,
  };
  const app = await bootstrapBridge(loaded, { factory: NestFactory });
  await app.listen(port, '127.0.0.1');
  return { db, sandbox, rkeeper, loaded, url, reportsDir, apps: [app], store: app.get(Store) };
}

describe('daily reconciliation: Invoicebox, the bridge and r_keeper for one day', () => {
  let w: World;

  beforeAll(async () => {
    w = await startWorld();
  });

  afterAll(async () => {
    for (const app of w?.apps ?? []) await app.close();
    await Promise.all([w?.sandbox.close(), w?.rkeeper.close()]);
    await w?.db.drop();
  });

  async function api<T>(method: 'GET' | 'POST', path: string): Promise<{ status: number; body: T }> {
    const response = await fetch(`${w.url}${path}`, {
      method,
      headers: { Authorization: `Bearer ${STACK_ADMIN_TOKEN}` },
    });
    return { status: response.status, body: (await response.json()) as T };
  }

  async function billOf(guid: string, accept: (bill: Bill) => boolean = () => true): Promise<Bill> {
    return waitFor(
      async () => {
        const bill = await w.store.bills.findByExternalId(SITE, guid);
        return bill && accept(bill) ? bill : undefined;
      },
      { timeoutMs: 20_000, what: `bill ${guid}` },
    );
  }

  async function issue(bill: Bill): Promise<PaymentLink> {
    const issued = await api<{ linkId: string }>('POST', `/api/v1/bills/${bill.id}/payment-link`);
    expect(issued.status).toBe(201);
    const link = await w.store.links.findById(issued.body.linkId);
    if (!link?.providerOrderId) throw new Error('no Invoicebox order');
    return link;
  }

  function settled(bill: Bill, accept: (s: Settlement) => boolean, what: string): Promise<Settlement> {
    return waitFor(async () => (await w.store.settlements.listByBill(bill.id)).find(accept), {
      timeoutMs: 20_000,
      what,
    });
  }

  function canceledAtInvoicebox(link: PaymentLink): Promise<boolean> {
    return waitFor(() => w.sandbox.order(link.providerOrderId ?? '')?.status === 'canceled', {
      what: 'the superseded link canceled at Invoicebox',
    });
  }

  function open(dishes: number[]): string {
    return w.rkeeper.control.openOrder({ tableCode: 3, dishes: dishes.map((code) => ({ code })) }).guid;
  }

  it('finds each kind of mismatch, and refunds every excess once although two processes run it at once', async () => {
    const { rkeeper, sandbox } = w;

    const cleanGuid = open([101, 601]);
    const cleanLink = await issue(await billOf(cleanGuid));
    sandbox.control.payOrder(cleanLink.providerOrderId ?? '');
    await settled(await billOf(cleanGuid), (s) => s.status === 'applied', 'the clean payment applied');

    const lockedGuid = open([102]);
    const locked = await billOf(lockedGuid);
    const lockedLink = await issue(locked);
    rkeeper.control.lock(lockedGuid);
    sandbox.control.payOrder(lockedLink.providerOrderId ?? '');
    await settled(locked, (s) => s.attempts >= 1 && s.status !== 'in_flight', 'the locked order refused');

    const cashGuid = open([103]);
    const cash = await billOf(cashGuid);
    const cashLink = await issue(cash);
    rkeeper.control.closeByCash(cashGuid);
    await canceledAtInvoicebox(cashLink);
    sandbox.control.payOrder(cashLink.providerOrderId ?? '', { allowCanceled: true });
    await settled(cash, (s) => s.status === 'needs_attention', 'the payment of a bill closed by cash');

    const twiceGuid = open([101, 601]);
    const twice = await billOf(twiceGuid);
    const firstLink = await issue(twice);
    rkeeper.control.addDish(twiceGuid, { code: 603 });
    await canceledAtInvoicebox(firstLink);
    const secondLink = await issue(await billOf(twiceGuid, (b) => b.total.minor === 89_000));
    sandbox.control.payOrder(secondLink.providerOrderId ?? '');
    await settled(twice, (s) => s.status === 'applied', 'the second link applied');
    sandbox.control.payOrder(firstLink.providerOrderId ?? '', { allowCanceled: true });
    await settled(twice, (s) => s.status === 'needs_attention', 'the first link paid after all');

    const overGuid = open([101, 601]);
    const over = await billOf(overGuid);
    const overLink = await issue(over);
    const tea = rkeeper.state.order(overGuid).dishes.find((d) => d.code === 601);
    rkeeper.control.removeDish(overGuid, tea?.lineGuid ?? '');
    await canceledAtInvoicebox(overLink);
    sandbox.control.payOrder(overLink.providerOrderId ?? '', { allowCanceled: true });
    await settled(over, (s) => s.status === 'applied', 'the overpayment applied with what was due');

    const lostGuid = open([104]);
    const lostLink = await issue(await billOf(lostGuid));
    sandbox.control.dropNotifications(1);
    sandbox.control.payOrder(lostLink.providerOrderId ?? '');

    const client = new InvoiceboxClient({
      token: CAFE_MERCHANT.token,
      appVersion: 'test',
      baseUrl: sandbox.url,
    });
    const stranger = await new InvoiceboxPaymentProvider({
      client,
      merchantId: CAFE_MERCHANT.merchantId,
      notificationKey: CAFE_MERCHANT.notificationKey,
    }).createLink({
      merchantOrderId: 'made-in-the-cabinet',
      visibleOrderId: 'Cabinet',
      description: 'Made by hand in the merchant cabinet',
      amount: cash.total,
      lines: cash.lines,
      fiscal: {
        vatCode: 'RUS_VAT20',
        itemType: 'service',
        paymentType: 'full_payment',
        measure: 'шт',
        measureCode: '796',
      },
      expiresAt: new Date(Date.now() + 3_600_000),
      language: 'ru',
    });
    sandbox.control.payOrder(stranger.order.providerOrderId);

    const forgedGuid = open([201]);
    const forged = await billOf(forgedGuid);
    const forgedLink = await issue(forged);
    const body = phpJsonEncode({ ...sandbox.order(forgedLink.providerOrderId ?? ''), status: 'completed' });
    const posted = await fetch(`${w.url}/webhooks/invoicebox/${SITE}`, {
      method: 'POST',
      headers: {
        'Content-Type': 'application/json',
        'X-Signature': signInvoiceboxNotification(body, CAFE_MERCHANT.notificationKey),
      },
      body,
    });
    expect(posted.status).toBe(200);
    await settled(forged, (s) => s.status === 'applied', 'the forged payment applied');

    await client.createRefund({
      parentId: cleanLink.providerOrderId ?? '',
      merchantOrderId: 'cabinet-refund-1',
      description: 'Refund made in the cabinet',
      currency: 'RUB',
    });

    const second = await bootstrapBridge(w.loaded, { factory: NestFactory, scheduler: false });
    await second.init();
    w.apps.push(second);
    const date = localDate(new Date(), w.loaded.config.reconciliation.timeZone);
    const [[report], [again]] = await Promise.all(
      w.apps.map((app) => app.get(RunDailyReconciliation).execute({ siteId: SITE, date })),
    );

    expect(again).toEqual(report);
    const kinds = report.mismatches.map((m) => m.kind).sort();
    expect(kinds).toEqual(
      [
        'applied_without_confirmed_payment',
        'closed_at_pos_but_paid_online',
        'confirmed_unknown_to_bridge',
        'confirmed_unknown_to_bridge',
        'overpaid',
        'paid_but_open',
        'paid_twice',
        'refund_unknown_to_bridge',
      ].sort(),
    );
    const of = (kind: ReconciliationReport['mismatches'][number]['kind']) =>
      report.mismatches.filter((m) => m.kind === kind);
    expect(of('paid_but_open')[0]).toMatchObject({ billId: locked.id, action: 'waiting_for_person' });
    expect(of('closed_at_pos_but_paid_online')[0]).toMatchObject({ billId: cash.id, action: 'refunded' });
    expect(of('paid_twice')[0]).toMatchObject({
      billId: twice.id,
      amount: { amount: 64_000 },
      action: 'refunded',
    });
    expect(of('overpaid')[0]).toMatchObject({
      billId: over.id,
      amount: { amount: 15_000 },
      action: 'refunded',
    });
    expect(of('applied_without_confirmed_payment')[0].billId).toBe(forged.id);
    expect(
      of('confirmed_unknown_to_bridge')
        .map((m) => [m.providerOrderId, m.action])
        .sort(),
    ).toEqual(
      [
        [lostLink.providerOrderId, 'recorded'],
        [stranger.order.providerOrderId, 'waiting_for_person'],
      ].sort(),
    );
    expect(of('refund_unknown_to_bridge')[0]).toMatchObject({ providerOrderId: cleanLink.providerOrderId });

    const bridgeRefunds = sandbox.refunds().filter((r) => r.merchantOrderId.endsWith(':excess'));
    expect(bridgeRefunds.map((r) => [r.parentId, Math.round(r.amount * 100)]).sort()).toEqual(
      [
        [cashLink.providerOrderId, cashLink.amount.minor],
        [firstLink.providerOrderId, 64_000],
        [overLink.providerOrderId, 15_000],
      ].sort(),
    );

    const dataSource = w.apps[0].get(DataSource);
    expect(await new TypeormReconciliationStore(dataSource).findReport(SITE, date)).toEqual(report);
    const jsonFile = join(w.reportsDir, date, `${SITE}.json`);
    const csvFile = join(w.reportsDir, date, `${SITE}.csv`);
    expect(report.files).toEqual({ json: jsonFile, csv: csvFile });
    expect(existsSync(jsonFile)).toBe(true);
    expect(JSON.parse(readFileSync(jsonFile, 'utf8'))).toMatchObject({
      id: report.id,
      mismatches: report.mismatches,
    });
    const csv = readFileSync(csvFile, 'utf8').trim().split('\r\n');
    expect(csv[0]).toBe(
      'date,siteId,kind,billId,billExternalId,billLabel,paymentIds,providerOrderId,amountMinor,currency,action,detail',
    );
    expect(csv).toHaveLength(report.mismatches.length + 1);

    // A rerun later the same day: what was refunded or recorded is settled now, and nothing is refunded again.
    await settled(await billOf(lostGuid), (s) => s.status === 'applied', 'the recorded payment applied');
    const [rerun] = await w.apps[1].get(RunDailyReconciliation).execute({ siteId: SITE, date });
    expect(rerun.generatedAt > report.generatedAt).toBe(true);
    expect(rerun.mismatches.map((m) => m.kind).sort()).toEqual(
      [
        'applied_without_confirmed_payment',
        'confirmed_unknown_to_bridge',
        'paid_but_open',
        'refund_unknown_to_bridge',
      ].sort(),
    );
    expect(rerun.totals.bridge.refunds).toBe(3);
    expect(sandbox.refunds()).toHaveLength(4);

    const listed = await api<Array<{ siteId: string; report: { reportId: string; mismatches: number } }>>(
      'GET',
      `/api/v1/reports/reconciliation?siteId=${SITE}&days=1`,
    );
    expect(listed.body.map((r) => [r.siteId, r.report.reportId, r.report.mismatches])).toEqual([
      [SITE, report.id, 4],
      [SITE, report.id, 8],
    ]);
  });
});
