import { parseArgs } from 'node:util';
import { startRkeeperSimulator } from './rkeeper-simulator';

/** Stand-alone run: prints one JSON line (url, fingerprint, credentials) and serves until SIGINT/SIGTERM. */
async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      port: { type: 'string', default: '0' },
      host: { type: 'string', default: '127.0.0.1' },
      username: { type: 'string', default: 'HTTPUSER' },
      password: { type: 'string', default: 'http' },
      'notify-url': { type: 'string' },
      orders: { type: 'string', default: '0' },
      tables: { type: 'string', default: '30' },
      license: { type: 'boolean', default: false },
    },
  });
  const sim = await startRkeeperSimulator({
    port: Number(values.port),
    host: values.host,
    username: values.username,
    password: values.password,
    notifyUrl: values['notify-url'],
    tableCount: Number(values.tables),
    enforceLicense: values.license,
  });
  const generated = sim.control.generateOrders(Number(values.orders));
  process.stdout.write(
    `${JSON.stringify({
      url: sim.url,
      controlUrl: `${sim.baseUrl}/__control`,
      tlsFingerprint: sim.certificateFingerprint,
      username: sim.username,
      password: sim.password,
      orders: generated.length,
    })}\n`,
  );
  const stop = () => void sim.close().then(() => process.exit(0));
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

main().catch((error: unknown) => {
  process.stderr.write(`${String(error)}\n`);
  process.exit(1);
});
