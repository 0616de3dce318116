import { mkdir, rename, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { ReconciliationReport, ReconciliationReportFiles } from '@bridge/core';
import { BridgeConfig } from '../config/bridge-config';

/** `reconciliation.reportsDir`, else `reports` beside the SQLite file, else ./data/reports. */
export function reportsDirOf(config: BridgeConfig): string {
  if (config.reconciliation.reportsDir) return resolve(config.reconciliation.reportsDir);
  const sqlite = /^sqlite:(.+)$/.exec(config.database.url);
  const base = sqlite && sqlite[1] !== ':memory:' ? dirname(resolve(sqlite[1])) : resolve('data');
  return join(base, 'reports');
}

/** `<dir>/<date>/<siteId>.json` and `.csv`, each written whole (temp file, then rename). */
export class FsReconciliationReportFiles extends ReconciliationReportFiles {
  constructor(private readonly dir: string) {
    super();
  }

  async write(
    report: ReconciliationReport,
    content: { json: string; csv: string },
  ): Promise<{ json: string; csv: string }> {
    const folder = join(this.dir, report.date);
    await mkdir(folder, { recursive: true });
    const json = join(folder, `${report.siteId}.json`);
    const csv = join(folder, `${report.siteId}.csv`);
    await writeWhole(json, content.json);
    await writeWhole(csv, content.csv);
    return { json, csv };
  }
}

async function writeWhole(path: string, text: string): Promise<void> {
  const temporary = `${path}.${process.pid}.tmp`;
  await writeFile(temporary, text, 'utf8');
  await rename(temporary, path);
}
