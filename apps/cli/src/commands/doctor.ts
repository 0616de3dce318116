import { PaymentProviderRegistry, PosAdapterRegistry, PosHealth, describeError } from '@bridge/core';
import { parseDatabaseUrl } from '@bridge/persistence';
import { existsSync } from 'node:fs';
import { BridgeConfig } from '../../../bridge/src/config/bridge-config';
import { ConfigError, LoadedConfig } from '../../../bridge/src/config/load-config';
import { openDatabase, pendingMigrations } from '../database';
import { CliError, EXIT } from '../exit-codes';
import { describeDatabaseUrl } from '../output';
import { claimLinks } from '../pos-links';
import { CliIo, Command, loadBridgeConfig, parseCommandArgs, siteOption, withContext } from './common';

export type Verdict = 'pass' | 'warn' | 'fail';

export interface Check {
  name: string;
  verdict: Verdict;
  detail: string;
}

const DEFAULT_TIMEOUT_SECONDS = 10;
const RETRY_EVERY_MS = 500;

const VENDOR_NAMES: Record<string, string> = { rkeeper: 'r_keeper', fias: 'FIAS PMS' };

export const doctorCommand: Command = {
  name: 'doctor',
  usage: 'doctor [--config <file>] [--site <id>] [--timeout <seconds>] [--json]',
  summary: 'check the configuration, the database and every POS/PMS and Invoicebox account',
  async run(args, io) {
    const { values } = parseCommandArgs(this, args, {
      site: { type: 'string' },
      timeout: { type: 'string', default: String(DEFAULT_TIMEOUT_SECONDS) },
      json: { type: 'boolean', default: false },
    });
    const timeoutMs = Number(values.timeout) * 1000;
    if (!Number.isFinite(timeoutMs) || timeoutMs <= 0)
      throw new CliError(EXIT.usage, '--timeout must be a number of seconds');
    const checks: Check[] = [];
    const report = (check: Check) => {
      checks.push(check);
      if (!values.json)
        io.output.line(`${check.verdict.toUpperCase().padEnd(4)}  ${check.name.padEnd(22)}  ${check.detail}`);
    };

    let loaded: LoadedConfig;
    try {
      loaded = loadBridgeConfig(io, values.config);
    } catch (error) {
      if (!(error instanceof ConfigError)) throw error;
      for (const problem of error.problems) report({ name: 'config', verdict: 'fail', detail: problem });
      finish(io, checks, values.json);
      return EXIT.usage;
    }
    const sites = siteOption(loaded, values.site);
    report({
      name: 'config',
      verdict: loaded.demo ? 'warn' : 'pass',
      detail: `${loaded.path}${loaded.demo ? ' (the demo profile: never for real money)' : ''}: ${loaded.config.sites.length} site(s)`,
    });
    configWarnings(loaded.config, sites).forEach(report);
    report(await checkDatabase(loaded.config.database.url, io));

    io.output.progress(`checking ${sites.length} site(s)…`);
    const links = await claimLinks(loaded, sites);
    try {
      const parts = { database: false, upstreams: true, useCases: false, ownedLinks: links.owned };
      const upstream = await withContext(loaded, parts, io, values.verbose, (context) => {
        const pos = context.get(PosAdapterRegistry);
        const providers = context.get(PaymentProviderRegistry);
        return Promise.all(
          sites.map(async (siteId) => {
            const kind = loaded.config.sites.find((s) => s.id === siteId)?.kind ?? '';
            const name = `${siteId} ${VENDOR_NAMES[kind] ?? kind}`;
            const refused = links.refused.get(siteId);
            const [posCheck, providerCheck] = await Promise.all([
              refused
                ? Promise.resolve<Check>({ name, verdict: 'warn', detail: `not checked: ${refused}` })
                : checkPos(name, () => pos.forSite(siteId).checkHealth(), timeoutMs),
              checkProvider(`${siteId} invoicebox`, () => providers.forSite(siteId).checkCredentials()),
            ]);
            return [posCheck, providerCheck];
          }),
        );
      });
      upstream.flat().forEach(report);
    } finally {
      await links.release();
    }
    finish(io, checks, values.json);
    return checks.some((check) => check.verdict === 'fail') ? EXIT.failed : EXIT.ok;
  },
};

function finish(io: CliIo, checks: Check[], json: boolean): void {
  const failed = checks.filter((check) => check.verdict === 'fail').length;
  if (json) io.output.json({ ok: failed === 0, checks });
  else
    io.output.line(
      failed === 0
        ? `doctor: all ${checks.length} checks passed`
        : `doctor: ${failed} of ${checks.length} checks failed`,
    );
}

function configWarnings(config: BridgeConfig, siteIds: string[]): Check[] {
  const warnings: Check[] = [];
  for (const site of config.sites.filter((s) => siteIds.includes(s.id))) {
    if (site.rkeeper?.tlsInsecure) {
      warnings.push({
        name: `${site.id} tls`,
        verdict: 'warn',
        detail: 'tlsInsecure: true, the r_keeper certificate is not checked: pin tlsFingerprint instead',
      });
    }
  }
  const publicUrl = new URL(config.server.publicUrl);
  const local = ['127.0.0.1', 'localhost', '[::1]'].includes(publicUrl.hostname);
  if (config.invoicebox.notifications === 'webhook' && publicUrl.protocol !== 'https:' && !local) {
    warnings.push({
      name: 'webhook url',
      verdict: 'warn',
      detail: `${config.server.publicUrl} is not https: put the bridge behind a TLS proxy for Invoicebox`,
    });
  }
  return warnings;
}

async function checkDatabase(databaseUrl: string, io: CliIo): Promise<Check> {
  const name = 'database';
  const target = parseDatabaseUrl(databaseUrl);
  const where = target.kind === 'sqlite' ? `sqlite ${target.path}` : describeDatabaseUrl(databaseUrl);
  if (target.kind === 'sqlite' && target.path !== ':memory:' && !existsSync(target.path)) {
    return {
      name,
      verdict: 'warn',
      detail: `${where} does not exist yet: the bridge creates it at its first start`,
    };
  }
  io.output.progress(`checking the database ${where}…`);
  try {
    const dataSource = await openDatabase(databaseUrl, { create: false });
    try {
      await dataSource.query('SELECT 1');
      const pending = await pendingMigrations(dataSource);
      return pending.length === 0
        ? { name, verdict: 'pass', detail: `${where}: schema up to date` }
        : {
            name,
            verdict: 'warn',
            detail: `${where}: ${pending.length} migration(s) to apply (the bridge applies them at start, or \`pos-bridge migrate\`)`,
          };
    } finally {
      await dataSource.destroy();
    }
  } catch (error) {
    return {
      name,
      verdict: 'fail',
      detail: error instanceof CliError ? error.message : describeError(error).message,
    };
  }
}

/** A FIAS link needs a moment to come up after start: ask again until the deadline. */
async function checkPos(name: string, health: () => Promise<PosHealth>, timeoutMs: number): Promise<Check> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const last = await health().catch((error: unknown): PosHealth => {
      const described = describeError(error);
      return { ok: false, detail: `${described.code}: ${described.message}` };
    });
    if (last.ok) return { name, verdict: 'pass', detail: last.detail };
    if (Date.now() + RETRY_EVERY_MS >= deadline) return { name, verdict: 'fail', detail: last.detail };
    await new Promise((resolve) => setTimeout(resolve, RETRY_EVERY_MS));
  }
}

async function checkProvider(name: string, check: () => Promise<void>): Promise<Check> {
  try {
    await check();
    return { name, verdict: 'pass', detail: 'API token accepted' };
  } catch (error) {
    const described = describeError(error);
    return { name, verdict: 'fail', detail: `${described.code}: ${described.message}` };
  }
}
