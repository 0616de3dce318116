import { isSupportedCurrency } from '@bridge/core';
import { RKEEPER_ASSUMPTIONS } from './rkeeper.assumptions';
import {
  RkeeperErrorPatterns,
  RkeeperErrorPatternsInput,
  compileRkeeperErrorPatterns,
} from './rkeeper.errors';
import { RkeeperLicenseConfig } from './rkeeper.license';
import { normalizeFingerprint } from './rkeeper.tls';
import { RkeeperRequestEncoding } from './xml/encoding';

export interface RkeeperClientConfig {
  url: string;
  username: string;
  password: string;
  /** SHA-256 of the server certificate ("AB:CD:…"); several allowed while a certificate is being replaced. */
  tlsFingerprint?: string | readonly string[];
  tlsInsecure?: boolean;
  requestEncoding?: RkeeperRequestEncoding;
  timeoutMs?: number;
  writeTimeoutMs?: number;
  currency?: string;
  stationCode?: number;
  cashierCode?: number;
  managerCode?: number;
  prepayReasonId?: number;
  prepayReasonsRefName?: string;
  paymentUrlPropName?: string;
  errorPatterns?: RkeeperErrorPatternsInput;
  license?: RkeeperLicenseConfig;
  maxSockets?: number;
  idleSocketTimeoutMs?: number;
  maxResponseBytes?: number;
}

export interface ResolvedRkeeperClientConfig {
  url: URL;
  username: string;
  password: string;
  pins: string[];
  insecure: boolean;
  requestEncoding: RkeeperRequestEncoding;
  timeoutMs: number;
  writeTimeoutMs: number;
  currency: string;
  stationCode?: number;
  cashierCode?: number;
  managerCode?: number;
  prepayReasonId?: number;
  prepayReasonsRefName: string;
  paymentUrlPropName: string;
  errorPatterns: RkeeperErrorPatterns;
  license?: RkeeperLicenseConfig;
  maxSockets: number;
  idleSocketTimeoutMs: number;
  maxResponseBytes: number;
}

export class RkeeperConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid r_keeper config: ${problems.join('; ')}`);
    this.name = 'RkeeperConfigError';
  }
}

export const RKEEPER_CLIENT_DEFAULTS = {
  requestEncoding: 'utf-8',
  timeoutMs: 10_000,
  writeTimeoutMs: 30_000,
  currency: 'RUB',
  maxSockets: 8,
  idleSocketTimeoutMs: 4_000,
  maxResponseBytes: 64 * 1024 * 1024,
} as const;

function positiveInt(value: number | undefined, name: string, problems: string[]): void {
  if (value !== undefined && (!Number.isSafeInteger(value) || value <= 0))
    problems.push(`${name} must be a positive integer`);
}

export function resolveRkeeperClientConfig(config: RkeeperClientConfig): ResolvedRkeeperClientConfig {
  const problems: string[] = [];
  let url: URL | undefined;
  try {
    url = new URL(config.url);
    if (url.protocol !== 'https:') problems.push('url must be https://');
  } catch {
    problems.push(`url "${config.url}" is not a URL`);
  }
  if (!config.username) problems.push('username is required');
  const pinList = config.tlsFingerprint === undefined ? [] : ([] as string[]).concat(config.tlsFingerprint);
  const pins: string[] = [];
  for (const pin of pinList) {
    try {
      pins.push(normalizeFingerprint(pin));
    } catch (error) {
      problems.push(`tlsFingerprint: ${(error as Error).message}`);
    }
  }
  if (pinList.length > 0 && config.tlsInsecure) problems.push('set tlsFingerprint or tlsInsecure, not both');
  const encoding = config.requestEncoding ?? RKEEPER_CLIENT_DEFAULTS.requestEncoding;
  if (encoding !== 'utf-8' && encoding !== 'windows-1251')
    problems.push('requestEncoding is utf-8 or windows-1251');
  const currency = config.currency ?? RKEEPER_CLIENT_DEFAULTS.currency;
  if (!isSupportedCurrency(currency)) problems.push(`currency "${currency}" is not supported`);
  const propName = config.paymentUrlPropName ?? RKEEPER_ASSUMPTIONS.defaultPaymentUrlPropName;
  // r_keeper's rule for the "system name" of an extended property.
  if (!/^[A-Za-z][A-Za-z0-9]*$/.test(propName))
    problems.push('paymentUrlPropName: latin letters and digits, a letter first');
  positiveInt(config.timeoutMs, 'timeoutMs', problems);
  positiveInt(config.writeTimeoutMs, 'writeTimeoutMs', problems);
  positiveInt(config.maxSockets, 'maxSockets', problems);
  positiveInt(config.idleSocketTimeoutMs, 'idleSocketTimeoutMs', problems);
  positiveInt(config.maxResponseBytes, 'maxResponseBytes', problems);
  let errorPatterns: RkeeperErrorPatterns | undefined;
  try {
    errorPatterns = compileRkeeperErrorPatterns(config.errorPatterns);
  } catch (error) {
    problems.push(`errorPatterns: ${(error as Error).message}`);
  }
  if (
    config.license &&
    (!config.license.anchor || !config.license.licenseToken || !config.license.instanceGuid)
  ) {
    problems.push('license needs anchor, licenseToken and instanceGuid');
  }
  if (problems.length > 0 || !url || !errorPatterns) throw new RkeeperConfigError(problems);
  return {
    url,
    username: config.username,
    password: config.password,
    pins,
    insecure: config.tlsInsecure === true,
    requestEncoding: encoding,
    timeoutMs: config.timeoutMs ?? RKEEPER_CLIENT_DEFAULTS.timeoutMs,
    writeTimeoutMs: config.writeTimeoutMs ?? RKEEPER_CLIENT_DEFAULTS.writeTimeoutMs,
    currency,
    stationCode: config.stationCode,
    cashierCode: config.cashierCode,
    managerCode: config.managerCode,
    prepayReasonId: config.prepayReasonId,
    prepayReasonsRefName: config.prepayReasonsRefName ?? RKEEPER_ASSUMPTIONS.prepayReasonsRefName,
    paymentUrlPropName: propName,
    errorPatterns,
    license: config.license,
    maxSockets: config.maxSockets ?? RKEEPER_CLIENT_DEFAULTS.maxSockets,
    idleSocketTimeoutMs: config.idleSocketTimeoutMs ?? RKEEPER_CLIENT_DEFAULTS.idleSocketTimeoutMs,
    maxResponseBytes: config.maxResponseBytes ?? RKEEPER_CLIENT_DEFAULTS.maxResponseBytes,
  };
}
