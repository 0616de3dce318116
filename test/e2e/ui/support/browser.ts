import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { Server, createServer } from 'node:https';
import { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BrowserContext, BrowserContextOptions, Page, chromium } from 'playwright-core';
import { generate } from 'selfsigned';

export const ARTIFACTS = join(__dirname, '..', '..', '..', '..', 'test-artifacts', 'ui');

export interface Chromium {
  context: BrowserContext;
  close(): Promise<void>;
}

export interface FakePaymentPage {
  host: string;
  port: number;
  /** Paths the browser asked the payment page for. */
  visits: string[];
  close(): Promise<void>;
}

/**
 * Stands in for the provider's payment page host (the fake provider's https://pay.fake.test). Playwright's
 * route API never sees the target of a network redirect, and the guest reaches this page by the bridge's 303,
 * so the browser resolves the host here instead (see launchChromium's `payHost`).
 */
export async function startFakePaymentPage(host = 'pay.fake.test'): Promise<FakePaymentPage> {
  const pems = await generate([{ name: 'commonName', value: host }]);
  const visits: string[] = [];
  const server: Server = createServer({ key: pems.private, cert: pems.cert }, (req, res) => {
    visits.push(req.url ?? '');
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
    res.end('<!doctype html><title>Invoicebox</title><h1 id="fake-invoicebox">Invoicebox</h1>');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    host,
    port: (server.address() as AddressInfo).port,
    visits,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** Debian's Chromium, headless, with a throwaway profile and nothing talking to the network on its own. */
export async function launchChromium(
  options: BrowserContextOptions & { payHost?: FakePaymentPage } = {},
): Promise<Chromium> {
  const { payHost, ...contextOptions } = options;
  const resolver = payHost
    ? [
        `--host-resolver-rules=MAP ${payHost.host}:443 127.0.0.1:${payHost.port}`,
        '--ignore-certificate-errors',
      ]
    : [];
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
      ...resolver,
    ],
    ...contextOptions,
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
