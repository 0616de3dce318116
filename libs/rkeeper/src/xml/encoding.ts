import * as iconv from 'iconv-lite';

export type RkeeperRequestEncoding = 'utf-8' | 'windows-1251';

export class UnsupportedCharsetError extends Error {
  constructor(readonly charset: string) {
    super(`Unsupported charset "${charset}"`);
    this.name = 'UnsupportedCharsetError';
  }
}

const DECLARED_ENCODING = /^\s*<\?xml[^>]*\bencoding\s*=\s*["']([A-Za-z0-9._-]+)["']/;

export function charsetFromContentType(contentType: string | undefined): string | undefined {
  if (!contentType) return undefined;
  const match = /;\s*charset\s*=\s*"?([^";\s]+)"?/i.exec(contentType);
  return match ? match[1].toLowerCase() : undefined;
}

/** The encoding named in the XML declaration; read as latin1 because only ASCII matters up to that point. */
export function charsetFromXmlDeclaration(body: Buffer): string | undefined {
  const head = body
    .subarray(0, 256)
    .toString('latin1')
    .replace(/^\uFEFF|^ï»¿/, '');
  const match = DECLARED_ENCODING.exec(head);
  return match ? match[1].toLowerCase() : undefined;
}

/** HTTP charset first (RFC 7303), then the XML declaration, then UTF-8. */
export function decodeXmlBody(body: Buffer, contentType?: string): { text: string; charset: string } {
  const charset = charsetFromContentType(contentType) ?? charsetFromXmlDeclaration(body) ?? 'utf-8';
  if (!iconv.encodingExists(charset)) throw new UnsupportedCharsetError(charset);
  const text = iconv.decode(body, charset, { stripBOM: true });
  return { text, charset };
}

export function encodeXml(text: string, encoding: RkeeperRequestEncoding): Buffer {
  return iconv.encode(text, encoding);
}
