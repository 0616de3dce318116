import { QrErrorCorrection } from './qr.renderer';
import { RasterImage } from './raster.image';

export const LF = 0x0a;
export const DLE = 0x10;
export const EOT = 0x04;
export const ESC = 0x1b;
export const FS = 0x1c;
export const GS = 0x1d;

export const INIT = Buffer.from([ESC, 0x40]);

export type StatusRequestKind = 1 | 2 | 3 | 4;

export function statusRequest(kind: StatusRequestKind): Buffer {
  return Buffer.from([DLE, EOT, kind]);
}

export interface NativeQrSettings {
  moduleDots: number;
  errorCorrection: QrErrorCorrection;
}

const QR_ECC_BYTE: Readonly<Record<QrErrorCorrection, number>> = { L: 48, M: 49, Q: 50, H: 51 };
export const NATIVE_QR_MAX_BYTES = 7089;

// Not node-thermal-printer's printQR: it sizes the store command (fn 180) in UTF-16 units, not bytes.
export function nativeQrCommands(payload: Uint8Array, settings: NativeQrSettings): Buffer {
  if (payload.length > NATIVE_QR_MAX_BYTES)
    throw new RangeError(`QR payload of ${payload.length} bytes is too long`);
  const store = payload.length + 3;
  return Buffer.concat([
    Buffer.from([GS, 0x28, 0x6b, 4, 0, 49, 65, 50, 0]),
    Buffer.from([GS, 0x28, 0x6b, 3, 0, 49, 67, settings.moduleDots]),
    Buffer.from([GS, 0x28, 0x6b, 3, 0, 49, 69, QR_ECC_BYTE[settings.errorCorrection]]),
    Buffer.from([GS, 0x28, 0x6b, store & 0xff, store >> 8, 49, 80, 48]),
    Buffer.from(payload),
    Buffer.from([GS, 0x28, 0x6b, 3, 0, 49, 81, 48]),
  ]);
}

export function errorCorrectionFromByte(byte: number): QrErrorCorrection | undefined {
  return (Object.keys(QR_ECC_BYTE) as QrErrorCorrection[]).find((level) => QR_ECC_BYTE[level] === byte);
}

export function rasterImageCommand(image: RasterImage): Buffer {
  const widthBytes = image.widthDots / 8;
  return Buffer.concat([
    Buffer.from([
      GS,
      0x76,
      0x30,
      0,
      widthBytes & 0xff,
      widthBytes >> 8,
      image.height & 0xff,
      image.height >> 8,
    ]),
    image.data,
  ]);
}
