import { existsSync, readFileSync } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';
import { plainToInstance } from 'class-transformer';
import { ValidationError, validateSync } from 'class-validator';
import { YAMLParseError, parse } from 'yaml';
import { BridgeConfig } from './bridge-config';

export const DEFAULT_CONFIG_PATH = 'config/bridge.yaml';
export const DEMO_CONFIG_PATH = 'config/demo.yaml';

export interface LoadedConfig {
  config: BridgeConfig;
  path: string;
  /** No config file was found, so the built-in demo profile (simulators + embedded SQLite) runs. */
  demo: boolean;
}

/** Every problem found in the configuration, one line each, naming the key. */
export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

export interface LoadConfigOptions {
  env: NodeJS.ProcessEnv;
  cwd?: string;
}

/** The only reader of the configuration: the bridge, the CLI and the migrations all go through it. */
export function loadConfig(options: LoadConfigOptions): LoadedConfig {
  const cwd = options.cwd ?? process.cwd();
  const explicit = options.env.BRIDGE_CONFIG || undefined;
  const requested = explicit ?? DEFAULT_CONFIG_PATH;
  const requestedPath = isAbsolute(requested) ? requested : resolve(cwd, requested);
  let path = requestedPath;
  let demo = false;
  if (!existsSync(requestedPath)) {
    if (explicit) throw new ConfigError([`BRIDGE_CONFIG: file ${requestedPath} does not exist`]);
    path = resolve(cwd, DEMO_CONFIG_PATH);
    demo = true;
    if (!existsSync(path))
      throw new ConfigError([`no ${DEFAULT_CONFIG_PATH} and no demo profile at ${path}`]);
  }
  return { config: parseConfig(readFileSync(path, 'utf8'), options.env, path), path, demo };
}

export function parseConfig(text: string, env: NodeJS.ProcessEnv, source = 'config'): BridgeConfig {
  // `${VAR}` is swapped for a plain token before parsing: the contract writes it inside flow
  // mappings ({ apiToken: ${CAFE1_TOKEN} }), where YAML itself would read `{` as a new mapping.
  const variables: string[] = [];
  const tokenized = text.replace(VARIABLE, (match) => `${TOKEN_PREFIX}${variables.push(match) - 1}__`);
  let raw: unknown;
  try {
    raw = parse(tokenized);
  } catch (error) {
    const where = error instanceof YAMLParseError && error.linePos ? ` at line ${error.linePos[0].line}` : '';
    const reason = error instanceof Error ? error.message.split('\n')[0] : String(error);
    throw new ConfigError([`${source}: invalid YAML${where}: ${reason}`]);
  }
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) {
    throw new ConfigError([`${source}: must be a YAML mapping with server, database, invoicebox and sites`]);
  }
  const problems: string[] = [];
  const substituted = substituteEnv(raw, { env, variables }, '', problems);
  const config = plainToInstance(BridgeConfig, substituted, { exposeDefaultValues: true });
  // A key whose variable is unset is already reported; its "is required" would say it twice.
  const reported = new Set(problems.map((p) => p.slice(0, p.indexOf(':'))));
  problems.push(
    ...flattenErrors(
      validateSync(config, { whitelist: true, forbidNonWhitelisted: true, stopAtFirstError: true }),
      '',
    ).filter((p) => !reported.has(p.slice(0, p.indexOf(':')))),
  );
  if (problems.length === 0) problems.push(...crossCheck(config));
  if (problems.length > 0) throw new ConfigError(problems);
  return config;
}

const VARIABLE = /\$\{([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?\}/g;
const TOKEN_PREFIX = '__BRIDGE_ENV_';
const TOKEN = /__BRIDGE_ENV_(\d+)__/g;

interface Substitution {
  env: NodeJS.ProcessEnv;
  variables: string[];
}

/** `${VAR}` and `${VAR:-default}` in string values come from the environment, so secrets stay out of the file. */
function substituteEnv(value: unknown, sub: Substitution, path: string, problems: string[]): unknown {
  if (typeof value === 'string') {
    let missing = false;
    const replaced = value.replace(TOKEN, (_token, index: string) => {
      const [, name, fallback] = new RegExp(VARIABLE.source).exec(sub.variables[Number(index)]) ?? [];
      const found = sub.env[name];
      if (found !== undefined && found !== '') return found;
      if (fallback !== undefined) return fallback;
      problems.push(`${path || '(root)'}: environment variable ${name} is not set`);
      missing = true;
      return '';
    });
    if (missing) return undefined;
    // A value that was only a variable takes the type YAML would have given it (ports, ids, flags).
    if (/^__BRIDGE_ENV_\d+__$/.test(value)) {
      if (/^-?\d+$/.test(replaced)) return Number(replaced);
      if (replaced === 'true' || replaced === 'false') return replaced === 'true';
    }
    return replaced;
  }
  if (Array.isArray(value))
    return value.map((item, index) => substituteEnv(item, sub, `${path}[${index}]`, problems));
  if (value && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value).map(([key, item]) => [
        key,
        substituteEnv(item, sub, path ? `${path}.${key}` : key, problems),
      ]),
    );
  }
  return value;
}

/** Rules that span several keys. */
function crossCheck(config: BridgeConfig): string[] {
  const problems: string[] = [];
  config.sites.forEach((site, index) => {
    // A settlement attempt may read the bill and then wait out a whole write: its lease must outlast both,
    // or a second worker would read back while the first is still waiting for the POS/PMS to answer.
    const writeTimeouts: Array<[string, number]> = [
      [`sites[${index}].rkeeper.timeoutMs`, site.rkeeper ? 2 * (site.rkeeper.timeoutMs ?? 10_000) : 0],
      [
        `sites[${index}].fias.postingTimeoutMs`,
        site.fias ? (site.fias.answerTimeoutMs ?? 30_000) + (site.fias.postingTimeoutMs ?? 60_000) : 0,
      ],
    ];
    for (const [key, attemptMs] of writeTimeouts) {
      if (attemptMs > 0 && config.settlement.leaseMs <= attemptMs) {
        problems.push(
          `settlement.leaseMs: must be longer than one settlement attempt (${attemptMs} ms, from ${key})`,
        );
      }
    }
  });
  return problems;
}

function flattenErrors(errors: ValidationError[], parent: string): string[] {
  return errors.flatMap((error) => {
    const key = /^\d+$/.test(error.property)
      ? `${parent}[${error.property}]`
      : parent
        ? `${parent}.${error.property}`
        : error.property;
    const own = Object.values(error.constraints ?? {}).map(
      (message) => `${key}: ${humanize(message, error.property)}`,
    );
    return [...own, ...flattenErrors(error.children ?? [], key)];
  });
}

/** class-validator starts messages with the property name; the key already says it. */
function humanize(message: string, property: string): string {
  if (message.startsWith(`property ${property} should not exist`)) return 'is not a known setting';
  return message.startsWith(`${property} `) ? message.slice(property.length + 1) : message;
}
