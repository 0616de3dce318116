import { QRCode, create, toBuffer, toString as qrToString } from 'qrcode';
import { InvalidQrPayloadError, InvalidReceiptOptionsError } from './receipts.errors';

export type QrErrorCorrection = 'L' | 'M' | 'Q' | 'H';

export interface QrRenderOptions {
  /** Default M: survives a crease or a coffee stain on a slip without making the symbol dense. */
  errorCorrection?: QrErrorCorrection;
  margin?: number;
  /** PNG rounds down to whole pixels per module, so modules stay crisp. */
  size?: number;
  /** Longest payload accepted, in UTF-8 bytes; long URLs give dense symbols that cheap phone cameras miss. */
  maxBytes?: number;
}

export interface QrSymbol {
  version: number;
  size: number;
  isDark(row: number, column: number): boolean;
}

const DEFAULT_MAX_BYTES = 1024;
const DEFAULT_PNG_SCALE = 8;
/** Byte-mode capacity of a version 40 symbol (ISO/IEC 18004 table 7). */
const BYTE_CAPACITY: Readonly<Record<QrErrorCorrection, number>> = { L: 2953, M: 2331, Q: 1663, H: 1273 };
const FORBIDDEN_CHARACTERS = /[\s\p{Cc}]/u;

export function assertQrPayload(
  url: string,
  options: Pick<QrRenderOptions, 'maxBytes' | 'errorCorrection'> = {},
): Buffer {
  const errorCorrection = options.errorCorrection ?? 'M';
  const maxBytes = Math.min(options.maxBytes ?? DEFAULT_MAX_BYTES, BYTE_CAPACITY[errorCorrection]);
  if (url.length === 0) throw new InvalidQrPayloadError('empty', 'Cannot encode an empty payment URL');
  const bytes = Buffer.from(url, 'utf8');
  if (bytes.length > maxBytes) {
    throw new InvalidQrPayloadError(
      'too_long',
      `Payment URL is ${bytes.length} bytes, the limit is ${maxBytes}`,
      {
        metadata: { bytes: bytes.length, maxBytes },
      },
    );
  }
  // Whitespace and control bytes are refused: the URL is also printed as ESC/POS text.
  if (FORBIDDEN_CHARACTERS.test(url) || !isHttpUrl(url)) {
    throw new InvalidQrPayloadError(
      'not_a_url',
      'Payment URL must be an absolute http(s) URL without spaces',
    );
  }
  return bytes;
}

export function createQrSymbol(url: string, options: QrRenderOptions = {}): QrSymbol {
  const errorCorrection = validErrorCorrection(options.errorCorrection);
  assertQrPayload(url, options);
  const { modules, version } = encode(url, errorCorrection);
  return { version, size: modules.size, isDark: (row, column) => modules.get(row, column) === 1 };
}

export async function renderQrSvg(url: string, options: QrRenderOptions = {}): Promise<string> {
  const settings = renderSettings(url, options);
  return qrToString(url, {
    type: 'svg',
    errorCorrectionLevel: settings.errorCorrection,
    margin: settings.margin,
    ...(options.size === undefined ? {} : { width: settings.size }),
  });
}

export async function renderQrPng(url: string, options: QrRenderOptions = {}): Promise<Buffer> {
  const settings = renderSettings(url, options);
  const scale =
    options.size === undefined
      ? DEFAULT_PNG_SCALE
      : Math.max(1, Math.floor(settings.size / (settings.symbolSize + 2 * settings.margin)));
  return toBuffer(url, {
    type: 'png',
    errorCorrectionLevel: settings.errorCorrection,
    margin: settings.margin,
    scale,
  });
}

function renderSettings(url: string, options: QrRenderOptions) {
  const errorCorrection = validErrorCorrection(options.errorCorrection);
  const margin = options.margin ?? 4;
  if (!Number.isInteger(margin) || margin < 0 || margin > 16) {
    throw new InvalidReceiptOptionsError(`QR margin must be a whole number of modules 0..16, got ${margin}`);
  }
  const size = options.size ?? 0;
  if (options.size !== undefined && (!Number.isInteger(size) || size < 21 || size > 4096)) {
    throw new InvalidReceiptOptionsError(`QR size must be a whole number of pixels 21..4096, got ${size}`);
  }
  assertQrPayload(url, options);
  const symbolSize = encode(url, errorCorrection).modules.size;
  return { errorCorrection, margin, size, symbolSize };
}

function encode(url: string, errorCorrection: QrErrorCorrection): QRCode {
  try {
    return create(url, { errorCorrectionLevel: errorCorrection });
  } catch (error) {
    throw new InvalidQrPayloadError('too_long', 'Payment URL does not fit in a QR code', { cause: error });
  }
}

function validErrorCorrection(value: QrErrorCorrection | undefined): QrErrorCorrection {
  const level = value ?? 'M';
  if (!Object.prototype.hasOwnProperty.call(BYTE_CAPACITY, level)) {
    throw new InvalidReceiptOptionsError(`Unknown QR error correction level "${String(level)}"`);
  }
  return level;
}

function isHttpUrl(text: string): boolean {
  if (!URL.canParse(text)) return false;
  const { protocol } = new URL(text);
  return protocol === 'https:' || protocol === 'http:';
}
