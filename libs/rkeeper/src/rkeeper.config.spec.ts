import { RkeeperConfigError, resolveRkeeperClientConfig } from './rkeeper.config';
import { fingerprintMatches, normalizeFingerprint } from './rkeeper.tls';

const PIN = 'AB:CD:EF:01:23:45:67:89:AB:CD:EF:01:23:45:67:89:AB:CD:EF:01:23:45:67:89:AB:CD:EF:01:23:45:67:89';
const base = {
  url: 'https://10.0.0.5:8086/rk7api/v0/xmlinterface.xml',
  username: 'HTTPUSER',
  password: 'http',
};

describe('r_keeper client config', () => {
  it('fills defaults and normalizes the pin', () => {
    const sut = resolveRkeeperClientConfig({ ...base, tlsFingerprint: PIN.toLowerCase().replace(/:/g, '') });
    expect(sut).toMatchObject({
      pins: [PIN],
      insecure: false,
      requestEncoding: 'utf-8',
      timeoutMs: 10_000,
      writeTimeoutMs: 30_000,
      currency: 'RUB',
      prepayReasonsRefName: 'DEPOSITCOLLECTREASONS',
      paymentUrlPropName: 'PaymentUrl',
    });
    expect(sut.url.port).toBe('8086');
  });

  it('lists every problem at once', () => {
    let error: unknown;
    try {
      resolveRkeeperClientConfig({
        url: 'http://10.0.0.5/x',
        username: '',
        password: '',
        tlsFingerprint: 'AB:CD',
        tlsInsecure: true,
        timeoutMs: 0,
        paymentUrlPropName: '1 url',
        currency: 'XXX',
      });
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(RkeeperConfigError);
    expect((error as RkeeperConfigError).problems).toEqual([
      'url must be https://',
      'username is required',
      'tlsFingerprint: A SHA-256 fingerprint has 64 hex digits, got 4',
      'set tlsFingerprint or tlsInsecure, not both',
      'currency "XXX" is not supported',
      'paymentUrlPropName: latin letters and digits, a letter first',
      'timeoutMs must be a positive integer',
    ]);
  });

  it('compares fingerprints in any notation', () => {
    expect(normalizeFingerprint(`sha256/${PIN.toLowerCase()}`)).toBe(PIN);
    expect(fingerprintMatches(PIN.replace(/:/g, ''), [PIN])).toBe(true);
    expect(fingerprintMatches(PIN.replace('AB', 'AC'), [PIN])).toBe(false);
  });
});
