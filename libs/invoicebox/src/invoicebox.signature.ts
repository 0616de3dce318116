import { createHmac, timingSafeEqual } from 'node:crypto';

export const SIGNATURE_HEADER = 'x-signature';

export type RawBody = Buffer | Uint8Array | string;

export type HeaderBag = Readonly<Record<string, string | readonly string[] | undefined>>;

export function signBody(body: RawBody, key: string): string {
  return createHmac('sha1', key)
    .update(typeof body === 'string' ? Buffer.from(body, 'utf8') : body)
    .digest('hex');
}

export function findSignatureHeader(headers: HeaderBag): string | undefined {
  const values = Object.entries(headers)
    .filter(([name]) => name.toLowerCase() === SIGNATURE_HEADER)
    .flatMap(([, value]) => (value === undefined ? [] : typeof value === 'string' ? [value] : [...value]));
  return values.length === 1 ? values[0] : undefined;
}

// Only raw bytes verify: PHP escapes `/` and may escape Cyrillic, so re-encoded JSON hashes differently (§8.3).
export function verifySignature(rawBody: RawBody, signature: string | undefined, key: string): boolean {
  if (signature === undefined || key === '') return false;
  const expected = Buffer.from(signBody(rawBody, key), 'utf8');
  const received = Buffer.from(signature.trim().toLowerCase(), 'utf8');
  if (received.length !== expected.length) return false;
  return timingSafeEqual(received, expected);
}

export function verifyNotificationSignature(rawBody: RawBody, headers: HeaderBag, key: string): boolean {
  return verifySignature(rawBody, findSignatureHeader(headers), key);
}
