import { Page } from 'playwright-core';
import { decodeEscPos } from '@bridge/receipts';
import { Stack, startStack } from '../../support/stack';
import { waitFor } from '../../support/wait-for';
import { INVOICEBOX_CURRENCY, billWhen, openOrder, settlementWhen } from '../rkeeper/support';
import { Chromium, launchChromium, payOnSandboxPage, rub, screenshot } from './support/browser';

/**
 * The operator's dashboard over the components the demo runs: the bridge against the r_keeper simulator,
 * the Invoicebox sandbox (the guest pays on its HTML page in a second tab) and the receipt printer.
 */
describe('operator dashboard in a browser', () => {
  jest.setTimeout(60_000);
  let stack: Stack;
  let browser: Chromium;
  let page: Page;
  let guest: Page;

  beforeAll(async () => {
    [stack, browser] = await Promise.all([
      startStack({
        printer: true,
        // Two refused PayOrders are enough to hand a locked order to a person.
        settlementMaxAttempts: 2,
        rkeeperSiteExtra: '      issueLinkOnPrecheck: true',
      }),
      launchChromium({ viewport: { width: 1280, height: 900 }, locale: 'ru-RU' }),
    ]);
    guest = await browser.context.newPage();
    page = await browser.context.newPage();
  });

  afterAll(async () => {
    await browser?.close();
    await stack?.close();
  });

  const row = (billId: string) => page.locator(`#floor tr[data-bill-id="${billId}"]`);
  const status = (billId: string, value: string) => row(billId).locator(`td.status[data-status="${value}"]`);
  const notReloaded = () => page.evaluate<string>('window.withoutReload');

  it('signs in and watches a table go from open to applied without reloading', async () => {
    await page.goto(`${stack.bridgeUrl}/dashboard`);
    await page.fill('#token', stack.adminToken);
    await Promise.all([page.waitForURL(`${stack.bridgeUrl}/dashboard`), page.click('#sign-in')]);
    await page.locator('#live[data-state="live"]').waitFor();
    expect(page.url()).not.toContain(stack.adminToken);
    expect(await page.evaluate<string>('`${sessionStorage.length}:${document.cookie}`')).toBe(
      '0:bridge_lang=ru',
    );
    await page.locator('#floor .site[data-site-id="cafe-1"] [data-health="up"]').waitFor();
    await page.evaluate("window.withoutReload = 'yes'");

    // Caesar salad, rib-eye and a berry drink: 490 + 1 890 + 150 roubles.
    const guid = openOrder(stack, 5, [101, 305, 601]);
    const bill = await billWhen(stack, guid, (b) => b.status === 'open', 'table 5 in the bridge');
    await status(bill.id, 'open').waitFor({ timeout: 10_000 });
    expect(await row(bill.id).locator('td.label').textContent()).toBe('Стол 5');
    expect(await row(bill.id).locator('td.num').first().textContent()).toBe(rub(253000));

    await row(bill.id).click();
    await page.locator(`#detail [data-action="issue-link"][data-bill="${bill.id}"]`).click();
    await page.locator('#qr-image').waitFor();
    await status(bill.id, 'link_active').waitFor({ timeout: 10_000 });
    await page.waitForFunction("document.getElementById('qr-image').naturalWidth > 0");
    const link = await stack.store.links.findLiveByBill(bill.id);
    if (!link?.paymentUrl) throw new Error('no live link after Show QR');
    expect(link.paymentUrl.startsWith(`${stack.sandbox.url}/order/`)).toBe(true);
    expect(await page.locator('#qr-image').getAttribute('src')).toBe(
      `/api/v1/bills/${bill.id}/qr.svg?link=${link.id}`,
    );
    await screenshot(page, 'dashboard-link-active');

    stack.rkeeper.control.resetRequestCounts();
    await guest.bringToFront();
    await guest.goto(link.paymentUrl);
    await payOnSandboxPage(guest, rub(253000), 'sandbox-payment-page');
    await screenshot(guest, 'sandbox-paid');
    await page.bringToFront();

    await status(bill.id, 'applied').waitFor({ timeout: 15_000 });
    await page.locator('#detail .events').getByText('settlement.applied').first().waitFor();
    expect(await notReloaded()).toBe('yes');
    expect(stack.rkeeper.state.requestCounts().PayOrder).toBe(1);
    expect(stack.rkeeper.state.order(guid)).toMatchObject({
      finished: true,
      pays: [expect.objectContaining({ currencyId: INVOICEBOX_CURRENCY, amount: 253000 })],
    });
    await screenshot(page, 'dashboard-applied');
  });

  it('retries a settlement that needed attention once the order is unlocked at the POS', async () => {
    // Borscht and beef stroganoff: 420 + 620 roubles.
    const guid = openOrder(stack, 6, [201, 302]);
    const bill = await billWhen(stack, guid, (b) => b.status === 'open', 'table 6 in the bridge');
    await status(bill.id, 'open').waitFor({ timeout: 10_000 });

    const printer = stack.printer;
    if (!printer) throw new Error('the stack has no printer');
    stack.rkeeper.control.printPrecheck(guid);
    const slip = await printer.waitForJob(10_000);
    const [qr] = decodeEscPos(slip.raw).qrCodes;
    if (!qr) throw new Error('the pre-check slip has no QR');
    await status(bill.id, 'link_active').waitFor({ timeout: 10_000 });
    // The bridge writes the URL into the order after printing; the lock must not land before that write.
    await waitFor(() => Object.values(stack.rkeeper.state.order(guid).externalProps).includes(qr.payload), {
      what: 'the payment URL written into the order',
    });

    // A waiter opens the order at the bar while the guest scans the pre-check and pays.
    stack.rkeeper.control.lock(guid, 2);
    stack.rkeeper.control.resetRequestCounts();
    await guest.bringToFront();
    await guest.goto(qr.payload);
    await payOnSandboxPage(guest, rub(104000));
    await page.bringToFront();

    await status(bill.id, 'needs_attention').waitFor({ timeout: 15_000 });
    const settlement = await settlementWhen(
      stack,
      bill.id,
      (s) => s.status === 'needs_attention',
      'the settlement handed to a person',
    );
    expect(settlement.attentionReason).toBe('attempts_exhausted');
    const item = page.locator(`#attention [data-settlement-id="${settlement.id}"]`);
    await item.waitFor();
    expect(await item.locator('.error-text').textContent()).toContain('Бар');
    await item.locator('a[data-action="open-bill"]').click();
    await page
      .locator(`#detail .bill[data-bill-id="${bill.id}"] .settlements [data-status="needs_attention"]`)
      .waitFor();
    expect(stack.rkeeper.state.order(guid)).toMatchObject({ locked: true, finished: false, pays: [] });
    expect(stack.rkeeper.state.requestCounts().PayOrder).toBe(2);
    await screenshot(page, 'dashboard-needs-attention');

    stack.rkeeper.control.unlock(guid);
    stack.rkeeper.control.resetRequestCounts();
    await item.locator('button[data-action="retry"]').click();

    await status(bill.id, 'applied').waitFor({ timeout: 15_000 });
    await item.waitFor({ state: 'detached' });
    await page
      .locator(`#detail .settlements [data-settlement-id="${settlement.id}"][data-status="applied"]`)
      .waitFor();
    expect(await notReloaded()).toBe('yes');
    expect(stack.rkeeper.state.requestCounts().PayOrder).toBe(1);
    expect(stack.rkeeper.state.order(guid)).toMatchObject({
      finished: true,
      pays: [expect.objectContaining({ currencyId: INVOICEBOX_CURRENCY, amount: 104000 })],
    });
    await screenshot(page, 'dashboard-retried');
  });

  it('switches to English and shows the latency chart', async () => {
    await page.click('#lang-switch');
    await page.locator('#floor-section h2', { hasText: 'Tables and folios' }).waitFor();
    await page.locator('#latency svg.chart circle').first().waitFor();
    expect(await page.locator('#latency-summary').textContent()).toMatch(/Applied: 2 /);
    await screenshot(page, 'dashboard-english');
  });
});
