import { PNG } from 'pngjs';
import { QrSymbol } from './qr.renderer';

export interface RasterImage {
  widthDots: number;
  height: number;
  data: Buffer;
}

export interface RgbaImage {
  width: number;
  height: number;
  data: Uint8ClampedArray;
}

export function qrToRaster(symbol: QrSymbol, moduleDots: number, quietZoneModules = 4): RasterImage {
  const side = (symbol.size + 2 * quietZoneModules) * moduleDots;
  const widthDots = Math.ceil(side / 8) * 8;
  const bytesPerRow = widthDots / 8;
  const data = Buffer.alloc(bytesPerRow * side);
  for (let y = 0; y < side; y++) {
    const row = Math.floor(y / moduleDots) - quietZoneModules;
    for (let x = 0; x < side; x++) {
      const column = Math.floor(x / moduleDots) - quietZoneModules;
      const inside = row >= 0 && column >= 0 && row < symbol.size && column < symbol.size;
      if (inside && symbol.isDark(row, column)) data[y * bytesPerRow + (x >> 3)] |= 0x80 >> (x & 7);
    }
  }
  return { widthDots, height: side, data };
}

export function isDot(image: RasterImage, x: number, y: number): boolean {
  return (image.data[y * (image.widthDots / 8) + (x >> 3)] & (0x80 >> (x & 7))) !== 0;
}

export function rasterToRgba(image: RasterImage, scale = 1): RgbaImage {
  const width = image.widthDots * scale;
  const height = image.height * scale;
  const data = new Uint8ClampedArray(width * height * 4);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const value = isDot(image, Math.floor(x / scale), Math.floor(y / scale)) ? 0 : 255;
      data.set([value, value, value, 255], (y * width + x) * 4);
    }
  }
  return { width, height, data };
}

export function rasterToPng(image: RasterImage, scale = 1): Buffer {
  const rgba = rasterToRgba(image, scale);
  const png = new PNG({ width: rgba.width, height: rgba.height });
  png.data = Buffer.from(rgba.data.buffer, rgba.data.byteOffset, rgba.data.byteLength);
  return PNG.sync.write(png);
}
