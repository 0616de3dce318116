import * as iconv from 'iconv-lite';
import { ESC_POS_CODE_TABLES } from './code-pages';
import { DLE, ESC, FS, GS, LF, errorCorrectionFromByte } from './escpos.commands';
import { QrErrorCorrection } from './qr.renderer';
import { RasterImage } from './raster.image';

export type TextAlign = 'left' | 'center' | 'right';

export interface TextStyle {
  align: TextAlign;
  bold: boolean;
  underline: boolean;
  font: 'A' | 'B';
  width: number;
  height: number;
  invert: boolean;
}

export interface DecodedQr {
  payload: string;
  data: Buffer;
  model: number;
  moduleDots: number;
  errorCorrection: QrErrorCorrection | undefined;
}

export type EscPosCommand =
  | { type: 'init' }
  | { type: 'text'; text: string; codePage: number; style: TextStyle }
  | { type: 'lineFeed'; lines: number }
  | { type: 'codePage'; number: number; encoding: string | undefined }
  | { type: 'style'; command: string; style: TextStyle }
  | { type: 'cut'; mode: 'full' | 'partial'; feed: number }
  | ({ type: 'qr' } & DecodedQr)
  | { type: 'raster'; image: RasterImage; scaleMode: number }
  | { type: 'statusRequest'; kind: number }
  | { type: 'other'; name: string; bytes: Buffer }
  | { type: 'unknown'; bytes: Buffer }
  | { type: 'truncated'; name: string; bytes: Buffer };

export interface DecodedEscPos {
  commands: EscPosCommand[];
  lines: string[];
  qrCodes: DecodedQr[];
  images: RasterImage[];
  cuts: number;
  complete: boolean;
  warnings: string[];
}

export interface EscPosDecodeOptions {
  /** Epson printers power on with table 0 (PC437); Russian-market ones are usually set to 17. */
  initialCodePage?: number;
}

export function decodeEscPos(bytes: Uint8Array, options: EscPosDecodeOptions = {}): DecodedEscPos {
  return new EscPosDecoder(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength), options).run();
}

const ESC_FIXED: Readonly<Record<string, number>> = {
  ' ': 1,
  $: 2,
  '%': 1,
  '2': 0,
  '3': 1,
  '<': 0,
  '=': 1,
  '?': 1,
  B: 2,
  G: 1,
  J: 1,
  K: 1,
  L: 0,
  R: 1,
  S: 0,
  T: 1,
  U: 1,
  V: 1,
  W: 8,
  '\\': 2,
  c: 2,
  e: 1,
  p: 3,
  r: 1,
  u: 1,
  v: 0,
  '{': 1,
};
const GS_FIXED: Readonly<Record<string, number>> = {
  '/': 1,
  ':': 0,
  E: 1,
  H: 1,
  I: 1,
  L: 2,
  P: 2,
  T: 1,
  W: 2,
  '\\': 2,
  '^': 3,
  a: 1,
  b: 1,
  f: 1,
  h: 1,
  r: 1,
  w: 1,
  '|': 1,
};
const FS_FIXED: Readonly<Record<string, number>> = {
  '!': 1,
  '&': 0,
  '-': 1,
  '.': 0,
  '?': 2,
  C: 1,
  S: 2,
  W: 1,
  p: 2,
};

interface QrSettings {
  data: Buffer | undefined;
  model: number;
  moduleDots: number;
  errorCorrection: number;
}

/** Epson's defaults until the job changes them: model 2, 3-dot modules, level L. */
const defaultQr = (): QrSettings => ({ data: undefined, model: 2, moduleDots: 3, errorCorrection: 48 });

const defaultStyle = (): TextStyle => ({
  align: 'left',
  bold: false,
  underline: false,
  font: 'A',
  width: 1,
  height: 1,
  invert: false,
});

class EscPosDecoder {
  private pos = 0;
  private style = defaultStyle();
  private codePage: number;
  private line = '';
  private qr = defaultQr();
  private readonly result: DecodedEscPos = {
    commands: [],
    lines: [],
    qrCodes: [],
    images: [],
    cuts: 0,
    complete: true,
    warnings: [],
  };

  constructor(
    private readonly bytes: Buffer,
    private readonly options: EscPosDecodeOptions,
  ) {
    this.codePage = options.initialCodePage ?? 0;
  }

  run(): DecodedEscPos {
    while (this.pos < this.bytes.length) {
      const byte = this.bytes[this.pos];
      if (byte >= 0x20 || byte === 0x09) this.text();
      else if (byte === LF) {
        this.pos += 1;
        this.feed(1);
      } else if (byte === ESC) this.esc();
      else if (byte === GS) this.gs();
      else if (byte === FS) this.fs();
      else if (byte === DLE) this.dle();
      else if (byte === 0x0d || byte === 0x0c) this.other(byte === 0x0d ? 'CR' : 'FF', 1);
      else this.unknown(1);
    }
    if (this.line) this.result.lines.push(this.line);
    return this.result;
  }

  private text(): void {
    const start = this.pos;
    while (this.pos < this.bytes.length && (this.bytes[this.pos] >= 0x20 || this.bytes[this.pos] === 0x09))
      this.pos++;
    const encoding = ESC_POS_CODE_TABLES[this.codePage] ?? 'cp437';
    const text = iconv.decode(this.bytes.subarray(start, this.pos), encoding);
    this.line += text;
    this.emit({ type: 'text', text, codePage: this.codePage, style: { ...this.style } });
  }

  private esc(): void {
    const code = this.peek(1);
    if (code === undefined) return this.truncate('ESC');
    const name = `ESC ${String.fromCharCode(code)}`;
    switch (String.fromCharCode(code)) {
      case '@':
        this.pos += 2;
        this.style = defaultStyle();
        this.codePage = this.options.initialCodePage ?? 0;
        this.qr = defaultQr();
        return this.emit({ type: 'init' });
      case '!':
        return this.withParams(name, 1, ([n]) => {
          this.setStyle(name, {
            font: n & 0x01 ? 'B' : 'A',
            bold: (n & 0x08) !== 0,
            height: n & 0x10 ? 2 : 1,
            width: n & 0x20 ? 2 : 1,
            underline: (n & 0x80) !== 0,
          });
        });
      case 'E':
        return this.withParams(name, 1, ([n]) => this.setStyle(name, { bold: (n & 1) === 1 }));
      case '-':
        return this.withParams(name, 1, ([n]) => this.setStyle(name, { underline: (n & 3) !== 0 }));
      case 'M':
        return this.withParams(name, 1, ([n]) => this.setStyle(name, { font: (n & 0x0f) === 0 ? 'A' : 'B' }));
      case 'a':
        return this.withParams(name, 1, ([n]) => {
          const align: TextAlign = (n & 0x0f) === 1 ? 'center' : (n & 0x0f) === 2 ? 'right' : 'left';
          this.setStyle(name, { align });
        });
      case 't':
        return this.withParams(name, 1, ([n]) => {
          this.codePage = n;
          const encoding = ESC_POS_CODE_TABLES[n];
          if (!encoding) this.result.warnings.push(`ESC t ${n}: unknown code table, text decoded as CP437`);
          this.emit({ type: 'codePage', number: n, encoding });
        });
      case 'd':
        return this.withParams(name, 1, ([n]) => this.feed(n));
      case 'i':
      case 'm':
        this.pos += 2;
        return this.cut('partial', 0);
      case '*':
        return this.bitImage();
      case 'D':
        return this.untilNul(name, 2);
      case '&':
        return this.userCharacters();
      case '(':
        return this.lengthPrefixed(`ESC ( ${this.charAt(2)}`, 3);
      default: {
        const params = ESC_FIXED[String.fromCharCode(code)];
        if (params === undefined) return this.unknown(2);
        return this.withParams(name, params, () => undefined, true);
      }
    }
  }

  private gs(): void {
    const code = this.peek(1);
    if (code === undefined) return this.truncate('GS');
    const name = `GS ${String.fromCharCode(code)}`;
    switch (String.fromCharCode(code)) {
      case '!':
        return this.withParams(name, 1, ([n]) =>
          this.setStyle(name, { width: ((n >> 4) & 7) + 1, height: (n & 7) + 1 }),
        );
      case 'B':
        return this.withParams(name, 1, ([n]) => this.setStyle(name, { invert: (n & 1) === 1 }));
      case 'V':
        return this.paperCut();
      case '(':
        return this.peek(2) === 0x6b ? this.symbol() : this.lengthPrefixed(`GS ( ${this.charAt(2)}`, 3);
      case 'v':
        return this.raster();
      case 'k':
        return this.barcode();
      case '*': {
        const header = this.slice(4);
        return header ? this.skip(name, header[2] * header[3] * 8, 4) : this.truncate(name);
      }
      case '8':
        return this.graphics8();
      default: {
        const params = GS_FIXED[String.fromCharCode(code)];
        if (params === undefined) return this.unknown(2);
        return this.withParams(name, params, () => undefined, true);
      }
    }
  }

  private fs(): void {
    const code = this.peek(1);
    if (code === undefined) return this.truncate('FS');
    const params = FS_FIXED[String.fromCharCode(code)];
    if (params === undefined) return this.unknown(2);
    this.withParams(`FS ${String.fromCharCode(code)}`, params, () => undefined, true);
  }

  private dle(): void {
    const code = this.peek(1);
    if (code === undefined) return this.truncate('DLE');
    if (code === 0x04) {
      const kind = this.peek(2);
      if (kind === undefined) return this.truncate('DLE EOT');
      const length = kind === 7 || kind === 8 ? 4 : 3;
      if (this.pos + length > this.bytes.length) return this.truncate('DLE EOT');
      this.pos += length;
      return this.emit({ type: 'statusRequest', kind });
    }
    if (code === 0x05) return this.withParams('DLE ENQ', 1, () => undefined, true);
    if (code === 0x14) {
      const fn = this.peek(2);
      if (fn === undefined) return this.truncate('DLE DC4');
      return this.withParams('DLE DC4', fn === 8 ? 8 : 3, () => undefined, true);
    }
    this.unknown(2);
  }

  private symbol(): void {
    const header = this.slice(5);
    if (!header) return this.truncate('GS ( k');
    const length = header[3] + header[4] * 256;
    const body = this.slice(length, 5);
    if (!body) return this.truncate('GS ( k');
    const bytes = this.bytes.subarray(this.pos, this.pos + 5 + length);
    this.pos += 5 + length;
    const [cn, fn] = body;
    if (cn !== 49 || length < 3) return this.emit({ type: 'other', name: `GS ( k cn=${cn} fn=${fn}`, bytes });
    if (fn === 65) this.qr.model = body[2] - 48;
    else if (fn === 67) this.qr.moduleDots = body[2];
    else if (fn === 69) this.qr.errorCorrection = body[2];
    else if (fn === 80) this.qr.data = Buffer.from(body.subarray(3));
    else if (fn === 81) return this.printQr();
    this.emit({ type: 'other', name: `GS ( k QR fn=${fn}`, bytes });
  }

  private printQr(): void {
    if (!this.qr.data) {
      this.result.warnings.push('QR print (fn 181) with no stored data');
      return;
    }
    this.flushLine();
    const qr: DecodedQr = {
      payload: this.qr.data.toString('utf8'),
      data: this.qr.data,
      model: this.qr.model,
      moduleDots: this.qr.moduleDots,
      errorCorrection: errorCorrectionFromByte(this.qr.errorCorrection),
    };
    this.result.qrCodes.push(qr);
    this.emit({ type: 'qr', ...qr });
  }

  private raster(): void {
    const header = this.slice(8);
    if (!header || header[2] !== 0x30) {
      if (!header) return this.truncate('GS v 0');
      return this.unknown(3);
    }
    const widthBytes = header[4] + header[5] * 256;
    const height = header[6] + header[7] * 256;
    const data = this.slice(widthBytes * height, 8);
    if (!data) return this.truncate('GS v 0');
    this.pos += 8 + data.length;
    this.flushLine();
    const image: RasterImage = { widthDots: widthBytes * 8, height, data: Buffer.from(data) };
    this.result.images.push(image);
    this.emit({ type: 'raster', image, scaleMode: header[3] & 3 });
  }

  private paperCut(): void {
    const m = this.peek(2);
    if (m === undefined) return this.truncate('GS V');
    const withFeed = m === 65 || m === 66 || m === 97 || m === 98 || m === 103 || m === 104;
    const length = withFeed ? 4 : 3;
    if (this.pos + length > this.bytes.length) return this.truncate('GS V');
    const feed = withFeed ? this.bytes[this.pos + 3] : 0;
    this.pos += length;
    const partial = m === 1 || m === 49 || m === 66 || m === 98 || m === 104;
    this.cut(partial ? 'partial' : 'full', feed);
  }

  private barcode(): void {
    const m = this.peek(2);
    if (m === undefined) return this.truncate('GS k');
    if (m <= 6) return this.untilNul('GS k', 3);
    const n = this.peek(3);
    if (n === undefined) return this.truncate('GS k');
    this.skip('GS k', n, 4);
  }

  private bitImage(): void {
    const header = this.slice(5);
    if (!header) return this.truncate('ESC *');
    const columns = header[3] + header[4] * 256;
    this.skip('ESC *', header[2] >= 32 ? columns * 3 : columns, 5);
  }

  private userCharacters(): void {
    const header = this.slice(5);
    if (!header) return this.truncate('ESC &');
    const [, , y, first, last] = header;
    let cursor = this.pos + 5;
    for (let c = first; c <= last; c++) {
      if (cursor >= this.bytes.length) return this.truncate('ESC &');
      cursor += 1 + this.bytes[cursor] * y;
    }
    this.skip('ESC &', cursor - this.pos - 5, 5);
  }

  private graphics8(): void {
    const header = this.slice(7);
    if (!header) return this.truncate('GS 8');
    const length = header[3] + header[4] * 0x100 + header[5] * 0x10000 + header[6] * 0x1000000;
    this.skip(`GS 8 ${String.fromCharCode(header[2])}`, length, 7);
  }

  private lengthPrefixed(name: string, prefix: number): void {
    const header = this.slice(prefix + 2);
    if (!header) return this.truncate(name);
    this.skip(name, header[prefix] + header[prefix + 1] * 256, prefix + 2);
  }

  private untilNul(name: string, prefix: number): void {
    const end = this.bytes.indexOf(0, this.pos + prefix);
    if (end < 0) return this.truncate(name);
    this.other(name, end + 1 - this.pos);
  }

  private withParams(
    name: string,
    count: number,
    apply: (params: Buffer) => void,
    recordAsOther = false,
  ): void {
    const total = 2 + count;
    if (this.pos + total > this.bytes.length) return this.truncate(name);
    const params = this.bytes.subarray(this.pos + 2, this.pos + total);
    if (recordAsOther)
      this.emit({ type: 'other', name, bytes: this.bytes.subarray(this.pos, this.pos + total) });
    this.pos += total;
    apply(params);
  }

  private skip(name: string, dataLength: number, headerLength = 0): void {
    const total = headerLength + dataLength;
    if (this.pos + total > this.bytes.length) return this.truncate(name);
    this.other(name, total);
  }

  private setStyle(command: string, change: Partial<TextStyle>): void {
    this.style = { ...this.style, ...change };
    this.emit({ type: 'style', command, style: { ...this.style } });
  }

  private feed(lines: number): void {
    if (lines === 0) this.flushLine();
    for (let i = 0; i < lines; i++) {
      this.result.lines.push(this.line);
      this.line = '';
    }
    if (lines > 0) this.emit({ type: 'lineFeed', lines });
  }

  private cut(mode: 'full' | 'partial', feed: number): void {
    this.flushLine();
    this.result.cuts += 1;
    this.emit({ type: 'cut', mode, feed });
  }

  private flushLine(): void {
    if (!this.line) return;
    this.result.lines.push(this.line);
    this.line = '';
  }

  private other(name: string, length: number): void {
    this.emit({ type: 'other', name, bytes: this.bytes.subarray(this.pos, this.pos + length) });
    this.pos += length;
  }

  private unknown(length: number): void {
    const bytes = this.bytes.subarray(this.pos, Math.min(this.pos + length, this.bytes.length));
    this.result.warnings.push(`Unknown command ${bytes.toString('hex')} at offset ${this.pos}`);
    this.emit({ type: 'unknown', bytes });
    this.pos += bytes.length;
  }

  private truncate(name: string): void {
    this.result.complete = false;
    this.result.warnings.push(`${name} at offset ${this.pos} is cut short by the end of the stream`);
    this.emit({ type: 'truncated', name, bytes: this.bytes.subarray(this.pos) });
    this.pos = this.bytes.length;
  }

  private emit(command: EscPosCommand): void {
    this.result.commands.push(command);
  }

  private peek(offset: number): number | undefined {
    return this.pos + offset < this.bytes.length ? this.bytes[this.pos + offset] : undefined;
  }

  private charAt(offset: number): string {
    const byte = this.peek(offset);
    return byte === undefined ? '?' : String.fromCharCode(byte);
  }

  private slice(length: number, offset = 0): Buffer | undefined {
    const start = this.pos + offset;
    return start + length <= this.bytes.length ? this.bytes.subarray(start, start + length) : undefined;
  }
}
