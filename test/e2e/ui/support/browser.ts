import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { BrowserContextOptions, Page } from 'playwright-core';
import { Chromium, launchHeadlessChromium } from '../../../support/chromium';

export const ARTIFACTS = join(__dirname, '..', '..', '..', '..', 'test-artifacts', 'ui');

export type { Chromium };

/** Debian's Chromium for the UI tests; screenshots go to ARTIFACTS. */
export async function launchChromium(options: BrowserContextOptions = {}): Promise<Chromium> {
  mkdirSync(ARTIFACTS, { recursive: true });
  return launchHeadlessChromium(options);
}

export async function screenshot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: join(ARTIFACTS, `${name}.png`), fullPage: true });
}

/**
 * Roubles as the bridge's Russian pages and the sandbox's payment page both print them ("1 480,00 ₽", with
 * no-break spaces); written out here so a change of either format shows up as a failure.
 */
export function rub(minor: number): string {
  const whole = String(Math.floor(minor / 100)).replace(/\B(?=(\d{3})+(?!\d))/g, '\u00a0');
  return `${whole},${String(minor % 100).padStart(2, '0')}\u00a0₽`;
}

/**
 * The guest on the Invoicebox sandbox's own payment page, already open in `page`: checks the amount it asks
 * for and presses "Оплатить", the same button a person would.
 */
export async function payOnSandboxPage(page: Page, expectedTotal: string, shot?: string): Promise<void> {
  const total = page.locator('.total', { hasText: 'Итого к оплате' });
  await total.waitFor();
  expect(await total.locator('span').last().textContent()).toBe(expectedTotal);
  if (shot) await screenshot(page, shot);
  await page.getByRole('button', { name: 'Оплатить' }).click();
  await page.getByRole('heading', { name: 'Оплата прошла успешно' }).waitFor();
}
