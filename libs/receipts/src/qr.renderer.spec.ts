import { BridgeError } from '@bridge/core';
import { createQrSymbol, renderQrPng, renderQrSvg } from './qr.renderer';
import { InvalidQrPayloadError, InvalidReceiptOptionsError } from './receipts.errors';
import { decodeQrImage, modulesToRgba, readPng, readQrSvgModules } from './testing/qr-image';

const url = 'https://pay.invoicebox.ru/order/3f1c6a2e-1234-4cde-9abc-0123456789ab?lang=ru';
const cyrillicUrl = 'https://пример.рф/оплата?стол=5&счёт=12';

describe('renderQrPng', () => {
  it.each([url, cyrillicUrl])('encodes %s so that a decoder reads it back exactly', async (payload) => {
    const png = await renderQrPng(payload);
    expect(png.subarray(1, 4).toString('ascii')).toBe('PNG');
    expect(decodeQrImage(readPng(png))).toBe(payload);
  });

  it('keeps modules whole pixels: the width is the largest multiple of the module count within size', async () => {
    const symbol = createQrSymbol(url);
    const image = readPng(await renderQrPng(url, { size: 300, margin: 2 }));
    const modules = symbol.size + 4;
    expect(image.width).toBe(Math.floor(300 / modules) * modules);
    expect(decodeQrImage(image)).toBe(url);
  });

  it('leaves a white quiet zone of `margin` modules', async () => {
    const scale = 8;
    const image = readPng(await renderQrPng(url, { margin: 4 }));
    const quietZone = 4 * scale;
    for (let i = 0; i < quietZone; i++) {
      expect(image.data[(i * image.width + i) * 4]).toBe(255);
      expect(image.data[(quietZone * image.width + i) * 4]).toBe(255);
    }
    expect(image.data[(quietZone * image.width + quietZone) * 4]).toBe(0);
  });

  it('uses error correction M by default and a denser symbol for H', () => {
    expect(createQrSymbol(url).version).toBe(createQrSymbol(url, { errorCorrection: 'M' }).version);
    expect(createQrSymbol(url, { errorCorrection: 'H' }).version).toBeGreaterThan(
      createQrSymbol(url).version,
    );
  });
});

describe('renderQrSvg', () => {
  it('draws the same modules as the encoder, and the drawing decodes to the URL', async () => {
    const svg = await renderQrSvg(url, { margin: 4 });
    const symbol = createQrSymbol(url);
    const modules = readQrSvgModules(svg);
    expect(modules.side).toBe(symbol.size + 8);
    for (let row = 0; row < modules.side; row++) {
      for (let column = 0; column < modules.side; column++) {
        const inside = row >= 4 && column >= 4 && row < symbol.size + 4 && column < symbol.size + 4;
        expect(modules.dark[row][column]).toBe(inside && symbol.isDark(row - 4, column - 4));
      }
    }
    expect(decodeQrImage(modulesToRgba(modules, 4))).toBe(url);
  });

  it('encodes UTF-8 payloads and sets the requested width', async () => {
    const svg = await renderQrSvg(cyrillicUrl, { size: 256 });
    expect(svg).toContain('width="256" height="256"');
    expect(decodeQrImage(modulesToRgba(readQrSvgModules(svg), 5))).toBe(cyrillicUrl);
  });
});

describe('payload validation', () => {
  const problemOf = async (payload: string, maxBytes?: number): Promise<string> => {
    const error: unknown = await renderQrSvg(payload, { maxBytes }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InvalidQrPayloadError);
    expect(error).toBeInstanceOf(BridgeError);
    return (error as InvalidQrPayloadError).problem;
  };

  it('refuses an empty payload', async () => {
    expect(await problemOf('')).toBe('empty');
  });

  it('refuses payloads over the byte limit, counting UTF-8 bytes', async () => {
    expect(await problemOf(`https://pay.example.ru/${'a'.repeat(1100)}`)).toBe('too_long');
    const payload = 'https://a.ru/оплата';
    expect(payload).toHaveLength(19);
    expect(await problemOf(payload, 24)).toBe('too_long');
    await expect(renderQrSvg(payload, { maxBytes: 25 })).resolves.toContain('<svg');
  });

  it('refuses what is not an absolute http(s) URL, including control bytes that would reach the printer', async () => {
    expect(await problemOf('javascript:alert(1)')).toBe('not_a_url');
    expect(await problemOf('pay.invoicebox.ru/order/1')).toBe('not_a_url');
    expect(await problemOf('https://pay.invoicebox.ru/order/1 ')).toBe('not_a_url');
    expect(await problemOf('https://pay.invoicebox.ru/\u001b@')).toBe('not_a_url');
  });

  it('carries a stable code and keeps the URL out of the metadata', async () => {
    const error = (await renderQrPng('').catch((e: unknown) => e)) as InvalidQrPayloadError;
    expect(error.toJSON()).toEqual({
      code: 'RECEIPTS.INVALID_QR_PAYLOAD',
      message: 'Cannot encode an empty payment URL',
      metadata: { problem: 'empty' },
    });
  });

  it('refuses render options out of range', async () => {
    await expect(renderQrPng(url, { margin: -1 })).rejects.toBeInstanceOf(InvalidReceiptOptionsError);
    await expect(renderQrPng(url, { size: 10 })).rejects.toBeInstanceOf(InvalidReceiptOptionsError);
    await expect(renderQrSvg(url, { size: 1.5 })).rejects.toBeInstanceOf(InvalidReceiptOptionsError);
  });
});
