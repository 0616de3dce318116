import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BrowserContext, BrowserContextOptions, Page, chromium } from 'playwright-core';

export const ARTIFACTS = join(__dirname, '..', '..', '..', '..', 'test-artifacts', 'ui');

export interface Chromium {
  context: BrowserContext;
  close(): Promise<void>;
}

/** Debian's Chromium, headless, with a throwaway profile and nothing talking to the network on its own. */
export async function launchChromium(options: BrowserContextOptions = {}): Promise<Chromium> {
  mkdirSync(ARTIFACTS, { recursive: true });
  const profile = mkdtempSync(join(tmpdir(), 'bridge-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    headless: true,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
    ...options,
  });
  return {
    context,
    async close() {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
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
