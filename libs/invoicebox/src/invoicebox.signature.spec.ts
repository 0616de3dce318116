import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  findSignatureHeader,
  signBody,
  verifyNotificationSignature,
  verifySignature,
} from './invoicebox.signature';

/** §8.3: the SDK's payment-notification example, byte for byte, with its published signature. */
const rawBody = readFileSync(join(__dirname, '__fixtures__', 'sdk-payment-notification.body'));
const KEY = 'test';
const SIGNATURE = '4731e2fb446ba519fd9d8798a1a0873f073189e8';
const DEMO_API_KEY = '098f6bcd4621d373cade4e832627b4f6';

describe('Invoicebox notification signature', () => {
  it('has the exact 1028-byte body of the published vector', () => {
    expect(rawBody.length).toBe(1028);
    expect(rawBody.includes(Buffer.from('https:\\/\\/pay.invoicebox.ru'))).toBe(true);
  });

  it('signs the vector body to the published signature', () => {
    expect(signBody(rawBody, KEY)).toBe(SIGNATURE);
    expect(signBody(rawBody.toString('utf8'), KEY)).toBe(SIGNATURE);
  });

  it('accepts the vector, whatever the case of the header name', () => {
    expect(verifyNotificationSignature(rawBody, { 'x-signature': SIGNATURE }, KEY)).toBe(true);
    expect(verifyNotificationSignature(rawBody, { 'X-Signature': SIGNATURE }, KEY)).toBe(true);
    expect(verifyNotificationSignature(rawBody, { 'X-SIGNATURE': [SIGNATURE] }, KEY)).toBe(true);
  });

  it('rejects the re-serialised 1024-byte body: only the raw bytes verify', () => {
    const reserialised = Buffer.from(JSON.stringify(JSON.parse(rawBody.toString('utf8'))), 'utf8');

    expect(reserialised.length).toBe(1024);
    expect(signBody(reserialised, KEY)).toBe('bdd1f145865690bcb7f94aea3007cbe5b8f9edfc');
    expect(verifySignature(reserialised, SIGNATURE, KEY)).toBe(false);
  });

  it('rejects the vector under the demo API key', () => {
    expect(signBody(rawBody, DEMO_API_KEY)).toBe('a3767ef5450d041c97a23eb1e0e6b283767e5dae');
    expect(verifySignature(rawBody, SIGNATURE, DEMO_API_KEY)).toBe(false);
  });

  it('rejects a missing, repeated, truncated or tampered signature and an empty key', () => {
    expect(verifyNotificationSignature(rawBody, {}, KEY)).toBe(false);
    expect(verifyNotificationSignature(rawBody, { 'x-signature': [SIGNATURE, SIGNATURE] }, KEY)).toBe(false);
    expect(verifySignature(rawBody, SIGNATURE.slice(0, 39), KEY)).toBe(false);
    expect(verifySignature(rawBody, `${SIGNATURE.slice(0, 39)}0`, KEY)).toBe(false);
    expect(verifySignature(rawBody, SIGNATURE, '')).toBe(false);
    const tampered = Buffer.from(rawBody);
    tampered[tampered.indexOf('2790.67')] = '3'.charCodeAt(0);
    expect(verifySignature(tampered, SIGNATURE, KEY)).toBe(false);
  });

  it('finds the header among others and ignores undefined values', () => {
    expect(
      findSignatureHeader({ 'content-type': 'application/json', 'X-Signature': 'abc', other: undefined }),
    ).toBe('abc');
  });
});
