import { BridgeConfig } from '../../bridge/src/config/bridge-config';

export interface TextSink {
  write(text: string): unknown;
  isTTY?: boolean;
}

export interface Streams {
  stdout: TextSink;
  stderr: TextSink;
}

/**
 * Results go to stdout (scripts parse them), progress and logs to stderr. Every line passes through `redact`, so a
 * configured secret that a vendor echoes in an error message never reaches the terminal or a log file.
 */
export class Output {
  private secrets: string[] = [];
  private progressShown = false;

  constructor(private readonly streams: Streams) {}

  hideSecretsOf(config: BridgeConfig): void {
    this.secrets = secretsOf(config).sort((a, b) => b.length - a.length);
  }

  redact(text: string): string {
    return this.secrets.reduce((result, secret) => result.split(secret).join('***'), text);
  }

  line(text = ''): void {
    this.clearProgress();
    this.streams.stdout.write(`${this.redact(text)}\n`);
  }

  json(value: unknown): void {
    this.line(JSON.stringify(value, null, 2));
  }

  error(text: string): void {
    this.clearProgress();
    this.streams.stderr.write(`${this.redact(text)}\n`);
  }

  /** On a terminal one line that keeps being rewritten; elsewhere (a log, a pipe) one line per step. */
  progress(text: string): void {
    if (this.streams.stderr.isTTY) {
      this.streams.stderr.write(`\r\x1b[2K${this.redact(text)}`);
      this.progressShown = true;
    } else {
      this.streams.stderr.write(`${this.redact(text)}\n`);
    }
  }

  table(rows: Array<Record<string, string>>, columns: string[]): void {
    const widths = columns.map((column) =>
      Math.max(column.length, ...rows.map((row) => (row[column] ?? '').length)),
    );
    const format = (cells: string[]) =>
      cells
        .map((cell, index) => cell.padEnd(widths[index]))
        .join('  ')
        .trimEnd();
    this.line(format(columns.map((column) => column.toUpperCase())));
    for (const row of rows) this.line(format(columns.map((column) => row[column] ?? '')));
  }

  private clearProgress(): void {
    if (!this.progressShown) return;
    this.streams.stderr.write('\r\x1b[2K');
    this.progressShown = false;
  }
}

export function secretsOf(config: BridgeConfig): string[] {
  const values = [config.server.adminToken, config.smtp?.password, passwordOf(config.database.url)];
  for (const site of config.sites) {
    values.push(site.merchant.apiToken, site.merchant.notificationKey);
    values.push(site.rkeeper?.password, site.rkeeper?.license?.licenseToken);
    values.push(...(site.alerts ?? []).map((alert) => alert.secret));
  }
  // Very short values would blank out ordinary words; they are no protection anyway.
  return [
    ...new Set(values.filter((value): value is string => typeof value === 'string' && value.length >= 6)),
  ];
}

function passwordOf(databaseUrl: string): string | undefined {
  const match = /^postgres(?:ql)?:\/\/[^:/@]*:([^@/]*)@/i.exec(databaseUrl);
  return match ? decodeURIComponent(match[1]) : undefined;
}

export function describeDatabaseUrl(databaseUrl: string): string {
  return databaseUrl.replace(/^(postgres(?:ql)?:\/\/[^:/@]*):[^@/]*@/i, '$1:***@');
}
