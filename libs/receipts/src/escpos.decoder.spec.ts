import * as iconv from 'iconv-lite';
import { decodeEscPos } from './escpos.decoder';
import { nativeQrCommands } from './escpos.commands';

const bytes = (...parts: (number[] | Buffer | string)[]): Buffer =>
  Buffer.concat(
    parts.map((part) => (typeof part === 'string' ? Buffer.from(part, 'latin1') : Buffer.from(part))),
  );
const ESC = 0x1b;
const GS = 0x1d;
const qr = (payload: string): Buffer =>
  nativeQrCommands(Buffer.from(payload, 'utf8'), { moduleDots: 5, errorCorrection: 'Q' });

describe('decodeEscPos', () => {
  it('decodes text with the code page in force at each point, switching mid-line', () => {
    const decoded = decodeEscPos(
      bytes(
        [ESC, 0x74, 17],
        iconv.encode('Счёт ', 'cp866'),
        [ESC, 0x74, 46],
        iconv.encode('№ 5', 'win1251'),
        [0x0a],
      ),
    );
    expect(decoded.lines).toEqual(['Счёт № 5']);
    expect(decoded.commands.filter((c) => c.type === 'codePage')).toEqual([
      { type: 'codePage', number: 17, encoding: 'cp866' },
      { type: 'codePage', number: 46, encoding: 'win1251' },
    ]);
  });

  it('starts from the configured code page and returns to it after ESC @', () => {
    const cp866 = iconv.encode('Да', 'cp866');
    const decoded = decodeEscPos(bytes(cp866, [0x0a, ESC, 0x74, 0, ESC, 0x40], cp866, [0x0a]), {
      initialCodePage: 17,
    });
    expect(decoded.lines).toEqual(['Да', 'Да']);
    expect(decodeEscPos(cp866).lines).toEqual([iconv.decode(cp866, 'cp437')]);
  });

  it('tracks bold, size, font, alignment and inversion from ESC !, ESC E, GS !, ESC M, ESC a and GS B', () => {
    const decoded = decodeEscPos(
      bytes(
        [ESC, 0x21, 0x08, GS, 0x21, 0x12, ESC, 0x61, 2, GS, 0x42, 1],
        'A',
        [ESC, 0x21, 0x31, ESC, 0x45, 0],
        'B',
      ),
    );
    const [a, b] = decoded.commands.filter((c) => c.type === 'text');
    expect(a).toMatchObject({
      style: { bold: true, width: 2, height: 3, align: 'right', invert: true, font: 'A' },
    });
    expect(b).toMatchObject({ style: { bold: false, width: 2, height: 2, font: 'B' } });
  });

  it('reads the QR payload from function 180 when function 181 prints it, with its settings', () => {
    const decoded = decodeEscPos(bytes(qr('https://a.ru/1'), qr('https://пример.рф/2')));
    expect(decoded.qrCodes.map((code) => code.payload)).toEqual(['https://a.ru/1', 'https://пример.рф/2']);
    expect(decoded.qrCodes[0]).toMatchObject({ model: 2, moduleDots: 5, errorCorrection: 'Q' });
  });

  it('does not count a stored but unprinted QR, nor a PDF417 symbol', () => {
    const store = qr('https://a.ru/1').subarray(0, -8);
    const pdf417 = bytes([GS, 0x28, 0x6b, 5, 0, 48, 80, 48], 'ab');
    const decoded = decodeEscPos(bytes(store, pdf417, [GS, 0x28, 0x6b, 3, 0, 48, 81, 48]));
    expect(decoded.qrCodes).toEqual([]);
    expect(decoded.complete).toBe(true);
  });

  it('reads raster images with their geometry', () => {
    const decoded = decodeEscPos(bytes([GS, 0x76, 0x30, 0, 2, 0, 3, 0], [0xff, 0x00, 0x80, 0x01, 0, 0], 'x'));
    expect(decoded.images).toEqual([
      { widthDots: 16, height: 3, data: Buffer.from([0xff, 0, 0x80, 1, 0, 0]) },
    ]);
    expect(decoded.lines).toEqual(['x']);
  });

  it('recognises cuts with and without feed, and real-time status requests', () => {
    const decoded = decodeEscPos(bytes([GS, 0x56, 0, GS, 0x56, 66, 3, 0x10, 0x04, 2, ESC, 0x69]));
    expect(decoded.commands).toEqual([
      { type: 'cut', mode: 'full', feed: 0 },
      { type: 'cut', mode: 'partial', feed: 3 },
      { type: 'statusRequest', kind: 2 },
      { type: 'cut', mode: 'partial', feed: 0 },
    ]);
    expect(decoded.cuts).toBe(3);
  });

  it('skips barcodes, bit images and tab stops by their length without losing the text after them', () => {
    const decoded = decodeEscPos(
      bytes(
        [GS, 0x6b, 4],
        '1234',
        [0, GS, 0x6b, 73, 3],
        '{B1',
        [ESC, 0x2a, 33, 2, 0, 1, 2, 3, 4, 5, 6, ESC, 0x44, 8, 16, 0],
        'after',
      ),
    );
    expect(decoded.lines).toEqual(['after']);
    expect(decoded.warnings).toEqual([]);
  });

  it('marks a stream cut inside a command as incomplete and keeps what came before', () => {
    const whole = bytes('paid?', [0x0a], qr('https://a.ru/order/1'));
    const decoded = decodeEscPos(whole.subarray(0, whole.length - 20));
    expect(decoded.complete).toBe(false);
    expect(decoded.lines).toEqual(['paid?']);
    expect(decoded.qrCodes).toEqual([]);
    expect(decoded.commands.at(-1)).toMatchObject({ type: 'truncated', name: 'GS ( k' });
  });

  it('reports an unknown command and carries on', () => {
    const decoded = decodeEscPos(bytes([ESC, 0x01], 'ok', [0x0a]));
    expect(decoded.lines).toEqual(['ok']);
    expect(decoded.warnings).toEqual(['Unknown command 1b01 at offset 0']);
  });
});
