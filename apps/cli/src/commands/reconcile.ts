import { Money, ReconciliationReport, RunDailyReconciliation, assertReportDate } from '@bridge/core';
import { CliError, EXIT } from '../exit-codes';
import { claimLinks } from '../pos-links';
import { Command, loadBridgeConfig, parseCommandArgs, siteOption, withContext } from './common';
import { checkedDatabase } from './sites';

export const reconcileCommand: Command = {
  name: 'reconcile',
  usage: 'reconcile --date YYYY-MM-DD [--site <id>] [--config <file>] [--json]',
  summary: "reconcile Invoicebox, the bridge and the POS/PMS for one day (replaces that day's report)",
  async run(args, io) {
    const { values } = parseCommandArgs(this, args, {
      date: { type: 'string' },
      site: { type: 'string' },
      json: { type: 'boolean', default: false },
    });
    const date = values.date;
    if (!date) throw new CliError(EXIT.usage, `--date is required\nusage: pos-bridge ${this.usage}`);
    try {
      assertReportDate(date);
    } catch (error) {
      throw new CliError(EXIT.usage, error instanceof Error ? error.message : String(error));
    }
    const loaded = loadBridgeConfig(io, values.config);
    const sites = siteOption(loaded, values.site);
    await checkedDatabase(loaded.config.database.url);
    const links = await claimLinks(loaded, sites);
    const reports: ReconciliationReport[] = [];
    const skipped = [...links.refused].map(([siteId, reason]) => ({ siteId, reason }));
    try {
      const parts = { database: true, upstreams: true, useCases: true, ownedLinks: links.owned };
      await withContext(loaded, parts, io, values.verbose, async (context) => {
        const reconcile = context.get(RunDailyReconciliation);
        const runnable = sites.filter((siteId) => !links.refused.has(siteId));
        for (const [index, siteId] of runnable.entries()) {
          io.output.progress(`reconciling ${siteId} for ${date} (${index + 1}/${runnable.length})…`);
          reports.push(...(await reconcile.execute({ siteId, date })));
        }
      });
    } finally {
      await links.release();
    }
    if (values.json) {
      io.output.json({ date, reports, skipped });
    } else {
      for (const report of reports) {
        const kinds = Object.entries(report.byKind).map(([kind, count]) => `${kind} ${count}`);
        io.output.line(
          `${report.siteId} ${report.date}: ${report.status}` +
            (report.mismatches.length > 0 ? ` (${report.mismatches.length}: ${kinds.join(', ')})` : ''),
        );
        for (const mismatch of report.mismatches) {
          const bill = mismatch.billLabel ?? mismatch.billExternalId ?? mismatch.providerOrderId ?? '';
          io.output.line(
            `  ${mismatch.kind}  ${bill}  ${Money.of(mismatch.amount.amount, mismatch.amount.currency).toString()}  ${mismatch.action}: ${mismatch.detail}`,
          );
        }
        if (report.files) io.output.line(`  files: ${report.files.json}, ${report.files.csv}`);
      }
      for (const { siteId, reason } of skipped)
        io.output.line(`${siteId} ${date}: not reconciled here: ${reason}`);
    }
    const clean = skipped.length === 0 && reports.every((report) => report.status === 'clean');
    return clean ? EXIT.ok : EXIT.failed;
  },
};
