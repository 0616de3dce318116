import { mkdtempSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { ConfigError, parseConfig } from '../config/load-config';
import { FiasAdapterFactory, fiasPostingNumberFile } from './fias.factory';

function config(databaseUrl: string, fiasExtra = '') {
  return parseConfig(
    `
server: { port: 0, publicUrl: "http://127.0.0.1", adminToken: fias-factory-admin-token }
database: { url: "${databaseUrl}" }
sites:
  - id: hotel-1
    kind: fias
    name: Hotel
    merchant: { merchantId: m, apiToken: t, notificationKey: k }
    fias:
      host: 127.0.0.1
      port: 5010
      workstation: BRIDGE1
      salesOutlet: 10
      paymentMethod: IBOX
${fiasExtra}
`,
    {},
  );
}

describe('FiasAdapterFactory', () => {
  it('keeps the P# file beside the SQLite database unless the site names one', () => {
    const folder = mkdtempSync(join(tmpdir(), 'fias-factory-'));
    const sqlite = config(`sqlite:${join(folder, 'bridge.db')}`);
    expect(fiasPostingNumberFile(sqlite.sites[0], sqlite)).toBe(
      join(folder, 'fias-hotel-1.posting-numbers.json'),
    );
    const postgres = config('postgres://u:p@db:5432/bridge');
    expect(fiasPostingNumberFile(postgres.sites[0], postgres)).toBe(
      resolve('data', 'fias-hotel-1.posting-numbers.json'),
    );
    const named = config(
      'postgres://u:p@db:5432/bridge',
      `      postingNumberFile: ${join(folder, 'pn', 'p.json')}`,
    );
    expect(fiasPostingNumberFile(named.sites[0], named)).toBe(join(folder, 'pn', 'p.json'));
  });

  it('builds a stopped fias adapter and creates the folder of its P# file', async () => {
    const folder = mkdtempSync(join(tmpdir(), 'fias-factory-'));
    const loaded = config(
      'postgres://u:p@db:5432/bridge',
      `      postingNumberFile: ${join(folder, 'sub', 'p.json')}`,
    );
    const adapter = new FiasAdapterFactory().create(loaded.sites[0], loaded);
    expect(adapter.vendor).toBe('fias');
    expect(existsSync(join(folder, 'sub'))).toBe(true);
    expect(await adapter.checkHealth()).toMatchObject({ ok: false });
  });

  it('validates the posting mapping: the sign and the codes', () => {
    let problems: string[] = [];
    try {
      config(
        'sqlite:./x.db',
        '      amountSign: credit\n      transactionCode: "90|10"\n      interfaceFamily: pos',
      );
    } catch (error) {
      if (error instanceof ConfigError) problems = error.problems;
    }
    expect(problems.map((p) => p.slice(0, p.indexOf(':'))).sort()).toEqual([
      'sites[0].fias.amountSign',
      'sites[0].fias.interfaceFamily',
      'sites[0].fias.transactionCode',
    ]);
  });
});
