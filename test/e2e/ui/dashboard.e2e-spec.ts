import { Page } from 'playwright-core';
import request from 'supertest';
import {
  ADMIN,
  FakeBridge,
  SECRETS,
  openTable,
  payByUrl,
  startFakeBridge,
  waitFor,
} from '../api/support/fake-bridge';
import { Chromium, launchChromium, screenshot } from './support/browser';

async function activeUrl(bridge: FakeBridge, billId: string): Promise<string> {
  const details = await request(bridge.url).get(`/api/v1/bills/${billId}`).set(ADMIN).expect(200);
  const link = (details.body.links as Array<{ status: string; paymentUrl: string }>).find(
    (l) => l.status === 'active',
  );
  if (!link) throw new Error('No active link');
  return link.paymentUrl;
}

describe('operator dashboard in a browser', () => {
  jest.setTimeout(60_000);
  let bridge: FakeBridge;
  let browser: Chromium;
  let page: Page;

  beforeAll(async () => {
    [bridge, browser] = await Promise.all([
      startFakeBridge(),
      launchChromium({ viewport: { width: 1280, height: 900 }, locale: 'ru-RU' }),
    ]);
    page = await browser.context.newPage();
  });

  afterAll(async () => {
    await browser?.close();
    await bridge?.close();
  });

  const row = (billId: string) => page.locator(`#floor tr[data-bill-id="${billId}"] td.status`);

  it('signs in with the admin token and watches a table go from open to applied without reloading', async () => {
    await page.goto(`${bridge.url}/dashboard`);
    await page.fill('#token', SECRETS.UI_ADMIN_TOKEN);
    await Promise.all([page.waitForURL(`${bridge.url}/dashboard`), page.click('#sign-in')]);
    await page.locator('#live[data-state="live"]').waitFor();
    expect(page.url()).not.toContain(SECRETS.UI_ADMIN_TOKEN);
    expect(await page.evaluate<string>('`${sessionStorage.length}:${document.cookie}`')).toBe(
      '0:bridge_lang=ru',
    );
    await page.evaluate("window.withoutReload = 'yes'");

    const { billId } = await openTable(bridge, '21');
    await row(billId).and(page.locator('[data-status="open"]')).waitFor({ timeout: 10_000 });

    await page.locator(`#floor tr[data-bill-id="${billId}"]`).click();
    await page.locator(`#detail [data-action="issue-link"][data-bill="${billId}"]`).click();
    await page.locator('#qr-image').waitFor();
    await row(billId).and(page.locator('[data-status="link_active"]')).waitFor({ timeout: 10_000 });
    await page.waitForFunction("document.getElementById('qr-image').naturalWidth > 0");
    expect(await page.locator('#qr-image').getAttribute('src')).toMatch(
      new RegExp(`^/api/v1/bills/${billId}/qr\\.svg`),
    );
    await screenshot(page, 'dashboard-link-active');

    await payByUrl(bridge, await activeUrl(bridge, billId));
    await row(billId).and(page.locator('[data-status="applied"]')).waitFor({ timeout: 15_000 });
    expect(await page.evaluate<string>('window.withoutReload')).toBe('yes');
    await page.locator('#detail .events').getByText('settlement.applied').first().waitFor();
    await screenshot(page, 'dashboard-applied');
  });

  it('retries a settlement that needed attention', async () => {
    const { billId } = await openTable(bridge, '22', [{ name: 'Пирог', priceMinor: 30000 }]);
    await request(bridge.url).post(`/api/v1/bills/${billId}/payment-link`).set(ADMIN).expect(201);
    bridge.pos.cafe1.injectFault({ kind: 'reject', reason: 'rejected' });
    await payByUrl(bridge, await activeUrl(bridge, billId));

    await row(billId).and(page.locator('[data-status="needs_attention"]')).waitFor({ timeout: 15_000 });
    const [settlement] = await waitFor(async () => {
      const list = await bridge.store.settlements.listByBill(billId);
      return list.length > 0 && list;
    });
    const item = page.locator(`#attention [data-settlement-id="${settlement.id}"]`);
    await item.waitFor();
    await screenshot(page, 'dashboard-needs-attention');
    await item.locator('button[data-action="retry"]').click();

    await row(billId).and(page.locator('[data-status="applied"]')).waitFor({ timeout: 15_000 });
    await item.waitFor({ state: 'detached' });
    expect(await page.evaluate<string>('window.withoutReload')).toBe('yes');
    await screenshot(page, 'dashboard-retried');
  });

  it('switches to English and shows the latency chart', async () => {
    await page.click('#lang-switch');
    await page.locator('#floor-section h2', { hasText: 'Tables and folios' }).waitFor();
    await page.locator('#latency svg.chart circle').first().waitFor();
    expect(await page.locator('#latency-summary').textContent()).toMatch(/Applied: [1-9]/);
    await screenshot(page, 'dashboard-english');
  });
});
