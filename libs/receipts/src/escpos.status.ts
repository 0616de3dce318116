import { StatusRequestKind } from './escpos.commands';

export interface PrinterCondition {
  offline: boolean;
  coverOpen: boolean;
  paperEnd: boolean;
  paperNearEnd: boolean;
  cutterError: boolean;
  unrecoverableError: boolean;
  autoRecoverableError: boolean;
}

export const HEALTHY_PRINTER: Readonly<PrinterCondition> = {
  offline: false,
  coverOpen: false,
  paperEnd: false,
  paperNearEnd: false,
  cutterError: false,
  unrecoverableError: false,
  autoRecoverableError: false,
};

/** Every status byte has bit 1 and bit 4 set and bits 0 and 7 clear (Epson ESC/POS, DLE EOT). */
const FIXED_BITS = 0b0001_0010;
const FIXED_MASK = 0b1001_0011;

export function isStatusByte(byte: number): boolean {
  return (byte & FIXED_MASK) === FIXED_BITS;
}

export function encodeStatusByte(kind: StatusRequestKind, condition: PrinterCondition): number {
  const anyError = condition.cutterError || condition.unrecoverableError || condition.autoRecoverableError;
  switch (kind) {
    case 1:
      return FIXED_BITS | (isOffline(condition) ? 0x08 : 0);
    case 2:
      return (
        FIXED_BITS |
        (condition.coverOpen ? 0x04 : 0) |
        (condition.paperEnd ? 0x20 : 0) |
        (anyError ? 0x40 : 0)
      );
    case 3:
      return (
        FIXED_BITS |
        (condition.cutterError ? 0x08 : 0) |
        (condition.unrecoverableError ? 0x20 : 0) |
        (condition.autoRecoverableError ? 0x40 : 0)
      );
    case 4:
      return FIXED_BITS | (condition.paperNearEnd ? 0x0c : 0) | (condition.paperEnd ? 0x60 : 0);
  }
}

export function decodeStatusBytes(bytes: readonly [number, number, number, number]): PrinterCondition {
  const [printer, offlineCause, errorCause, paper] = bytes;
  return {
    offline: (printer & 0x08) !== 0,
    coverOpen: (offlineCause & 0x04) !== 0,
    paperEnd: (offlineCause & 0x20) !== 0 || (paper & 0x60) !== 0,
    paperNearEnd: (paper & 0x0c) !== 0,
    cutterError: (errorCause & 0x08) !== 0,
    unrecoverableError: (errorCause & 0x20) !== 0,
    autoRecoverableError: (errorCause & 0x40) !== 0,
  };
}

function isOffline(condition: PrinterCondition): boolean {
  return (
    condition.offline ||
    condition.coverOpen ||
    condition.paperEnd ||
    condition.cutterError ||
    condition.unrecoverableError ||
    condition.autoRecoverableError
  );
}
