import { BENCH_MERCHANT } from './notifications';

export const BENCH_SITE = 'cafe-1';
export const BENCH_ADMIN_TOKEN = 'bench-admin-token-0123456789';

export interface RkeeperEndpoint {
  url: string;
  username: string;
  password: string;
  fingerprint: string;
}

/** A one-site bridge configuration; with no r_keeper endpoint the POS is unreachable and never called. */
export function bridgeConfigYaml(options: {
  port: number;
  databaseUrl: string;
  invoiceboxUrl: string;
  rkeeper?: RkeeperEndpoint;
  logLevel?: string;
  pollIntervalSeconds?: number;
}): string {
  const rkeeper = options.rkeeper
    ? `url: "${options.rkeeper.url}"
      username: "${options.rkeeper.username}"
      password: "${options.rkeeper.password}"
      tlsFingerprint: "${options.rkeeper.fingerprint}"`
    : `url: "https://127.0.0.1:9/rk7api/v0/xmlinterface.xml"
      username: "HTTPUSER"
      password: "unused"
      tlsInsecure: true`;
  return `
logLevel: ${options.logLevel ?? 'info'}
server: { port: ${options.port}, host: 127.0.0.1, publicUrl: "http://127.0.0.1:${options.port}", adminToken: ${BENCH_ADMIN_TOKEN} }
database: { url: "${options.databaseUrl}" }
invoicebox: { apiUrl: "${options.invoiceboxUrl}", notifications: webhook, pollIntervalSeconds: 60, timeoutMs: 3000 }
sites:
  - id: ${BENCH_SITE}
    kind: rkeeper
    name: Bench cafe
    merchant: { merchantId: "${BENCH_MERCHANT.merchantId}", apiToken: "${BENCH_MERCHANT.token}", notificationKey: "${BENCH_MERCHANT.notificationKey}" }
    rkeeper:
      ${rkeeper}
      paymentCurrencyId: 1030240
      prepayReasonId: 5
      stationCode: 1
      cashierCode: 5
    pollIntervalSeconds: ${options.pollIntervalSeconds ?? 5}
`;
}
