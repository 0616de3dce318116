import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { NotificationHeaders, ReceiveProviderNotification } from '@bridge/core';
import { CliError, EXIT } from '../exit-codes';
import { Command, loadBridgeConfig, parseCommandArgs, siteOption, withContext } from './common';
import { checkedDatabase } from './sites';

export const replayNotificationCommand: Command = {
  name: 'replay-notification',
  usage:
    'replay-notification <file> --signature <X-Signature> [--site <id>] [--header "Name: value"]... [--config <file>] [--json]',
  summary: 'feed a saved raw notification through the webhook verification and use case (channel replay)',
  async run(args, io) {
    const { values, positionals } = parseCommandArgs(this, args, {
      site: { type: 'string' },
      signature: { type: 'string' },
      header: { type: 'string', multiple: true },
      json: { type: 'boolean', default: false },
    });
    if (positionals.length !== 1)
      throw new CliError(EXIT.usage, `one file is required\nusage: pos-bridge ${this.usage}`);
    const headers = headersOf(values.header ?? [], values.signature);
    const path = resolve(io.cwd, positionals[0]);
    let rawBody: Buffer;
    try {
      rawBody = readFileSync(path);
    } catch (error) {
      throw new CliError(
        EXIT.usage,
        `Cannot read ${path}: ${error instanceof Error ? error.message : String(error)}`,
      );
    }
    const loaded = loadBridgeConfig(io, values.config);
    const sites = siteOption(loaded, values.site);
    if (sites.length !== 1)
      throw new CliError(EXIT.usage, `--site is required: the configuration has ${sites.length} sites`);
    const [siteId] = sites;
    await checkedDatabase(loaded.config.database.url);
    io.output.progress(`replaying ${path} for ${siteId}…`);
    const received = await withContext(
      loaded,
      { database: true, upstreams: true, useCases: true },
      io,
      values.verbose,
      (context) =>
        context.get(ReceiveProviderNotification).execute({ siteId, rawBody, headers, channel: 'replay' }),
    );
    if (!received) throw new CliError(EXIT.usage, `No site ${siteId}`);
    const { outcome } = received;
    if (values.json) io.output.json({ siteId, outcome });
    else if (outcome.kind === 'accepted')
      io.output.line(
        `accepted: recorded; the running bridge applies a payment to the POS/PMS within seconds (or at its next start)`,
      );
    else if (outcome.kind === 'duplicate')
      io.output.line('duplicate: the bridge already had this notification; nothing changed');
    else if (outcome.kind === 'test') io.output.line("test: Invoicebox's test notification; nothing changed");
    else if (outcome.kind === 'rejected') io.output.line(`rejected (${outcome.reason}): ${outcome.message}`);
    else io.output.line(`failed: ${outcome.message} (run again with --verbose for the log)`);
    return outcome.kind === 'rejected' || outcome.kind === 'failed' ? EXIT.failed : EXIT.ok;
  },
};

function headersOf(lines: string[], signature: string | undefined): NotificationHeaders {
  const headers: Record<string, string> = {};
  for (const line of lines) {
    const colon = line.indexOf(':');
    if (colon <= 0) throw new CliError(EXIT.usage, `--header must look like "Name: value", got "${line}"`);
    headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
  }
  if (signature !== undefined) headers['x-signature'] = signature.trim();
  if (Object.keys(headers).length === 0) {
    throw new CliError(
      EXIT.usage,
      'The notification is verified like the webhook: give the X-Signature Invoicebox sent with --signature',
    );
  }
  return headers;
}
