import { ConfigError } from '../../bridge/src/config/load-config';
import { backupCommand, restoreCommand } from './commands/backup';
import { billsCommand } from './commands/bills';
import { CliIo, Command } from './commands/common';
import { doctorCommand } from './commands/doctor';
import { migrateCommand } from './commands/migrate';
import { reconcileCommand } from './commands/reconcile';
import { replayNotificationCommand } from './commands/replay-notification';
import { sitesCommand } from './commands/sites';
import { CliError, EXIT } from './exit-codes';

export const COMMANDS: Command[] = [
  doctorCommand,
  migrateCommand,
  sitesCommand,
  billsCommand,
  reconcileCommand,
  replayNotificationCommand,
  backupCommand,
  restoreCommand,
];

export function usage(): string {
  const width = Math.max(...COMMANDS.map((command) => command.name.length));
  return [
    'usage: pos-bridge <command> [options]',
    '',
    ...COMMANDS.map((command) => `  ${command.name.padEnd(width)}  ${command.summary}`),
    '',
    'Every command reads the same configuration as the bridge: --config <file>, else BRIDGE_CONFIG, else',
    'config/bridge.yaml. `pos-bridge <command> --help` shows its options; --verbose shows the log.',
    'Exit codes: 0 ok, 1 a check or the operation failed, 2 usage or configuration error,',
    '3 database unavailable, behind or in use, 4 unexpected error.',
  ].join('\n');
}

/** Runs one command and returns its exit code; never throws. */
export async function runCli(argv: string[], io: CliIo): Promise<number> {
  const [name, ...args] = argv;
  if (name === undefined || name === 'help' || name === '--help' || name === '-h') {
    io.output.line(usage());
    return name === undefined ? EXIT.usage : EXIT.ok;
  }
  const command = COMMANDS.find((c) => c.name === name);
  if (!command) {
    io.output.error(`pos-bridge: unknown command "${name}"\n\n${usage()}`);
    return EXIT.usage;
  }
  if (args.includes('--help') || args.includes('-h')) {
    io.output.line(`usage: pos-bridge ${command.usage}\n\n${command.summary}`);
    return EXIT.ok;
  }
  try {
    return await command.run(args, io);
  } catch (error) {
    if (error instanceof CliError) {
      io.output.error(`pos-bridge ${name}: ${error.message}`);
      return error.exitCode;
    }
    if (error instanceof ConfigError) {
      io.output.error(error.message);
      return EXIT.usage;
    }
    io.output.error(
      `pos-bridge ${name}: unexpected error: ${error instanceof Error ? error.message : String(error)}`,
    );
    if (args.includes('--verbose') || args.includes('-v')) {
      io.output.error(error instanceof Error ? (error.stack ?? '') : '');
    }
    return EXIT.internal;
  }
}
