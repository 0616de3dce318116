import jsQR from 'jsqr';
import { PNG } from 'pngjs';
import { RgbaImage } from '../raster.image';

export function decodeQrImage(image: RgbaImage): string | undefined {
  return jsQR(image.data, image.width, image.height)?.data;
}

export function readPng(png: Buffer): RgbaImage {
  const decoded = PNG.sync.read(png);
  return { width: decoded.width, height: decoded.height, data: new Uint8ClampedArray(decoded.data) };
}

export interface SvgModules {
  side: number;
  dark: boolean[][];
}

// Reads only what `qrcode` writes (one stroked path of unit-width runs) and throws on anything else,
// so a changed output format cannot be misread silently.
export function readQrSvgModules(svg: string): SvgModules {
  const viewBox = /viewBox="0 0 (\d+) (\d+)"/.exec(svg);
  if (!viewBox || viewBox[1] !== viewBox[2]) throw new Error('Expected a square viewBox');
  const side = Number(viewBox[1]);
  const dark = Array.from({ length: side }, () => Array.from({ length: side }, () => false));
  const stroke = /<path stroke="#000000" d="([^"]*)"\/>/.exec(svg);
  if (!stroke) throw new Error('Expected one stroked path of dark modules');
  let x = 0;
  let y = 0;
  for (const [, command, args] of stroke[1].matchAll(/([MmHhVvz])([^MmHhVvz]*)/g)) {
    const numbers = args.trim()
      ? args
          .trim()
          .split(/[\s,]+/)
          .map(Number)
      : [];
    if (command === 'M' || command === 'm') {
      x = command === 'M' ? numbers[0] : x + numbers[0];
      y = command === 'M' ? numbers[1] : y + numbers[1];
    } else if (command === 'h') {
      const row = y - 0.5;
      if (!Number.isInteger(row)) throw new Error(`Stroke at y=${y} is not centred on a module row`);
      for (let column = x; column < x + numbers[0]; column++) dark[row][column] = true;
      x += numbers[0];
    } else {
      throw new Error(`Unexpected path command ${command}`);
    }
  }
  return { side, dark };
}

export function modulesToRgba(modules: SvgModules, pixelsPerModule: number): RgbaImage {
  const width = modules.side * pixelsPerModule;
  const data = new Uint8ClampedArray(width * width * 4).fill(255);
  for (let py = 0; py < width; py++) {
    for (let px = 0; px < width; px++) {
      if (!modules.dark[Math.floor(py / pixelsPerModule)][Math.floor(px / pixelsPerModule)]) continue;
      data.fill(0, (py * width + px) * 4, (py * width + px) * 4 + 3);
    }
  }
  return { width, height: width, data };
}
