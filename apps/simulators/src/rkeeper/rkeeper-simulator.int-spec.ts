import {
  parseOrderChangeNotification,
  parseXml,
  XmlElement,
  attr,
  childrenNamed,
  firstChild,
} from '@bridge/rkeeper';
import * as iconv from 'iconv-lite';
import * as http from 'node:http';
import * as https from 'node:https';
import { AddressInfo, createServer } from 'node:net';
import { RkeeperSimulator, startRkeeperSimulator } from './rkeeper-simulator';

interface RawAnswer {
  status: number;
  headers: http.IncomingHttpHeaders;
  text: string;
  fingerprint?: string;
}

function request(
  sim: RkeeperSimulator,
  path: string,
  method: string,
  body: Buffer | string | undefined,
  headers: Record<string, string> = {},
): Promise<RawAnswer> {
  return new Promise((resolve, reject) => {
    const req = https.request(
      `${sim.baseUrl}${path}`,
      { method, headers, ca: sim.certificatePem, agent: false },
      (res) => {
        const chunks: Buffer[] = [];
        const socket = res.socket as import('node:tls').TLSSocket;
        const fingerprint = socket.getPeerCertificate().fingerprint256;
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            headers: res.headers,
            text: Buffer.concat(chunks).toString('utf8'),
            fingerprint,
          }),
        );
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

function auth(sim: RkeeperSimulator): Record<string, string> {
  return { Authorization: `Basic ${Buffer.from(`${sim.username}:${sim.password}`).toString('base64')}` };
}

async function rk7(
  sim: RkeeperSimulator,
  inner: string,
  encoding: 'utf-8' | 'windows-1251' = 'utf-8',
): Promise<XmlElement> {
  const xml = `<?xml version="1.0" encoding="${encoding}"?><RK7Query>${inner}</RK7Query>`;
  const answer = await request(sim, '/rk7api/v0/xmlinterface.xml', 'POST', iconv.encode(xml, encoding), {
    ...auth(sim),
    'Content-Type': 'application/xml',
  });
  expect(answer.status).toBe(200);
  expect(answer.headers['content-type']).toBe('application/xml; charset=utf-8');
  return parseXml(answer.text);
}

async function control(
  sim: RkeeperSimulator,
  method: string,
  path: string,
  body?: unknown,
): Promise<RawAnswer & { json: unknown }> {
  const answer = await request(
    sim,
    `/__control${path}`,
    method,
    body === undefined ? undefined : JSON.stringify(body),
    {
      'Content-Type': 'application/json',
    },
  );
  return { ...answer, json: JSON.parse(answer.text) };
}

const order = (guid: string) => `<Order guid="${guid}"/>`;
const pay = (guid: string, amount: number, currency = 1030240) =>
  `<RK7CMD CMD="PayOrder">${order(guid)}<Station code="1"/><Cashier code="5"/><Payment id="${currency}" amount="${amount}"/></RK7CMD>`;
const prepay = (guid: string, amount: number, reason = '<Reason id="5"/>') =>
  `<RK7CMD CMD="SaveOrder">${order(guid)}<Session><Prepay id="1030240" amount="${amount}">${reason}</Prepay></Session></RK7CMD>`;
const getOrder = (guid: string) => `<RK7CMD CMD="GetOrder">${order(guid)}</RK7CMD>`;

async function readOrder(sim: RkeeperSimulator, guid: string): Promise<XmlElement> {
  const result = await rk7(sim, getOrder(guid));
  const el = firstChild(result, 'Order');
  if (!el) throw new Error(`no order in ${JSON.stringify(result.attrs)}`);
  return el;
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

describe('r_keeper simulator over HTTPS', () => {
  let sim: RkeeperSimulator;
  const fixedNow = new Date('2024-05-17T19:00:00Z');

  beforeAll(async () => {
    sim = await startRkeeperSimulator({ clock: () => fixedNow });
  });
  afterEach(() => sim.control.clearFaults());
  afterAll(() => sim.close());

  const newOrder = () =>
    sim.control.openOrder({ tableCode: 4, dishes: [{ code: 301, modifiers: [{ code: 1 }] }, { code: 601 }] });

  it('serves TLS with the certificate whose SHA-256 it reports, and asks for Basic auth', async () => {
    const noAuth = await request(
      sim,
      '/rk7api/v0/xmlinterface.xml',
      'POST',
      '<RK7Query><RK7CMD CMD="GetSystemInfo"/></RK7Query>',
    );
    expect(noAuth.status).toBe(401);
    expect(noAuth.headers['www-authenticate']).toMatch(/^Basic/);
    expect(noAuth.fingerprint).toBe(sim.certificateFingerprint);
    const wrong = await request(sim, '/rk7api/v0/xmlinterface.xml', 'POST', '<RK7Query/>', {
      Authorization: `Basic ${Buffer.from('HTTPUSER:nope').toString('base64')}`,
    });
    expect(wrong.status).toBe(401);
    const info = await rk7(sim, '<RK7CMD CMD="GetSystemInfo"/>');
    expect(info.attrs).toMatchObject({ Status: 'Ok', CMD: 'GetSystemInfo', DateTime: '2024-05-17T19:00:00' });
    expect(firstChild(info, 'SystemInfo')?.attrs.RestCode).toBe('199990777');
  });

  it('serves reference data: CURRENCIES or CURRENCYTYPES, prepay reasons under both names, tables with halls', async () => {
    const items = async (refName: string) => {
      const result = await rk7(sim, `<RK7CMD CMD="GetRefData" RefName="${refName}" OnlyActive="1"/>`);
      const reference = firstChild(result, 'RK7Reference');
      return reference
        ? childrenNamed(firstChild(reference, 'Items') ?? reference, 'Item').map((i) => i.attrs)
        : [];
    };
    const currencies = await items('CURRENCIES');
    expect(currencies).toContainEqual(expect.objectContaining({ Ident: '1030240', Name: 'Invoicebox' }));
    expect(await items('CurrencyTypes')).toEqual(currencies);
    expect(await items('DEPOSITCOLLECTREASONS')).toContainEqual(expect.objectContaining({ Ident: '5' }));
    expect(await items('PREPAYREASONS')).toEqual(await items('DEPOSITCOLLECTREASONS'));
    expect((await items('TABLES'))[0]).toMatchObject({ Code: '1', Name: 'Стол 1', Hall: '1' });
    const unknown = await rk7(sim, '<RK7CMD CMD="GetRefData" RefName="NOPE"/>');
    expect(unknown.attrs).toMatchObject({
      Status: 'Bad Query Parameters',
      ErrorText: 'Неизвестный справочник "NOPE"',
    });
  });

  it('closes an order only on the exact amount due, then drops it from the open list and refuses more writes', async () => {
    const o = newOrder();
    expect(o.unpaidSum).toBe(48000 + 4000 + 15000);
    const short = await rk7(sim, pay(o.guid, o.unpaidSum - 100));
    expect(short.attrs).toMatchObject({
      Status: 'Query Executing Error',
      ErrorText: 'Сумма оплаты 669.00 не совпадает с суммой к оплате 670.00',
    });
    expect(sim.state.order(o.guid)).toMatchObject({ paid: false, version: o.version });
    const paid = await rk7(sim, pay(o.guid, o.unpaidSum));
    expect(paid.attrs.Status).toBe('Ok');
    expect(firstChild(firstChild(paid, 'PrintCheck') ?? paid, 'Pay')?.attrs).toMatchObject({
      id: '1030240',
      amount: '67000',
    });
    expect((await readOrder(sim, o.guid)).attrs).toMatchObject({
      paid: '1',
      finished: '1',
      unpaidSum: '0',
      version: String(o.version + 1),
    });
    const list = await rk7(sim, '<RK7CMD CMD="GetOrderList" onlyOpened="1"/>');
    const guids = childrenNamed(list, 'Visit').flatMap((v) =>
      childrenNamed(firstChild(v, 'Orders') ?? v, 'Order').map((x) => x.attrs.guid),
    );
    expect(guids).not.toContain(o.guid);
    const again = await rk7(sim, pay(o.guid, 1));
    expect(again.attrs).toMatchObject({ ErrorText: `Визит ${o.visit} закрыт!`, RK7ErrorN: '2128' });
  });

  it('requires a Reason for a prepay, caps it at the amount due, and deducts it from unpaidSum', async () => {
    const o = newOrder();
    expect((await rk7(sim, prepay(o.guid, 1000, ''))).attrs.ErrorText).toBe(
      'Не указана причина внесения предоплаты',
    );
    expect((await rk7(sim, prepay(o.guid, o.unpaidSum + 1))).attrs.ErrorText).toMatch(
      /превышает неоплаченную сумму/,
    );
    const saved = await rk7(sim, prepay(o.guid, 20000));
    expect(firstChild(saved, 'Order')?.attrs).toMatchObject({
      prepaySum: '20000',
      unpaidSum: String(o.unpaidSum - 20000),
    });
    expect(sim.state.order(o.guid).prepays).toEqual([
      expect.objectContaining({ currencyId: 1030240, amount: 20000, reasonId: 5, deleted: false }),
    ]);
    const rest = await rk7(sim, pay(o.guid, o.unpaidSum - 20000));
    expect(rest.attrs.Status).toBe('Ok');
  });

  it('grows version by one on every change', async () => {
    const o = newOrder();
    const version = async () => Number((await readOrder(sim, o.guid)).attrs.version);
    expect(await version()).toBe(1);
    sim.control.addDish(o.guid, { code: 502, modifiers: [{ code: 2 }] });
    expect(await version()).toBe(2);
    await rk7(
      sim,
      `<RK7CMD CMD="UpdateOrder">${order(o.guid)}<ExternalProps><Prop name="PaymentUrl" value="https://x/y"/></ExternalProps></RK7CMD>`,
    );
    expect(await version()).toBe(3);
    sim.control.printPrecheck(o.guid);
    expect(await version()).toBe(4);
    await rk7(sim, prepay(o.guid, 100));
    expect(await version()).toBe(5);
  });

  it('refuses writes to a locked order, whatever station pays, but still reads it as locked, same version', async () => {
    const o = newOrder();
    sim.control.lock(o.guid, 1);
    expect(sim.state.order(o.guid)).toMatchObject({
      locked: true,
      lockedByStationCode: 1,
      version: o.version,
    });
    expect((await rk7(sim, prepay(o.guid, 100))).attrs.ErrorText).toBe(
      'Заказ заблокирован на станции «Касса 1»',
    );
    expect((await rk7(sim, pay(o.guid, o.unpaidSum))).attrs.ErrorText).toBe(
      'Заказ заблокирован на станции «Касса 1»',
    );
    expect((await readOrder(sim, o.guid)).attrs).toMatchObject({ locked: '1', paid: '0' });
    sim.control.unlock(o.guid);
    expect((await rk7(sim, prepay(o.guid, 100))).attrs.Status).toBe('Ok');
  });

  it('finds orders by guid, braces or not, and by visit with orderIdent or ident; unknown ones are not found', async () => {
    const o = newOrder();
    expect((await readOrder(sim, o.guid.replace(/[{}]/g, '').toLowerCase())).attrs.guid).toBe(o.guid);
    const byIdent = await rk7(sim, `<RK7CMD CMD="GetOrder"><Order visit="${o.visit}" ident="256"/></RK7CMD>`);
    expect(firstChild(byIdent, 'Order')?.attrs.guid).toBe(o.guid);
    const missing = await rk7(sim, getOrder('{00000000-0000-0000-0000-000000000000}'));
    expect(missing.attrs).toMatchObject({
      Status: 'Query Executing Error',
      ErrorText: 'Заказ {00000000-0000-0000-0000-000000000000} не найден',
    });
  });

  it('accepts windows-1251 requests and answers UTF-8', async () => {
    const o = newOrder();
    await rk7(
      sim,
      `<RK7CMD CMD="UpdateOrder" persistentComment="Гость у окна">${order(o.guid)}</RK7CMD>`,
      'windows-1251',
    );
    expect((await readOrder(sim, o.guid)).attrs.persistentComment).toBe('Гость у окна');
  });

  it('runs RK7Command and RK7Command2 batches, one CommandResult each, counting every command', async () => {
    const o = newOrder();
    sim.control.resetRequestCounts();
    const batch = await rk7(
      sim,
      `<RK7Command CMD="GetSystemInfo"/><RK7Command CMD="GetOrder">${order(o.guid)}</RK7Command>`,
    );
    const results = childrenNamed(batch, 'CommandResult');
    expect(results.map((r) => [r.attrs.CMD, r.attrs.Status])).toEqual([
      ['GetSystemInfo', 'Ok'],
      ['GetOrder', 'Ok'],
    ]);
    expect(firstChild(results[1], 'Order')?.attrs.guid).toBe(o.guid);
    const batch2 = await rk7(sim, `<RK7Command2 CMD="GetOrder">${order(o.guid)}</RK7Command2>`);
    const echoed = childrenNamed(batch2, 'CommandResult')[0];
    expect(echoed.children.map((c) => c.name)).toEqual(['RK7Command2', 'Order']);
    expect(sim.state.requestCounts()).toEqual({ GetSystemInfo: 1, GetOrder: 2 });
  });

  it('prints a pre-check (Bill) that a later dish cancels, and closes at the POS in cash', async () => {
    const o = newOrder();
    const bill = async () => {
      const list = await rk7(sim, `<RK7CMD CMD="GetOrderList" onlyOpened="1"><Table code="4"/></RK7CMD>`);
      const visit = childrenNamed(list, 'Visit').find(
        (v) => attr(firstChild(firstChild(v, 'Orders') ?? v, 'Order') ?? v, 'guid') === o.guid,
      );
      return visit ? firstChild(firstChild(visit, 'Orders') ?? visit, 'Order')?.attrs.Bill : undefined;
    };
    sim.control.printPrecheck(o.guid);
    expect(await bill()).toBe('1');
    sim.control.addDish(o.guid, { code: 603 });
    expect(await bill()).toBe('0');
    const closed = sim.control.closeByCash(o.guid);
    expect(closed).toMatchObject({ paid: true, finished: true, unpaidSum: 0 });
    expect(closed.pays).toEqual([expect.objectContaining({ currencyId: 1, amount: o.unpaidSum + 25000 })]);
  });

  it('removes prepay lines with DeleteReceiptPayments, which needs a manager', async () => {
    const o = newOrder();
    await rk7(sim, prepay(o.guid, 5000));
    const line = sim.state.order(o.guid).prepays[0].lineGuid;
    const noManager = await rk7(
      sim,
      `<RK7CMD CMD="DeleteReceiptPayments">${order(o.guid)}<Pay line_guid="${line}"/></RK7CMD>`,
    );
    expect(noManager.attrs.ErrorText).toBe('Не указан менеджер');
    const done = await rk7(
      sim,
      `<RK7CMD CMD="DeleteReceiptPayments">${order(o.guid)}<Manager code="9"/><Pay line_guid="${line}"/></RK7CMD>`,
    );
    expect(done.attrs.Status).toBe('Ok');
    expect(sim.state.order(o.guid)).toMatchObject({ prepaySum: 0, unpaidSum: o.unpaidSum });
  });

  it('creates an order at a table with CreateOrder', async () => {
    const created = await rk7(
      sim,
      '<RK7CMD CMD="CreateOrder"><Order><Table code="9"/><Waiter code="12"/></Order></RK7CMD>',
    );
    const guid = firstChild(created, 'Order')?.attrs.guid ?? '';
    expect(sim.state.order(guid)).toMatchObject({ table: { code: 9 }, waiterCode: 12, orderSum: 0 });
  });

  it('answers scripted failures with the given Status and text', async () => {
    sim.control.failNext({
      cmd: 'GetSystemInfo',
      errorText: 'Кассовый сервер перегружен',
      status: 'Result Writing Error',
    });
    const failed = await rk7(sim, '<RK7CMD CMD="GetSystemInfo"/>');
    expect(failed.attrs).toMatchObject({
      Status: 'Result Writing Error',
      ErrorText: 'Кассовый сервер перегружен',
    });
    expect((await rk7(sim, '<RK7CMD CMD="GetSystemInfo"/>')).attrs.Status).toBe('Ok');
  });

  it('is driven over HTTP under /__control', async () => {
    const opened = await control(sim, 'POST', '/orders', {
      tableCode: 7,
      dishes: [{ code: 305, discounts: [{ code: 3 }] }],
    });
    expect(opened.status).toBe(201);
    const guid = (opened.json as { guid: string }).guid;
    const path = `/orders/${encodeURIComponent(guid)}`;
    const withDish = await control(sim, 'POST', `${path}/dishes`, {
      code: 604,
      quantityMilli: 2000,
      modifiers: [{ code: 7 }],
    });
    expect(withDish.json).toMatchObject({ orderSum: 189000 - 30000 + 2 * (22000 + 6000), version: 2 });
    const line = (withDish.json as { dishes: { lineGuid: string }[] }).dishes[1].lineGuid;
    expect((await control(sim, 'DELETE', `${path}/dishes/${encodeURIComponent(line)}`)).json).toMatchObject({
      orderSum: 159000,
    });
    expect((await control(sim, 'POST', `${path}/precheck`)).json).toMatchObject({ bill: true });
    expect((await control(sim, 'POST', `${path}/lock`, { stationCode: 3 })).json).toMatchObject({
      locked: true,
      lockedByStationCode: 3,
    });
    expect((await control(sim, 'POST', `${path}/unlock`)).json).toMatchObject({ locked: false });
    await control(sim, 'POST', '/faults', { kind: 'fail', cmd: 'GetOrder', errorText: 'Тест' });
    expect(await readOrder(sim, guid).catch((e: Error) => e.message)).toMatch(/no order/);
    expect((await control(sim, 'POST', `${path}/close-cash`)).json).toMatchObject({ finished: true });
    expect((await control(sim, 'GET', `${path}`)).json).toMatchObject({ paid: true });
    expect((await control(sim, 'GET', '/orders/%7Bnope%7D')).status).toBe(404);
    expect((await control(sim, 'POST', '/orders', { tableCode: 'seven' })).status).toBe(400);
    expect((await control(sim, 'POST', '/faults', { kind: 'explode' })).status).toBe(400);
    const stats = await control(sim, 'GET', '/stats');
    expect(stats.json).toMatchObject({ requests: expect.objectContaining({ GetOrder: expect.any(Number) }) });
  });

  it('generates 5,000 open orders fast, lists them all, and changes 1% of them', async () => {
    const big = await startRkeeperSimulator({ randomSeed: 42 });
    try {
      const started = Date.now();
      const guids = big.control.generateOrders(5_000);
      expect(Date.now() - started).toBeLessThan(5_000);
      expect(new Set(guids).size).toBe(5_000);
      const list = await rk7(big, '<RK7CMD CMD="GetOrderList" onlyOpened="1"/>');
      expect(childrenNamed(list, 'Visit')).toHaveLength(5_000);
      const changed = big.control.changeOrders({ fraction: 0.01 });
      expect(changed).toHaveLength(50);
      expect(changed.every((guid) => big.state.order(guid).version === 2)).toBe(true);
      expect(big.state.orders({ open: true }).filter((o) => o.version === 1)).toHaveLength(4_950);
      expect(big.state.requestCounts()).toEqual({ GetOrderList: 1 });
    } finally {
      await big.close();
    }
  });

  it('enforces the licence block when asked: present, and seqNumber growing per instance', async () => {
    const licensed = await startRkeeperSimulator({ enforceLicense: true });
    try {
      const o = licensed.control.openOrder({ tableCode: 1, dishes: [{ code: 103 }] });
      const lic = (seq: number) =>
        `<LicenseInfo anchor="6:p#199990777/17" licenseToken="t"><LicenseInstance guid="{I}" seqNumber="${seq}"/></LicenseInfo>`;
      const save = (extra: string) =>
        rk7(
          licensed,
          `<RK7CMD CMD="SaveOrder">${extra}${order(o.guid)}<Session><Prepay id="1" amount="100"><Reason id="5"/></Prepay></Session></RK7CMD>`,
        );
      expect((await save('')).attrs.ErrorText).toMatch(/не передан LicenseInfo/);
      expect((await save(lic(0))).attrs.Status).toBe('Ok');
      expect((await save(lic(0))).attrs.ErrorText).toMatch(/seqNumber 0 уже использован/);
      expect((await save(lic(5))).attrs.Status).toBe('Ok');
      expect((await rk7(licensed, getOrder(o.guid))).attrs.Status).toBe('Ok');
    } finally {
      await licensed.close();
    }
  });
});

describe('r_keeper simulator order-change notifications', () => {
  it('POSTs one event per change, FIFO, in the shape parseOrderChangeNotification reads', async () => {
    const received: string[] = [];
    const receiver = http.createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        received.push(Buffer.concat(chunks).toString('utf8'));
        res.writeHead(204).end();
      });
    });
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
    const sim = await startRkeeperSimulator({
      notifyUrl: `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/rk/notify`,
    });
    try {
      const o = sim.control.openOrder({ tableCode: 2, dishes: [{ code: 201 }] });
      sim.control.addDish(o.guid, { code: 601 });
      sim.control.printPrecheck(o.guid);
      await waitFor(() => received.length === 3);
      expect(received.map((body) => parseOrderChangeNotification(body))).toEqual([
        [{ guid: o.guid, version: 1 }],
        [{ guid: o.guid, version: 2 }],
        [{ guid: o.guid, version: 3 }],
      ]);
      expect(received[0]).toMatch(/<a RestCode="199990777" DateTime="[^"]+" Situation="3" seqnumber="1"/);
      expect(sim.state.notifications()).toMatchObject({ enqueued: 3, delivered: 3, dropped: 0, pending: 0 });
    } finally {
      await sim.close();
      await new Promise<void>((resolve) => receiver.close(() => resolve()));
    }
  });

  it('keeps retrying the head while the receiver is down and drops what does not fit the queue', async () => {
    const port = await freePort();
    const sim = await startRkeeperSimulator({
      notifyUrl: `http://127.0.0.1:${port}/`,
      notifyQueueSize: 3,
      notifyRetryDelayMs: 30,
    });
    const received: string[] = [];
    const receiver = http.createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        received.push(Buffer.concat(chunks).toString('utf8'));
        res.writeHead(200).end();
      });
    });
    try {
      const o = sim.control.openOrder({ tableCode: 3 });
      for (let i = 0; i < 4; i++) sim.control.addDish(o.guid, { code: 602 });
      await waitFor(() => (sim.state.notifications()?.failedAttempts ?? 0) >= 2);
      expect(sim.state.notifications()).toMatchObject({ enqueued: 3, dropped: 2, pending: 3, delivered: 0 });
      await new Promise<void>((resolve) => receiver.listen(port, '127.0.0.1', resolve));
      await waitFor(() => received.length === 3);
      expect(received.map((b) => parseOrderChangeNotification(b)[0].version)).toEqual([1, 2, 3]);
    } finally {
      await sim.close();
      await new Promise<void>((resolve) => receiver.close(() => resolve()));
    }
  });
});

async function waitFor(condition: () => boolean, timeoutMs = 5_000): Promise<void> {
  const started = Date.now();
  while (!condition()) {
    if (Date.now() - started > timeoutMs) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
