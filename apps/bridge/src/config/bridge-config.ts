import { Type } from 'class-transformer';
import {
  ArrayMinSize,
  ArrayUnique,
  IsArray,
  IsBoolean,
  IsDefined,
  IsIn,
  IsInt,
  IsNotEmpty,
  IsOptional,
  IsString,
  IsTimeZone,
  IsUrl,
  Matches,
  Max,
  Min,
  MinLength,
  ValidateIf,
  ValidateNested,
  ValidationOptions,
  registerDecorator,
} from 'class-validator';
import { isIP } from 'node:net';

const HTTP_URL = { require_tld: false, require_protocol: true, protocols: ['http', 'https'] };

const PROXY_KEYWORDS = ['loopback', 'linklocal', 'uniquelocal'];

/** An address, a CIDR range, or one of Express's names for a range. */
export function isTrustedProxyEntry(value: unknown): boolean {
  if (typeof value !== 'string') return false;
  if (PROXY_KEYWORDS.includes(value)) return true;
  const [address, prefix, ...rest] = value.split('/');
  const family = isIP(address);
  if (family === 0 || rest.length > 0) return false;
  if (prefix === undefined) return true;
  const bits = Number(prefix);
  return /^\d{1,3}$/.test(prefix) && bits <= (family === 4 ? 32 : 128);
}

function IsTrustedProxy(options?: ValidationOptions) {
  return (target: object, propertyName: string) =>
    registerDecorator({
      name: 'isTrustedProxy',
      target: target.constructor,
      propertyName,
      options: {
        message: 'must list IP addresses, CIDR ranges (10.0.0.0/8) or loopback, linklocal, uniquelocal',
        ...options,
      },
      validator: { validate: isTrustedProxyEntry },
    });
}

export class ServerConfig {
  @IsInt()
  @Min(0)
  @Max(65535)
  port: number = 3000;

  @IsOptional()
  @IsString()
  host?: string;

  @IsDefined({ message: 'is required' })
  @IsUrl(HTTP_URL, { message: 'must be an http(s) URL such as https://pay.example.ru' })
  publicUrl!: string;

  @IsDefined({ message: 'is required' })
  @IsString()
  @MinLength(16, { message: 'must be at least 16 characters: it guards the operator API' })
  adminToken!: string;

  /**
   * Reverse proxies whose X-Forwarded-For is believed (the guest's address keys the rate limits). A proxy on
   * another host or in another container must be listed, or every guest looks like the proxy.
   */
  @IsArray()
  @IsTrustedProxy({ each: true })
  trustProxy: string[] = ['loopback'];
}

export class DatabaseConfig {
  @Matches(/^(sqlite:.+|postgres(ql)?:\/\/.+)$/, {
    message: 'must be sqlite:<path> or postgres://user:pass@host:5432/db',
  })
  @IsDefined({ message: 'is required' })
  url!: string;
}

export class InvoiceboxConfig {
  @IsUrl(HTTP_URL, { message: 'must be an http(s) URL such as https://api.invoicebox.ru' })
  apiUrl: string = 'https://api.invoicebox.ru';

  @IsIn(['webhook', 'websocket', 'poll'])
  notifications: 'webhook' | 'websocket' | 'poll' = 'webhook';

  @IsOptional()
  @IsUrl(
    { require_tld: false, require_protocol: true, protocols: ['ws', 'wss'] },
    { message: 'must be a ws(s) URL' },
  )
  wsUrl?: string;

  /** Prefix the API paths with /l3 (merchants registered in Invoicebox.Business). */
  @IsOptional()
  @IsBoolean()
  legacyL3Prefix?: boolean;

  @IsOptional()
  @IsInt()
  @Min(1)
  pollIntervalSeconds?: number;

  /** Provider reads the poller may spend per site per cycle (Invoicebox allows 100 requests / 30 s). */
  @IsOptional()
  @IsInt()
  @Min(1)
  pollBudget?: number;

  @IsOptional()
  @IsInt()
  @Min(1000)
  timeoutMs?: number;
}

export class MerchantConfig {
  @IsDefined({ message: 'is required' })
  @IsString()
  @IsNotEmpty()
  merchantId!: string;

  @IsDefined({ message: 'is required' })
  @IsString()
  @IsNotEmpty()
  apiToken!: string;

  @IsDefined({ message: 'is required' })
  @IsString()
  @IsNotEmpty()
  notificationKey!: string;
}

export class FiscalConfig {
  @IsString()
  @IsNotEmpty()
  vatCode: string = 'RUS_VAT20';

  @ValidateIf((o: FiscalConfig) => typeof o.itemType === 'string')
  @IsIn(['service', 'commodity'], { message: 'must be service, commodity or an FFD tag 1212 number' })
  itemType: string | number = 'service';

  @IsIn(['full_prepayment', 'prepayment', 'advance', 'full_payment'])
  paymentType: string = 'full_payment';

  @IsString()
  @IsNotEmpty()
  measure: string = 'шт';

  @Matches(/^\d{1,4}$/, { message: 'must be an OKEI code such as 796' })
  measureCode: string = '796';
}

export class RkeeperLicenseConfig {
  @IsDefined({ message: 'is required' })
  @IsString()
  @IsNotEmpty()
  anchor!: string;

  @IsDefined({ message: 'is required' })
  @IsString()
  @IsNotEmpty()
  licenseToken!: string;

  @IsDefined({ message: 'is required' })
  @IsString()
  @IsNotEmpty()
  instanceGuid!: string;
}

export class RkeeperConfig {
  @IsDefined({ message: 'is required' })
  @IsUrl(HTTP_URL, {
    message: 'must be the XML interface URL, e.g. https://10.0.0.5:8086/rk7api/v0/xmlinterface.xml',
  })
  url!: string;

  @IsDefined({ message: 'is required' })
  @IsString()
  @IsNotEmpty()
  username!: string;

  @IsDefined({ message: 'is required' })
  @IsString()
  @IsNotEmpty()
  password!: string;

  @ValidateIf((o: RkeeperConfig) => !o.tlsInsecure)
  @Matches(/^([0-9A-Fa-f]{2}:){31}[0-9A-Fa-f]{2}$/, {
    message:
      'must be the SHA-256 fingerprint of the server certificate (AB:CD:...), or set tlsInsecure: true',
  })
  tlsFingerprint?: string;

  @IsOptional()
  @IsBoolean()
  tlsInsecure?: boolean;

  @IsDefined({ message: 'is required' })
  @IsInt()
  @Min(1)
  paymentCurrencyId!: number;

  @IsDefined({ message: 'is required' })
  @IsInt()
  @Min(1)
  prepayReasonId!: number;

  @IsDefined({ message: 'is required' })
  @IsInt()
  @Min(0)
  stationCode!: number;

  @IsDefined({ message: 'is required' })
  @IsInt()
  @Min(0)
  cashierCode!: number;

  @IsOptional()
  @IsIn(['utf-8', 'windows-1251'])
  requestEncoding?: 'utf-8' | 'windows-1251';

  @IsOptional()
  @IsInt()
  @Min(500)
  timeoutMs?: number;

  /** The order field the print layout shows the payment link from (see docs/operations.md). */
  @IsOptional()
  @IsString()
  linkOrderField?: string;

  @IsOptional()
  @ValidateNested()
  @Type(() => RkeeperLicenseConfig)
  license?: RkeeperLicenseConfig;

  @IsOptional()
  @IsBoolean()
  issueLinkOnPrecheck?: boolean;
}

export class FiasConfig {
  @IsDefined({ message: 'is required' })
  @IsString()
  @IsNotEmpty()
  host!: string;

  @IsDefined({ message: 'is required' })
  @IsInt()
  @Min(1)
  @Max(65535)
  port!: number;

  @IsDefined({ message: 'is required' })
  @IsString()
  @Matches(/^[^|]{1,16}$/, { message: 'must be 1-16 characters without |' })
  workstation!: string;

  @IsDefined({ message: 'is required' })
  @IsInt()
  @Min(0)
  salesOutlet!: number;

  @IsDefined({ message: 'is required' })
  @IsString()
  @IsNotEmpty()
  paymentMethod!: string;

  @IsOptional()
  @IsString()
  encoding?: string;

  @IsOptional()
  @IsBoolean()
  lrc?: boolean;

  @IsOptional()
  @IsInt()
  @Min(1000)
  answerTimeoutMs?: number;

  @IsOptional()
  @IsInt()
  @Min(1000)
  postingTimeoutMs?: number;

  /** How the payment is signed in the PR posting: docs/decisions/fias-payment-posting.md. */
  @IsIn(['positive', 'negative'], {
    message: 'must be positive (PM/SO mapped to a payment code) or negative',
  })
  amountSign: 'positive' | 'negative' = 'positive';

  /** The folio department code (XI `DC`) the hotel maps paymentMethod to; narrows the read-back. */
  @IsOptional()
  @Matches(/^[^|]{1,16}$/, { message: 'must be 1-16 characters without |' })
  transactionCode?: string;

  @IsOptional()
  @Matches(/^[^|]{1,16}$/, { message: 'must be 1-16 characters without |' })
  userId?: string;

  @IsOptional()
  @Matches(/^[A-Z]{2}$/, { message: 'must be a two-letter FIAS interface family such as PO or MS' })
  interfaceFamily?: string;

  @IsOptional()
  @IsBoolean()
  ack?: boolean;

  /** Where the never-reused P# high-water mark lives; default: beside the SQLite file, else ./data. */
  @IsOptional()
  @IsString()
  @IsNotEmpty()
  postingNumberFile?: string;

  @IsOptional()
  @IsInt()
  @Min(1)
  nightAuditRetrySeconds?: number;

  @IsOptional()
  @IsInt()
  @Min(10)
  readBackWindowSeconds?: number;
}

export class PrinterConfig {
  @IsDefined({ message: 'is required' })
  @IsString()
  @IsNotEmpty()
  host!: string;

  @IsInt()
  @Min(1)
  @Max(65535)
  port: number = 9100;

  @IsOptional()
  @IsString()
  codePage?: string;
}

/** What a staff alert endpoint is told about: see docs/alerts.md. */
export const ALERT_EVENTS = ['paid', 'needs_attention', 'reconciliation'] as const;
export type AlertEventKind = (typeof ALERT_EVENTS)[number];

export class AlertEndpointConfig {
  @IsDefined({ message: 'is required' })
  @IsUrl(HTTP_URL, { message: 'must be an http(s) URL that receives the signed alerts' })
  url!: string;

  @IsDefined({ message: 'is required' })
  @IsString()
  @MinLength(16, { message: 'must be at least 16 characters: it signs the alerts' })
  secret!: string;

  @IsDefined({ message: 'is required' })
  @IsArray()
  @ArrayMinSize(1, { message: 'must list at least one of paid, needs_attention, reconciliation' })
  @IsIn(ALERT_EVENTS, { each: true, message: 'must be paid, needs_attention or reconciliation' })
  events!: AlertEventKind[];
}

export class SiteConfig {
  @IsDefined({ message: 'is required' })
  @Matches(/^[a-z0-9][a-z0-9-]{0,39}$/, { message: 'must be lowercase letters, digits and dashes (max 40)' })
  id!: string;

  @IsDefined({ message: 'is required' })
  @IsIn(['rkeeper', 'fias'], { message: 'must be one of rkeeper, fias' })
  kind!: 'rkeeper' | 'fias';

  @IsDefined({ message: 'is required' })
  @IsString()
  @IsNotEmpty()
  name!: string;

  @Matches(/^[A-Z]{3}$/, { message: 'must be an ISO 4217 code such as RUB' })
  currency: string = 'RUB';

  @IsIn(['ru', 'en'])
  language: 'ru' | 'en' = 'ru';

  @IsDefined({ message: 'is required' })
  @ValidateNested()
  @Type(() => MerchantConfig)
  merchant!: MerchantConfig;

  @ValidateIf((o: SiteConfig) => o.kind === 'rkeeper')
  @IsDefined({ message: 'is required for a site of kind rkeeper' })
  @ValidateNested()
  @Type(() => RkeeperConfig)
  rkeeper?: RkeeperConfig;

  @ValidateIf((o: SiteConfig) => o.kind === 'fias')
  @IsDefined({ message: 'is required for a site of kind fias' })
  @ValidateNested()
  @Type(() => FiasConfig)
  fias?: FiasConfig;

  @ValidateNested()
  @Type(() => FiscalConfig)
  fiscal: FiscalConfig = new FiscalConfig();

  @IsOptional()
  @ValidateNested()
  @Type(() => PrinterConfig)
  printer?: PrinterConfig;

  @IsInt()
  @Min(1)
  pollIntervalSeconds: number = 5;

  @IsInt()
  @Min(5)
  @Max(7 * 24 * 60)
  linkLifetimeMinutes: number = 180;

  @IsBoolean()
  autoRefundExcess: boolean = false;

  @IsOptional()
  @IsArray()
  @ValidateNested({ each: true })
  @Type(() => AlertEndpointConfig)
  alerts?: AlertEndpointConfig[];
}

/** The mail server that sends payment links to guests (POST /api/v1/bills/:id/payment-link/email). */
export class SmtpConfig {
  @IsDefined({ message: 'is required' })
  @IsString()
  @IsNotEmpty()
  host!: string;

  @IsInt()
  @Min(1)
  @Max(65535)
  port: number = 587;

  /** true: TLS from the first byte (port 465); false: STARTTLS when the server offers it. */
  @IsBoolean()
  secure: boolean = false;

  @IsOptional()
  @IsString()
  @IsNotEmpty()
  user?: string;

  @ValidateIf((o: SmtpConfig) => o.user !== undefined)
  @IsDefined({ message: 'is required when user is set' })
  @IsString()
  password?: string;

  @IsDefined({ message: 'is required' })
  @Matches(/^([^<>]*<[^\s@<>]+@[^\s@<>]+>|[^\s@<>]+@[^\s@<>]+)$/, {
    message: 'must be an address such as pay@hotel.ru or "Hotel <pay@hotel.ru>"',
  })
  from!: string;

  @IsOptional()
  @IsInt()
  @Min(1000)
  timeoutMs?: number;
}

export class SettlementConfig {
  @IsInt()
  @Min(1)
  maxAttempts: number = 20;

  @IsInt()
  @Min(10)
  baseDelayMs: number = 1_000;

  @IsInt()
  @Min(100)
  maxDelayMs: number = 5 * 60_000;

  @IsInt()
  @Min(1_000)
  leaseMs: number = 180_000;
}

/** The daily three-way reconciliation (docs/reliability.md). */
export class ReconciliationConfig {
  @IsBoolean()
  enabled: boolean = true;

  /** Local hour (0-23) after which the previous day is reconciled. */
  @IsInt()
  @Min(0)
  @Max(23)
  hour: number = 4;

  /** The sites' calendar: a report covers one day of it. */
  @IsTimeZone({ message: 'must be an IANA time zone such as Europe/Moscow' })
  timeZone: string = 'Europe/Moscow';

  /** Where the JSON and CSV files go; default: `reports` beside the SQLite file, else ./data/reports. */
  @IsOptional()
  @IsString()
  @IsNotEmpty()
  reportsDir?: string;
}

export class BridgeConfig {
  @IsDefined({ message: 'is required' })
  @ValidateNested()
  @Type(() => ServerConfig)
  server!: ServerConfig;

  @IsDefined({ message: 'is required' })
  @ValidateNested()
  @Type(() => DatabaseConfig)
  database!: DatabaseConfig;

  @ValidateNested()
  @Type(() => InvoiceboxConfig)
  invoicebox: InvoiceboxConfig = new InvoiceboxConfig();

  @IsDefined({ message: 'is required' })
  @IsArray()
  @ArrayMinSize(1, { message: 'must list at least one site' })
  @ArrayUnique((s: SiteConfig) => s.id, { message: 'site ids must be unique' })
  @ValidateNested({ each: true })
  @Type(() => SiteConfig)
  sites!: SiteConfig[];

  @ValidateNested()
  @Type(() => SettlementConfig)
  settlement: SettlementConfig = new SettlementConfig();

  @ValidateNested()
  @Type(() => ReconciliationConfig)
  reconciliation: ReconciliationConfig = new ReconciliationConfig();

  @IsOptional()
  @IsIn(['silent', 'fatal', 'error', 'warn', 'info', 'debug', 'trace'])
  logLevel?: string;

  @IsOptional()
  @ValidateNested()
  @Type(() => SmtpConfig)
  smtp?: SmtpConfig;
}
