import request from 'supertest';
import { GUEST_RATE_LIMIT } from '../../../apps/bridge/src/http/guest/guest.module';
import {
  ADMIN,
  FakeBridge,
  SECRETS,
  openTable,
  payByUrl,
  startFakeBridge,
  waitFor,
} from './support/fake-bridge';

function formOf(html: string): { bill: string; v: string } {
  const bill = /name="bill" value="([^"]+)"/.exec(html)?.[1];
  const v = /name="v" value="([^"]+)"/.exec(html)?.[1];
  if (!bill || !v) throw new Error('No pay form on the page');
  return { bill, v };
}

describe('guest table page and security', () => {
  let bridge: FakeBridge;
  const api = () => request(bridge.url);
  /** Each test its own client address, so the per-address rate limit never leaks between tests. */
  let ip = 10;
  const guest = () => ({ 'X-Forwarded-For': `198.51.100.${ip}` });

  beforeAll(async () => {
    bridge = await startFakeBridge();
  });

  beforeEach(() => {
    ip += 1;
  });

  afterAll(async () => {
    await bridge?.close();
  });

  it('shows the table bill re-read from the POS, and Pay goes to the payment page for that exact version', async () => {
    await openTable(bridge, '5');
    const page = await api().get('/t/cafe-1/5').set(guest()).expect(200);
    expect(page.text).toContain('Борщ');
    expect(page.text).toContain('1\u00a0050,50');
    expect(page.text).toContain('Кафе на Невском');
    expect(page.headers['content-security-policy']).toContain("form-action 'self' https://pay.fake.test");

    const pay = await api()
      .post('/t/cafe-1/5/pay')
      .set(guest())
      .type('form')
      .send({ ...formOf(page.text), lang: 'ru' });
    expect(pay.status).toBe(303);
    const order = bridge.provider.cafe1.findByUrl(pay.headers.location);
    expect(order?.amount.minor).toBe(105050);
  });

  it('tells the guest the bill changed when it did after the page was rendered, with the new total', async () => {
    const { externalId } = await openTable(bridge, '11', [{ name: 'Суп', priceMinor: 30000 }]);
    const page = await api().get('/t/cafe-1/11?lang=en').set(guest()).expect(200);
    const seen = formOf(page.text);
    bridge.pos.cafe1.addLine(externalId, { name: 'Tea', priceMinor: 12000 });

    const stale = await api()
      .post('/t/cafe-1/11/pay')
      .set(guest())
      .type('form')
      .send({ ...seen, lang: 'en' });
    expect(stale.status).toBe(409);
    expect(stale.text).toContain('The bill has changed');
    expect(stale.text).toContain('RUB\u00a0420.00');
    const fresh = formOf(stale.text);
    expect(fresh.v).not.toBe(seen.v);

    const pay = await api()
      .post('/t/cafe-1/11/pay')
      .set(guest())
      .type('form')
      .send({ ...fresh, lang: 'en' });
    expect(pay.status).toBe(303);
    expect(bridge.provider.cafe1.findByUrl(pay.headers.location)?.amount.minor).toBe(42000);
  });

  it('says "already paid" once the bill is paid, and "no open bill" for a table without one', async () => {
    const { billId } = await openTable(bridge, '12', [{ name: 'Суп', priceMinor: 30000 }]);
    const page = await api().get('/t/cafe-1/12').set(guest()).expect(200);
    const form = formOf(page.text);
    const pay = await api().post('/t/cafe-1/12/pay').set(guest()).type('form').send(form);
    await payByUrl(bridge, pay.headers.location);
    await waitFor(async () => (await bridge.store.bills.findById(billId))?.status === 'closed');

    const again = await api().post('/t/cafe-1/12/pay').set(guest()).type('form').send(form);
    expect(again.status).toBe(200);
    expect(again.text).toContain('Счёт уже оплачен');
    expect((await api().get(`/t/cafe-1/12?bill=${billId}`).set(guest())).text).toContain('Счёт уже оплачен');
    const none = await api().get('/t/cafe-1/12').set(guest()).set('Accept-Language', 'en-GB,en;q=0.9');
    expect(none.text).toContain('No open bill');
  });

  it('lets the guest choose when a table has several open bills', async () => {
    await openTable(bridge, '13', [{ name: 'Суп', priceMinor: 30000 }]);
    await openTable(bridge, '13', [{ name: 'Чай', priceMinor: 10000 }]);
    const page = await api().get('/t/cafe-1/13').set(guest()).expect(200);
    expect(page.text).toContain('Выберите свой счёт');
    expect(page.text.match(/href="\/t\/cafe-1\/13\?bill=/g)).toHaveLength(2);
  });

  it("never shows one site's bill on another site's table page, and answers unknown ones identically", async () => {
    const { billId } = await openTable(
      bridge,
      '7',
      [{ name: 'Секретный салат', priceMinor: 77700 }],
      'cafe2',
    );
    const own = await api().get('/t/cafe-2/7').set(guest()).expect(200);
    expect(own.text).toContain('Секретный салат');
    const form = formOf(own.text);
    const createdBefore = bridge.provider.cafe2.calls.create;

    const normalize = (html: string) => html.replace(/\/t\/[^/"?]+\/[^/"?]+/g, '/t/SITE/TABLE');
    const probes = [
      await api().get('/t/cafe-1/7').set(guest()),
      await api().get(`/t/cafe-1/7?bill=${billId}`).set(guest()),
      await api().get('/t/no-such-site/7').set(guest()),
      await api().get('/t/cafe-1/no-such-table').set(guest()),
      await api().get('/t/cafe-1/..%2F..%2Fetc').set(guest()),
      await api().post('/t/cafe-1/7/pay').set(guest()).type('form').send(form),
      await api().post('/t/no-such-site/7/pay').set(guest()).type('form').send(form),
    ];
    for (const probe of probes) {
      expect(probe.status).toBe(200);
      expect(probe.text).not.toContain('Секретный салат');
      expect(probe.text).not.toContain('777');
      expect(probe.text).not.toContain(billId);
      expect(probe.text).not.toContain('Second Cafe');
      expect(normalize(probe.text)).toBe(normalize(probes[2].text));
    }
    expect(bridge.provider.cafe2.calls.create).toBe(createdBefore);
  });

  it('rate-limits the guest page per client address', async () => {
    const statuses: number[] = [];
    for (let i = 0; i <= GUEST_RATE_LIMIT.limit; i++)
      statuses.push((await api().get('/t/cafe-1/99').set(guest())).status);
    const limited = await api().get('/t/cafe-1/99').set(guest());
    expect(statuses.slice(0, GUEST_RATE_LIMIT.limit).every((s) => s === 200)).toBe(true);
    expect(limited.status).toBe(429);
    expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
    expect((await api().get('/t/cafe-1/99').set({ 'X-Forwarded-For': '203.0.113.200' })).status).toBe(200);
  });

  it('believes X-Forwarded-For only from the proxies it trusts: from anyone else, guests share one limit', async () => {
    const behindOtherProxy = await startFakeBridge({ scheduler: false, trustProxy: ['192.0.2.10'] });
    try {
      const statuses: number[] = [];
      // Each request claims another guest address, but comes from 127.0.0.1, which this bridge does not trust.
      for (let i = 0; i <= GUEST_RATE_LIMIT.limit; i++) {
        const forged = { 'X-Forwarded-For': `203.0.113.${i % 250}` };
        statuses.push((await request(behindOtherProxy.url).get('/t/cafe-1/99').set(forged)).status);
      }
      expect(statuses.slice(0, GUEST_RATE_LIMIT.limit).every((s) => s === 200)).toBe(true);
      expect(statuses[GUEST_RATE_LIMIT.limit]).toBe(429);
    } finally {
      await behindOtherProxy.close();
    }
  });

  it('sets security headers, and a CSP that allows only its own assets on the pages it renders', async () => {
    const session = String(
      (await api().post('/dashboard/sign-in').type('form').send({ token: SECRETS.UI_ADMIN_TOKEN })).headers[
        'set-cookie'
      ],
    ).split(';')[0];
    const targets = [
      { path: '/dashboard', headers: { Cookie: session }, page: 'script' },
      { path: '/dashboard', headers: {}, page: 'noscript' },
      { path: '/t/cafe-1/5', headers: guest(), page: 'noscript' },
      { path: '/api/v1/sites', headers: ADMIN, page: '' },
      { path: '/assets/dashboard.js', headers: {}, page: '' },
    ];
    for (const target of targets) {
      const res = await api().get(target.path).set(target.headers).expect(200);
      expect(res.headers['x-powered-by']).toBeUndefined();
      expect(res.headers['x-content-type-options']).toBe('nosniff');
      expect(res.headers['referrer-policy']).toBe('no-referrer');
      expect(res.headers['strict-transport-security']).toMatch(/max-age=\d+/);
      expect(res.headers['x-frame-options']).toBeDefined();
      const csp = String(res.headers['content-security-policy']);
      expect(csp).toMatch(/default-src '(self|none)'/);
      if (target.page) {
        expect(csp).toContain("frame-ancestors 'none'");
        expect(csp).toContain("style-src 'self'");
        expect(csp).not.toContain('unsafe-inline');
        expect(csp).toContain(target.page === 'script' ? "script-src 'self'" : "script-src 'none'");
        expect(res.text).not.toMatch(/<script(?![^>]*\ssrc=)/);
        expect(res.text).not.toMatch(/\sstyle=|\son[a-z]+=/);
      }
    }
  });

  it('never puts a configured secret into a page, an API response, a header or the OpenAPI document', async () => {
    const signIn = await api()
      .post('/dashboard/sign-in')
      .type('form')
      .send({ token: SECRETS.UI_ADMIN_TOKEN });
    const session = String(signIn.headers['set-cookie']).split(';')[0];
    const { billId } = await openTable(bridge, '14');
    await api().post(`/api/v1/bills/${billId}/payment-link`).set(ADMIN).expect(201);
    const doc = (await api().get('/api/docs/openapi.json').set(ADMIN)).body as {
      paths: Record<string, Record<string, unknown>>;
    };
    const [payment] = await bridge.store.payments.listByBill(billId);
    const [settlement] = (await bridge.store.settlements.list({}, { limit: 1 })) ?? [];
    const fill = (path: string) =>
      path
        .replace('{siteId}', 'cafe-1')
        .replace('{tableCode}', '14')
        .replace(
          '{id}',
          path.includes('/settlements/')
            ? (settlement?.id ?? billId)
            : path.includes('/payments/')
              ? (payment?.id ?? billId)
              : billId,
        );

    const responses = [signIn];
    for (const [path, ops] of Object.entries(doc.paths)) {
      for (const method of Object.keys(ops)) {
        if (path.endsWith('/stream')) continue;
        const url = fill(path);
        for (const headers of [ADMIN, {}]) {
          responses.push(
            method === 'get'
              ? await api().get(url).set(headers).buffer(true)
              : await api().post(url).set(headers).send({}),
          );
        }
      }
    }
    for (const path of [
      '/dashboard',
      '/dashboard?lang=en',
      '/dashboard/fragments/floor',
      '/dashboard/fragments/attention',
      `/dashboard/fragments/bills/${billId}`,
      '/dashboard/fragments/latency',
      '/dashboard/fragments/reconciliation',
      '/assets/dashboard.js',
      '/assets/dashboard.css',
      '/assets/guest.css',
      '/api/docs',
      '/api/docs/swagger-ui-init.js',
      '/t/cafe-1/14',
      '/t/cafe-2/14',
      '/readyz',
      '/healthz',
    ]) {
      responses.push(
        await api()
          .get(path)
          .set({ Cookie: session, ...ADMIN, ...guest() })
          .buffer(true),
      );
    }
    responses.push(await api().post('/dashboard/sign-in').type('form').send({ token: 'wrong-wrong-wrong' }));
    responses.push(
      await api()
        .post('/webhooks/invoicebox/cafe-1')
        .set('content-type', 'application/json')
        .send('{"id":"x"}'),
    );

    expect(responses.length).toBeGreaterThan(60);
    for (const res of responses) {
      const text = `${JSON.stringify(res.headers)}\n${Buffer.isBuffer(res.body) ? res.body.toString('utf8') : (res.text ?? '')}`;
      for (const [name, secret] of Object.entries(SECRETS)) {
        expect({ url: res.request.url, leaks: text.includes(secret) ? name : null }).toEqual({
          url: res.request.url,
          leaks: null,
        });
      }
    }
  });
});
