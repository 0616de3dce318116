import { RkeeperPosAdapter } from '@bridge/rkeeper';
import { BridgeConfig } from '../config/bridge-config';
import { parseConfig } from '../config/load-config';
import { RkeeperAdapterFactory, rkeeperClientConfig } from './rkeeper.factory';

function configWith(rkeeperExtra: string): BridgeConfig {
  return parseConfig(
    `
server: { port: 0, publicUrl: "https://pay.example.ru", adminToken: a-long-admin-token-123 }
database: { url: "sqlite::memory:" }
sites:
  - id: cafe-1
    kind: rkeeper
    name: Cafe
    merchant: { merchantId: m-1, apiToken: t, notificationKey: k }
    rkeeper:
      url: https://10.0.0.5:8086/rk7api/v0/xmlinterface.xml
      username: HTTPUSER
      password: s3cret
      tlsFingerprint: "${Array.from({ length: 32 }, () => 'AB').join(':')}"
      paymentCurrencyId: 1030240
      prepayReasonId: 5
      stationCode: 1
      cashierCode: 5
${rkeeperExtra}
`,
    {},
  );
}

describe('RkeeperAdapterFactory', () => {
  it('builds the r_keeper adapter of a site, reads and writes bounded by the same default timeout', () => {
    const config = configWith('');
    const site = config.sites[0];
    const adapter = new RkeeperAdapterFactory().create(site, config);
    expect(adapter).toBeInstanceOf(RkeeperPosAdapter);
    expect(adapter.vendor).toBe('rkeeper');
    if (!site.rkeeper) throw new Error('no rkeeper section');
    expect(rkeeperClientConfig(site, site.rkeeper)).toMatchObject({
      timeoutMs: 10_000,
      writeTimeoutMs: 10_000,
    });
  });

  it('hands the site settings to the client: the one timeout for reads and writes, the link field, the currency', () => {
    const config = configWith(
      ['      timeoutMs: 4000', '      linkOrderField: QrLink', '      requestEncoding: windows-1251'].join(
        '\n',
      ),
    );
    const site = config.sites[0];
    if (!site.rkeeper) throw new Error('no rkeeper section');
    expect(rkeeperClientConfig(site, site.rkeeper)).toMatchObject({
      timeoutMs: 4000,
      writeTimeoutMs: 4000,
      paymentUrlPropName: 'QrLink',
      requestEncoding: 'windows-1251',
      currency: 'RUB',
      stationCode: 1,
      cashierCode: 5,
      prepayReasonId: 5,
    });
  });

  it('names the site and the config key when the link field cannot be an r_keeper property', () => {
    const config = configWith('      linkOrderField: "Payment URL"');
    expect(() => new RkeeperAdapterFactory().create(config.sites[0], config)).toThrow(
      /^Site cafe-1, rkeeper: linkOrderField: latin letters and digits/,
    );
  });
});
