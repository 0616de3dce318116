import { createHmac, timingSafeEqual } from 'node:crypto';

/** `t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<body>">`, as Stripe signs its webhooks (docs/alerts.md). */
export const ALERT_SIGNATURE_HEADER = 'x-bridge-signature';
export const DEFAULT_TOLERANCE_SECONDS = 300;

export function signAlert(secret: string, body: string, timestampSeconds: number): string {
  const mac = createHmac('sha256', secret).update(`${timestampSeconds}.${body}`).digest('hex');
  return `t=${timestampSeconds},v1=${mac}`;
}

/** What a receiver does: recompute, compare in constant time, refuse stale timestamps (replays). */
export function verifyAlertSignature(
  secret: string,
  body: string,
  header: string,
  nowSeconds: number,
  toleranceSeconds = DEFAULT_TOLERANCE_SECONDS,
): boolean {
  const parts = new Map(
    header.split(',').map((part) => [part.slice(0, part.indexOf('=')), part.slice(part.indexOf('=') + 1)]),
  );
  const timestamp = Number(parts.get('t'));
  const given = parts.get('v1') ?? '';
  if (!Number.isInteger(timestamp) || Math.abs(nowSeconds - timestamp) > toleranceSeconds) return false;
  const expected = signAlert(secret, body, timestamp).slice(`t=${timestamp},v1=`.length);
  return given.length === expected.length && timingSafeEqual(Buffer.from(given), Buffer.from(expected));
}
