import { BillStatus, ListBills, Store } from '@bridge/core';
import { CliError, EXIT } from '../exit-codes';
import { Command, loadBridgeConfig, parseCommandArgs, siteOption, withContext } from './common';
import { checkedDatabase } from './sites';

const STATUSES: readonly BillStatus[] = ['open', 'closed', 'gone'];

export const billsCommand: Command = {
  name: 'bills',
  usage: 'bills --site <id> [--status open|closed|gone] [--limit <n>] [--config <file>] [--json]',
  summary: "a site's bills as the bridge stored them",
  async run(args, io) {
    const { values } = parseCommandArgs(this, args, {
      site: { type: 'string' },
      status: { type: 'string' },
      limit: { type: 'string', default: '100' },
      json: { type: 'boolean', default: false },
    });
    if (!values.site) throw new CliError(EXIT.usage, `--site is required\nusage: pos-bridge ${this.usage}`);
    const status = values.status as BillStatus | undefined;
    if (status !== undefined && !STATUSES.includes(status))
      throw new CliError(EXIT.usage, `--status must be one of ${STATUSES.join(', ')}`);
    const limit = Number(values.limit);
    if (!Number.isInteger(limit) || limit < 1 || limit > 500)
      throw new CliError(EXIT.usage, '--limit must be a whole number from 1 to 500');
    const loaded = loadBridgeConfig(io, values.config);
    const [siteId] = siteOption(loaded, values.site);
    await checkedDatabase(loaded.config.database.url);
    const bills = await withContext(
      loaded,
      { database: true, upstreams: false, useCases: false },
      io,
      values.verbose,
      (context) => new ListBills(context.get(Store)).execute({ siteId, status, limit }),
    );
    if (values.json) {
      io.output.json(
        bills.map((bill) => ({
          id: bill.id,
          externalId: bill.externalId,
          label: bill.label,
          status: bill.status,
          currency: bill.currency,
          total: bill.total.minor,
          paid: bill.paid.minor,
          amountDue: bill.amountDue.minor,
          updatedAt: bill.updatedAt.toISOString(),
        })),
      );
    } else {
      io.output.table(
        bills.map((bill) => ({
          id: bill.id,
          label: bill.label,
          status: bill.status,
          total: bill.total.toDecimalString(),
          paid: bill.paid.toDecimalString(),
          due: bill.amountDue.toDecimalString(),
          currency: bill.currency,
          updated: bill.updatedAt.toISOString(),
        })),
        ['id', 'label', 'status', 'total', 'paid', 'due', 'currency', 'updated'],
      );
    }
    return EXIT.ok;
  },
};
