import iconv from 'iconv-lite';
import { FiasProtocolError } from './fias.errors';

export const STX = 0x02;
export const ETX = 0x03;
export const ENQ = 0x05;
export const ACK = 0x06;
export const NAK = 0x15;

export type FiasControl = 'ACK' | 'NAK' | 'ENQ';

export interface FiasField {
  readonly id: string;
  readonly value: string;
}

export interface FiasRecord {
  readonly id: string;
  readonly fields: readonly FiasField[];
}

const RECORD_ID = /^[A-Z0-9]{2}$/;
const FIELD_ID = /^[\x21-\x7b\x7d\x7e]{2}$/;
// eslint-disable-next-line no-control-regex
const FORBIDDEN_IN_VALUE = /[\x00-\x1f\x7f|]/;
const PREVIEW_BYTES = 32;

export function fiasRecord(id: string, fields: readonly FiasField[] = []): FiasRecord {
  return { id, fields };
}

export function fieldValue(record: FiasRecord, id: string): string | undefined {
  return record.fields.find((field) => field.id === id)?.value;
}

export function fieldValues(record: FiasRecord, id: string): string[] {
  return record.fields.filter((field) => field.id === id).map((field) => field.value);
}

export function hasField(record: FiasRecord, id: string): boolean {
  return record.fields.some((field) => field.id === id);
}

export function assertValidFieldId(id: string): void {
  if (!FIELD_ID.test(id)) {
    throw new FiasProtocolError('FIAS.FIELD_INVALID', `Invalid FIAS field id "${id}"`, { metadata: { id } });
  }
}

export function assertValidFieldValue(id: string, value: string): void {
  if (FORBIDDEN_IN_VALUE.test(value)) {
    throw new FiasProtocolError('FIAS.FIELD_INVALID', `Field ${id} contains "|" or a control character`, {
      metadata: { field: id },
    });
  }
}

export function serializeRecord(record: FiasRecord): string {
  if (!RECORD_ID.test(record.id)) {
    throw new FiasProtocolError('FIAS.RECORD_MALFORMED', `Invalid FIAS record id "${record.id}"`, {
      metadata: { recordId: record.id },
    });
  }
  let text = `${record.id}|`;
  for (const field of record.fields) {
    assertValidFieldId(field.id);
    assertValidFieldValue(field.id, field.value);
    text += `${field.id}${field.value}|`;
  }
  return text;
}

/**
 * Parses record text. Tolerates a missing final `|` and empty segments (`||`), which some PMS
 * builds send; anything else that is not `XX|ffvalue|...` is a typed error.
 */
export function parseRecord(text: string): FiasRecord {
  const id = text.slice(0, 2);
  if (!RECORD_ID.test(id) || (text.length > 2 && text[2] !== '|')) {
    throw new FiasProtocolError(
      'FIAS.RECORD_MALFORMED',
      'Record does not start with a 2-character id and "|"',
      {
        metadata: { preview: text.slice(0, PREVIEW_BYTES) },
      },
    );
  }
  const fields: FiasField[] = [];
  for (const segment of text.slice(3).split('|')) {
    if (segment.length === 0) continue;
    if (segment.length < 2) {
      throw new FiasProtocolError(
        'FIAS.RECORD_MALFORMED',
        `Field segment "${segment}" is shorter than its id`,
        {
          metadata: { recordId: id },
        },
      );
    }
    const fieldId = segment.slice(0, 2);
    if (!FIELD_ID.test(fieldId)) {
      throw new FiasProtocolError('FIAS.RECORD_MALFORMED', `Invalid field id in record ${id}`, {
        metadata: { recordId: id },
      });
    }
    fields.push({ id: fieldId, value: segment.slice(2) });
  }
  return { id, fields };
}

/** XOR of every byte after STX up to and including ETX, seed 0 (IFC8 FIAS, serial framing). */
export function computeLrc(body: Uint8Array): number {
  let lrc = 0;
  for (const byte of body) lrc ^= byte;
  return lrc ^ ETX;
}

export function frame(body: Uint8Array, lrc: boolean): Buffer {
  const out = Buffer.allocUnsafe(body.length + (lrc ? 3 : 2));
  out[0] = STX;
  out.set(body, 1);
  out[body.length + 1] = ETX;
  if (lrc) out[body.length + 2] = computeLrc(body);
  return out;
}

export function controlByte(control: FiasControl): Buffer {
  return Buffer.from([control === 'ACK' ? ACK : control === 'NAK' ? NAK : ENQ]);
}

export type FiasDecoded =
  | { readonly kind: 'frame'; readonly body: Buffer }
  | { readonly kind: 'control'; readonly control: FiasControl }
  | { readonly kind: 'error'; readonly error: FiasProtocolError };

export interface FiasFrameDecoderOptions {
  lrc: boolean;
  maxFrameBytes: number;
}

type DecoderState = 'outside' | 'frame' | 'lrc' | 'discard' | 'discard_lrc';

/**
 * Streaming STX…ETX[LRC] decoder. Bytes may arrive in any chunking; everything that is not a
 * frame or a control byte is reported as an error item, never thrown.
 */
export class FiasFrameDecoder {
  private state: DecoderState = 'outside';
  private readonly buffer: Buffer;
  private length = 0;
  private garbage: number[] = [];
  private garbageCount = 0;

  constructor(private readonly options: FiasFrameDecoderOptions) {
    this.buffer = Buffer.allocUnsafe(options.maxFrameBytes);
  }

  push(chunk: Uint8Array): FiasDecoded[] {
    const out: FiasDecoded[] = [];
    for (const byte of chunk) this.step(byte, out);
    this.flushGarbage(out);
    return out;
  }

  reset(): void {
    this.state = 'outside';
    this.length = 0;
    this.garbage = [];
    this.garbageCount = 0;
  }

  private step(byte: number, out: FiasDecoded[]): void {
    switch (this.state) {
      case 'outside':
        if (byte === STX) {
          this.flushGarbage(out);
          this.startFrame();
        } else if (byte === ACK || byte === NAK || byte === ENQ) {
          this.flushGarbage(out);
          out.push({ kind: 'control', control: byte === ACK ? 'ACK' : byte === NAK ? 'NAK' : 'ENQ' });
        } else {
          this.addGarbage(byte);
        }
        return;
      case 'frame':
        if (byte === STX) {
          out.push(this.error('FIAS.GARBAGE', `Frame of ${this.length} bytes interrupted by STX`));
          this.startFrame();
        } else if (byte === ETX) {
          if (this.options.lrc) {
            this.state = 'lrc';
          } else {
            out.push({ kind: 'frame', body: Buffer.from(this.buffer.subarray(0, this.length)) });
            this.state = 'outside';
          }
        } else if (this.length >= this.options.maxFrameBytes) {
          out.push(this.error('FIAS.FRAME_TOO_LONG', `Frame exceeds ${this.options.maxFrameBytes} bytes`));
          this.state = 'discard';
        } else {
          this.buffer[this.length++] = byte;
        }
        return;
      case 'lrc': {
        const body = this.buffer.subarray(0, this.length);
        const expected = computeLrc(body);
        if (byte === expected) {
          out.push({ kind: 'frame', body: Buffer.from(body) });
        } else {
          out.push(
            this.error(
              'FIAS.LRC_MISMATCH',
              `LRC mismatch: received 0x${hex(byte)}, computed 0x${hex(expected)}`,
            ),
          );
        }
        this.state = 'outside';
        return;
      }
      case 'discard':
        if (byte === STX) this.startFrame();
        else if (byte === ETX) this.state = this.options.lrc ? 'discard_lrc' : 'outside';
        return;
      case 'discard_lrc':
        this.state = 'outside';
        return;
    }
  }

  private startFrame(): void {
    this.state = 'frame';
    this.length = 0;
  }

  private addGarbage(byte: number): void {
    this.garbageCount++;
    if (this.garbage.length < PREVIEW_BYTES) this.garbage.push(byte);
  }

  private flushGarbage(out: FiasDecoded[]): void {
    if (this.garbageCount === 0) return;
    out.push({
      kind: 'error',
      error: new FiasProtocolError('FIAS.GARBAGE', `Skipped ${this.garbageCount} bytes outside any frame`, {
        metadata: { bytes: this.garbageCount, preview: Buffer.from(this.garbage).toString('hex') },
      }),
    });
    this.garbage = [];
    this.garbageCount = 0;
  }

  private error(
    code: 'FIAS.GARBAGE' | 'FIAS.FRAME_TOO_LONG' | 'FIAS.LRC_MISMATCH',
    message: string,
  ): FiasDecoded {
    return {
      kind: 'error',
      error: new FiasProtocolError(code, message, {
        metadata: { preview: this.buffer.subarray(0, Math.min(this.length, PREVIEW_BYTES)).toString('hex') },
      }),
    };
  }
}

function hex(byte: number): string {
  return byte.toString(16).padStart(2, '0');
}

export interface FiasCodecOptions {
  encoding?: string;
  /** Append/expect an LRC byte after ETX. Serial links use it; TCP links normally do not. */
  lrc?: boolean;
  maxFrameBytes?: number;
}

export const DEFAULT_FIAS_ENCODING = 'latin1';
export const DEFAULT_MAX_FRAME_BYTES = 8192;

export class FiasCodec {
  readonly encoding: string;
  readonly lrc: boolean;
  readonly maxFrameBytes: number;

  constructor(options: FiasCodecOptions = {}) {
    const encoding = options.encoding ?? DEFAULT_FIAS_ENCODING;
    if (!iconv.encodingExists(encoding)) {
      throw new FiasProtocolError('FIAS.CONFIG_INVALID', `Unknown FIAS encoding "${encoding}"`, {
        metadata: { encoding },
      });
    }
    const maxFrameBytes = options.maxFrameBytes ?? DEFAULT_MAX_FRAME_BYTES;
    if (!Number.isSafeInteger(maxFrameBytes) || maxFrameBytes < 16) {
      throw new FiasProtocolError('FIAS.CONFIG_INVALID', 'maxFrameBytes must be an integer >= 16');
    }
    this.encoding = encoding;
    this.lrc = options.lrc ?? false;
    this.maxFrameBytes = maxFrameBytes;
  }

  /** Refuses text the code page cannot carry instead of letting iconv put "?" on the wire. */
  encodeText(text: string): Buffer {
    const bytes = iconv.encode(text, this.encoding);
    if (iconv.decode(bytes, this.encoding) !== text) {
      throw new FiasProtocolError('FIAS.ENCODING', `Text cannot be represented in ${this.encoding}`, {
        metadata: { encoding: this.encoding },
      });
    }
    return bytes;
  }

  decodeText(bytes: Uint8Array): string {
    return iconv.decode(bytes, this.encoding);
  }

  encodeRecord(record: FiasRecord): Buffer {
    return frame(this.encodeText(serializeRecord(record)), this.lrc);
  }

  encodeRecordText(text: string): Buffer {
    return frame(this.encodeText(text), this.lrc);
  }

  decodeBody(body: Uint8Array): FiasRecord {
    return parseRecord(this.decodeText(body));
  }

  createDecoder(): FiasFrameDecoder {
    return new FiasFrameDecoder({ lrc: this.lrc, maxFrameBytes: this.maxFrameBytes });
  }
}
