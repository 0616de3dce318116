import { Page } from 'playwright-core';
import request from 'supertest';
import { ADMIN, FakeBridge, openTable, startFakeBridge } from '../api/support/fake-bridge';
import {
  Chromium,
  FakePaymentPage,
  launchChromium,
  screenshot,
  startFakePaymentPage,
} from './support/browser';

describe('guest table page on a phone', () => {
  jest.setTimeout(60_000);
  let bridge: FakeBridge;
  let browser: Chromium;
  let page: Page;
  let paymentPage: FakePaymentPage;

  beforeAll(async () => {
    paymentPage = await startFakePaymentPage();
    [bridge, browser] = await Promise.all([
      startFakeBridge(),
      launchChromium({
        viewport: { width: 390, height: 844 },
        isMobile: true,
        hasTouch: true,
        deviceScaleFactor: 2,
        locale: 'ru-RU',
        payHost: paymentPage,
      }),
    ]);
    page = await browser.context.newPage();
  });

  afterAll(async () => {
    await browser?.close();
    await bridge?.close();
    await paymentPage?.close();
  });

  it('sees the bill and reaches the payment page for it', async () => {
    const { billId } = await openTable(bridge, '31');
    await page.goto(`${bridge.url}/t/cafe-1/31`);
    expect(await page.locator('h1').textContent()).toBe('Стол 31');
    expect(await page.locator('.lines li').count()).toBe(2);
    expect(await page.locator('#due').textContent()).toBe('1\u00a0050,50\u00a0₽');
    const width = await page.evaluate<number>('document.documentElement.scrollWidth');
    expect(width).toBeLessThanOrEqual(390);
    await screenshot(page, 'guest-bill');

    await Promise.all([page.waitForURL(/^https:\/\/pay\.fake\.test\//), page.locator('#pay').tap()]);
    const details = await request(bridge.url).get(`/api/v1/bills/${billId}`).set(ADMIN).expect(200);
    const active = (details.body.links as Array<{ status: string; paymentUrl: string }>).find(
      (l) => l.status === 'active',
    );
    expect(page.url()).toBe(active?.paymentUrl);
    expect(paymentPage.visits[0]).toBe(new URL(active?.paymentUrl ?? '').pathname);
    await page.locator('#fake-invoicebox').waitFor();
    await screenshot(page, 'guest-payment-page');
  });

  it('switches the page to English', async () => {
    await openTable(bridge, '32');
    await page.goto(`${bridge.url}/t/cafe-1/32`);
    await Promise.all([page.waitForURL(/lang=en/), page.locator('a.lang').tap()]);
    expect(await page.locator('#pay').textContent()).toBe('Pay RUB\u00a01,050.50');
    await screenshot(page, 'guest-bill-english');
  });
});
