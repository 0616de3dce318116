import { ChaosOptions, DEFAULT_CHAOS, formatChaosReport, runChaos } from './chaos';

// npm run chaos -- --payments 2000 --tables 60 --processes 3 [--concurrency 10] [--kill-every-ms 4000]
//   [--drain-ms 120000] [--seed 7] [--invoicebox-error-rate 0.05] ... (every ChaosOptions number, kebab-case)

function parse(argv: string[]): ChaosOptions {
  const options: ChaosOptions = { ...DEFAULT_CHAOS, minKills: 0, drainMs: 180_000 };
  const numeric = Object.keys(DEFAULT_CHAOS) as Array<keyof ChaosOptions>;
  for (let i = 0; i < argv.length; i += 2) {
    const flag = argv[i];
    const key = numeric.find((k) => `--${k.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}` === flag);
    const value = Number(argv[i + 1]);
    if (!key || key === 'log' || !Number.isFinite(value)) {
      throw new Error(`Unknown option or value: ${flag} ${argv[i + 1] ?? ''}`);
    }
    Object.assign(options, { [key]: value });
  }
  return options;
}

async function main(): Promise<void> {
  const options = parse(process.argv.slice(2));
  const started = Date.now();
  const report = await runChaos({
    ...options,
    log: (line) => process.stderr.write(`[${Math.round((Date.now() - started) / 1000)} s] ${line}\n`),
  });
  process.stdout.write(`${formatChaosReport(report)}\n`);
  const settledOrWaiting = report.applied + Object.values(report.waiting).reduce((a, b) => a + b, 0);
  const ok = report.appliedTwice === 0 && report.lost === 0 && settledOrWaiting === report.confirmed;
  process.stdout.write(ok ? 'OK: nothing applied twice, nothing lost\n' : 'FAILED\n');
  process.exit(ok ? 0 : 1);
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(2);
});
