import { Page } from 'playwright-core';
import { Money } from '@bridge/core';
import { RkeeperXmlClient } from '@bridge/rkeeper';
import { CASH_CURRENCY_ID } from '@bridge/simulators';
import { Stack, startStack } from '../../support/stack';
import { waitFor } from '../../support/wait-for';
import { INVOICEBOX_CURRENCY, billWhen } from '../rkeeper/support';
import { Chromium, launchChromium, payOnSandboxPage, rub, screenshot } from './support/browser';

const BANQUET_PREPAY_REASON = 6;

/**
 * The guest's phone on the table's static QR, over the components the demo runs: the bridge reads the bill
 * from the r_keeper simulator and sends the guest to the Invoicebox sandbox's own payment page.
 */
describe('guest table page on a phone', () => {
  jest.setTimeout(60_000);
  let stack: Stack;
  let browser: Chromium;
  let page: Page;

  beforeAll(async () => {
    [stack, browser] = await Promise.all([
      startStack(),
      launchChromium({
        viewport: { width: 390, height: 844 },
        isMobile: true,
        hasTouch: true,
        deviceScaleFactor: 2,
        locale: 'ru-RU',
      }),
    ]);
    page = await browser.context.newPage();
  });

  afterAll(async () => {
    await browser?.close();
    await stack?.close();
  });

  /** An order at `table` as the waiter rings it up, once the bridge has it. */
  async function openTable(table: number, dishes: Array<{ code: number; quantityMilli?: number }>) {
    const { guid } = stack.rkeeper.control.openOrder({ tableCode: table, dishes });
    const bill = await billWhen(stack, guid, (b) => b.status === 'open', `table ${table} in the bridge`);
    return { guid, billId: bill.id };
  }

  /** The cashier takes a cash deposit at the till: a Prepay line written over the XML interface. */
  async function cashDeposit(guid: string, minor: number): Promise<void> {
    const till = new RkeeperXmlClient({
      url: stack.rkeeper.url,
      username: stack.rkeeper.username,
      password: stack.rkeeper.password,
      tlsFingerprint: stack.rkeeper.certificateFingerprint,
      currency: 'RUB',
      stationCode: 1,
    });
    try {
      await till.addPrepay({
        order: { guid },
        currencyId: CASH_CURRENCY_ID,
        amount: Money.of(minor, 'RUB'),
        reasonId: BANQUET_PREPAY_REASON,
      });
    } finally {
      till.close();
    }
  }

  it('sees the bill with what is already paid, pays the rest on the payment page, and finds it paid', async () => {
    // Caesar salad, two borscht and a berry drink: 490 + 2 × 420 + 150 roubles, 500 of it paid in cash.
    const { guid, billId } = await openTable(3, [
      { code: 101 },
      { code: 201, quantityMilli: 2000 },
      { code: 601 },
    ]);
    await cashDeposit(guid, 50000);
    await billWhen(stack, guid, (b) => b.paid.minor === 50000, 'the deposit in the bridge');

    await page.goto(`${stack.bridgeUrl}/t/cafe-1/3`);
    expect(await page.locator('h1').textContent()).toBe('Стол 3');
    expect(await page.locator('.lines li').allTextContents()).toEqual([
      `Салат «Цезарь» с курицей${rub(49000)}`,
      `Борщ с пампушками × 2${rub(84000)}`,
      `Морс клюквенный 0,3${rub(15000)}`,
    ]);
    expect(await page.locator('#total').textContent()).toBe(rub(148000));
    expect(await page.locator('#paid').textContent()).toBe(rub(50000));
    expect(await page.locator('#due').textContent()).toBe(rub(98000));
    expect(await page.locator('#pay').textContent()).toBe(`Оплатить ${rub(98000)}`);
    expect(await page.evaluate<number>('document.documentElement.scrollWidth')).toBeLessThanOrEqual(390);
    await screenshot(page, 'guest-bill');

    await Promise.all([
      page.waitForURL((url) => url.href.startsWith(`${stack.sandbox.url}/order/`)),
      page.locator('#pay').tap(),
    ]);
    const link = await stack.store.links.findLiveByBill(billId);
    expect(page.url()).toBe(link?.paymentUrl);
    await payOnSandboxPage(page, rub(98000), 'guest-payment-page');
    await screenshot(page, 'guest-payment-done');

    await waitFor(() => stack.rkeeper.state.order(guid).finished, { what: 'the order closed at the POS' });
    expect(stack.rkeeper.state.order(guid)).toMatchObject({
      prepays: [expect.objectContaining({ currencyId: CASH_CURRENCY_ID, amount: 50000 })],
      pays: [expect.objectContaining({ currencyId: INVOICEBOX_CURRENCY, amount: 98000 })],
    });
    await billWhen(stack, guid, (b) => b.status === 'closed', 'the bill closed in the bridge');

    // Scanning the table's QR again: nothing left to pay.
    await page.goto(`${stack.bridgeUrl}/t/cafe-1/3`);
    expect(await page.locator('h1.none').textContent()).toBe('Открытого счёта нет');
    // The bill the guest paid, as its Pay form names it.
    await page.goto(`${stack.bridgeUrl}/t/cafe-1/3?bill=${billId}`);
    expect(await page.locator('h1.paid').textContent()).toBe('Счёт уже оплачен');
    await screenshot(page, 'guest-already-paid');
  });

  it('is told the bill changed when the waiter adds a dish before Pay, and pays the new total', async () => {
    // Pelmeni and kvass: 480 + 180 roubles; then a honey cake for 320.
    const { guid } = await openTable(4, [{ code: 301 }, { code: 602 }]);
    await page.goto(`${stack.bridgeUrl}/t/cafe-1/4`);
    expect(await page.locator('#due').textContent()).toBe(rub(66000));

    // The Pay form re-reads the order from the POS, so the bridge need not have synced the change yet.
    stack.rkeeper.control.addDish(guid, { code: 503 });
    await page.locator('#pay').tap();
    await page.locator('h1.changed').waitFor();
    expect(await page.locator('h1.changed').textContent()).toBe('Счёт изменился');
    expect(await page.locator('#due').textContent()).toBe(rub(98000));
    await screenshot(page, 'guest-bill-changed');

    await Promise.all([
      page.waitForURL((url) => url.href.startsWith(`${stack.sandbox.url}/order/`)),
      page.locator('#pay').tap(),
    ]);
    await payOnSandboxPage(page, rub(98000));
    await waitFor(() => stack.rkeeper.state.order(guid).finished, { what: 'the order closed at the POS' });
    expect(stack.rkeeper.state.order(guid).pays).toEqual([
      expect.objectContaining({ currencyId: INVOICEBOX_CURRENCY, amount: 98000 }),
    ]);
  });

  it('switches the page to English', async () => {
    await openTable(8, [{ code: 604 }]);
    await page.goto(`${stack.bridgeUrl}/t/cafe-1/8`);
    await Promise.all([page.waitForURL(/lang=en/), page.locator('a.lang').tap()]);
    expect(await page.locator('#pay').textContent()).toBe('Pay RUB\u00a0220.00');
    await screenshot(page, 'guest-bill-english');
  });
});
