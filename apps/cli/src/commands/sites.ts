import { Store } from '@bridge/core';
import { SiteConfig } from '../../../bridge/src/config/bridge-config';
import { assertSchemaCurrent, openDatabase } from '../database';
import { EXIT } from '../exit-codes';
import { Command, loadBridgeConfig, parseCommandArgs, withContext } from './common';

export const sitesCommand: Command = {
  name: 'sites',
  usage: 'sites [--config <file>] [--json]',
  summary: 'the configured sites with their open bills and what needs a person',
  async run(args, io) {
    const { values } = parseCommandArgs(this, args, { json: { type: 'boolean', default: false } });
    const loaded = loadBridgeConfig(io, values.config);
    await checkedDatabase(loaded.config.database.url);
    const rows = await withContext(
      loaded,
      { database: true, upstreams: false, useCases: false },
      io,
      values.verbose,
      async (context) => {
        const store = context.get(Store);
        return Promise.all(
          loaded.config.sites.map(async (site) => ({
            id: site.id,
            kind: site.kind,
            name: site.name,
            currency: site.currency,
            upstream: upstreamOf(site),
            openBills: (await store.bills.listOpenVersions(site.id)).length,
            needsAttention: (
              await store.settlements.list(
                { siteId: site.id, statuses: ['needs_attention'] },
                { limit: 1000 },
              )
            ).length,
          })),
        );
      },
    );
    if (values.json) io.output.json({ notifications: loaded.config.invoicebox.notifications, sites: rows });
    else
      io.output.table(
        rows.map(({ openBills, needsAttention, ...row }) => ({
          ...row,
          open: String(openBills),
          attention: String(needsAttention),
        })),
        ['id', 'kind', 'name', 'currency', 'upstream', 'open', 'attention'],
      );
    return EXIT.ok;
  },
};

/** Where the site's POS/PMS is, without credentials. */
export function upstreamOf(site: SiteConfig): string {
  if (site.rkeeper) return new URL(site.rkeeper.url).host;
  if (site.fias) return `${site.fias.host}:${site.fias.port}`;
  return '';
}

export async function checkedDatabase(url: string): Promise<void> {
  const dataSource = await openDatabase(url, { create: false });
  try {
    await assertSchemaCurrent(dataSource);
  } finally {
    await dataSource.destroy();
  }
}
