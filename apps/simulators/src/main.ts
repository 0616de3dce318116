import 'reflect-metadata';
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { parse } from 'yaml';
import { startFiasSimulator } from './fias';
import { startInvoiceboxSandbox } from './invoicebox';
import { startPrinterSimulator } from './printer';
import { startRkeeperSimulator } from './rkeeper';

interface DemoMerchant {
  siteId: string;
  merchantId: string;
  apiToken: string;
  notificationKey: string;
}

/** The merchants of the demo profile, so the sandbox accepts exactly what the bridge will send. */
function demoMerchants(configPath: string): DemoMerchant[] {
  const config = parse(readFileSync(configPath, 'utf8')) as {
    sites?: Array<{ id: string; merchant: Record<string, string> }>;
  };
  return (config.sites ?? []).map((site) => ({
    siteId: site.id,
    merchantId: site.merchant.merchantId,
    apiToken: site.merchant.apiToken,
    notificationKey: site.merchant.notificationKey,
  }));
}

/**
 * Runs every simulator the demo profile points at, on fixed local ports, and prints one JSON line with
 * what the bridge needs to know (the r_keeper certificate fingerprint it pins).
 */
async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      config: { type: 'string', default: 'config/demo.yaml' },
      'bridge-url': { type: 'string', default: 'http://127.0.0.1:3000' },
      'invoicebox-port': { type: 'string', default: '18080' },
      'rkeeper-port': { type: 'string', default: '18086' },
      'fias-port': { type: 'string', default: '15010' },
      'fias-control-port': { type: 'string', default: '15011' },
      'printer-port': { type: 'string', default: '19100' },
      'demo-orders': { type: 'string', default: '6' },
    },
  });
  const bridgeUrl = values['bridge-url'].replace(/\/$/, '');
  const merchants = demoMerchants(values.config);
  const sandbox = await startInvoiceboxSandbox({
    port: Number(values['invoicebox-port']),
    merchants: merchants.map((m) => ({
      merchantId: m.merchantId,
      token: m.apiToken,
      notificationKey: m.notificationKey,
      notificationUrl: `${bridgeUrl}/webhooks/invoicebox/${m.siteId}`,
    })),
  });
  const rkeeper = await startRkeeperSimulator({
    port: Number(values['rkeeper-port']),
    username: 'HTTPUSER',
    password: 'demo',
    notifyUrl: `${bridgeUrl}/webhooks/rkeeper/cafe-1`,
  });
  rkeeper.control.generateOrders(Number(values['demo-orders']));
  const fias = await startFiasSimulator({
    port: Number(values['fias-port']),
    controlPort: Number(values['fias-control-port']),
  });
  const printer = await startPrinterSimulator({ port: Number(values['printer-port']) });

  process.stdout.write(
    `${JSON.stringify({
      ready: true,
      invoicebox: sandbox.url,
      rkeeper: rkeeper.url,
      rkeeperControl: `${rkeeper.baseUrl}/__control`,
      rkeeperFingerprint: rkeeper.certificateFingerprint,
      fias: `${fias.host}:${fias.port}`,
      printer: `${printer.host}:${printer.port}`,
      printerJobs: printer.controlUrl,
    })}\n`,
  );
  const stop = async () => {
    await Promise.allSettled([sandbox.close(), rkeeper.close(), fias.close(), printer.close()]);
    process.exit(0);
  };
  process.once('SIGINT', () => void stop());
  process.once('SIGTERM', () => void stop());
}

void main().catch((error: unknown) => {
  process.stderr.write(
    `Simulators failed to start: ${error instanceof Error ? error.message : String(error)}\n`,
  );
  process.exit(1);
});
