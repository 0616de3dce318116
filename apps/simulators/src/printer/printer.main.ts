import { parseArgs } from 'node:util';
import { PrinterSimulator, startPrinterSimulator } from './printer.simulator';

/** `node -r @swc-node/register apps/simulators/src/printer/printer.main.ts --port 9100 --control-port 9180` */
export async function runPrinterSimulatorCli(argv: string[]): Promise<PrinterSimulator> {
  const { values } = parseArgs({
    args: argv,
    options: {
      host: { type: 'string', default: '127.0.0.1' },
      port: { type: 'string', default: '9100' },
      'control-port': { type: 'string', default: '9180' },
      'idle-gap-ms': { type: 'string', default: '1000' },
    },
  });
  const simulator = await startPrinterSimulator({
    host: values.host,
    port: whole(values.port, 'port'),
    controlPort: whole(values['control-port'], 'control-port'),
    idleGapMs: whole(values['idle-gap-ms'], 'idle-gap-ms'),
  });
  process.stdout.write(
    `${JSON.stringify({ printer: `${simulator.host}:${simulator.port}`, control: simulator.controlUrl })}\n`,
  );
  return simulator;
}

function whole(text: string, name: string): number {
  const value = Number(text);
  if (!Number.isInteger(value) || value < 0)
    throw new Error(`--${name} must be a whole number, got "${text}"`);
  return value;
}

if (require.main === module) {
  runPrinterSimulatorCli(process.argv.slice(2)).then(
    (simulator) => {
      for (const signal of ['SIGINT', 'SIGTERM'] as const) {
        process.once(signal, () => void simulator.close().then(() => process.exit(0)));
      }
    },
    (error: unknown) => {
      process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
      process.exit(1);
    },
  );
}
