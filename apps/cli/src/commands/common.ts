import { INestApplicationContext } from '@nestjs/common';
import { ParseArgsConfig, parseArgs } from 'node:util';
import { LoadedConfig, loadConfig } from '../../../bridge/src/config/load-config';
import { CliLogger } from '../cli-logger';
import { CliParts, createCliContext } from '../cli.module';
import { CliError, EXIT } from '../exit-codes';
import { Output } from '../output';

export interface CliIo {
  output: Output;
  env: NodeJS.ProcessEnv;
  cwd: string;
}

export interface Command {
  name: string;
  usage: string;
  summary: string;
  run(args: string[], io: CliIo): Promise<number>;
}

/** Options every command takes. */
export const COMMON_OPTIONS = {
  config: { type: 'string', short: 'c' },
  verbose: { type: 'boolean', short: 'v', default: false },
  help: { type: 'boolean', short: 'h', default: false },
} as const;

export function parseCommandArgs<T extends NonNullable<ParseArgsConfig['options']>>(
  command: Command,
  args: string[],
  options: T,
) {
  try {
    return parseArgs({
      args,
      options: { ...COMMON_OPTIONS, ...options },
      allowPositionals: true,
      strict: true,
    });
  } catch (error) {
    throw new CliError(
      EXIT.usage,
      `${error instanceof Error ? error.message : String(error)}\nusage: pos-bridge ${command.usage}`,
    );
  }
}

/** The same loadConfig as the service: `--config` wins over BRIDGE_CONFIG, then config/bridge.yaml, then the demo. */
export function loadBridgeConfig(io: CliIo, configPath: string | undefined): LoadedConfig {
  const loaded = loadConfig({
    env: configPath ? { ...io.env, BRIDGE_CONFIG: configPath } : io.env,
    cwd: io.cwd,
  });
  io.output.hideSecretsOf(loaded.config);
  if (loaded.demo) io.output.error(`note: no config/bridge.yaml, using the demo profile ${loaded.path}`);
  return loaded;
}

export function siteOption(loaded: LoadedConfig, siteId: string | undefined): string[] {
  const all = loaded.config.sites.map((site) => site.id);
  if (siteId === undefined) return all;
  if (!all.includes(siteId))
    throw new CliError(EXIT.usage, `No site ${siteId} in ${loaded.path} (sites: ${all.join(', ')})`);
  return [siteId];
}

export async function withContext<T>(
  loaded: LoadedConfig,
  parts: CliParts,
  io: CliIo,
  verbose: boolean,
  work: (context: INestApplicationContext) => Promise<T>,
): Promise<T> {
  const context = await createCliContext(
    loaded,
    parts,
    new CliLogger(io.output, verbose ? 'debug' : 'error'),
  );
  try {
    return await work(context);
  } finally {
    await context.close();
  }
}
