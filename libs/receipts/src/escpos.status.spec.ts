import {
  decodeStatusBytes,
  encodeStatusByte,
  HEALTHY_PRINTER,
  isStatusByte,
  PrinterCondition,
} from './escpos.status';

const answers = (condition: PrinterCondition): [number, number, number, number] => [
  encodeStatusByte(1, condition),
  encodeStatusByte(2, condition),
  encodeStatusByte(3, condition),
  encodeStatusByte(4, condition),
];

describe('DLE EOT status bytes', () => {
  it('answers 0x12 to every request when the printer is healthy', () => {
    expect(answers(HEALTHY_PRINTER)).toEqual([0x12, 0x12, 0x12, 0x12]);
  });

  it('sets the documented bits for paper end, near end, cover and cutter', () => {
    expect(answers({ ...HEALTHY_PRINTER, paperEnd: true })).toEqual([0x1a, 0x32, 0x12, 0x72]);
    expect(answers({ ...HEALTHY_PRINTER, paperNearEnd: true })).toEqual([0x12, 0x12, 0x12, 0x1e]);
    expect(answers({ ...HEALTHY_PRINTER, coverOpen: true })).toEqual([0x1a, 0x16, 0x12, 0x12]);
    expect(answers({ ...HEALTHY_PRINTER, cutterError: true })).toEqual([0x1a, 0x52, 0x1a, 0x12]);
  });

  it('reads back every condition it can express', () => {
    const conditions: PrinterCondition[] = [
      HEALTHY_PRINTER,
      { ...HEALTHY_PRINTER, offline: true },
      { ...HEALTHY_PRINTER, paperNearEnd: true },
      { ...HEALTHY_PRINTER, unrecoverableError: true, offline: true },
      { ...HEALTHY_PRINTER, autoRecoverableError: true, offline: true },
    ];
    for (const condition of conditions) expect(decodeStatusBytes(answers(condition))).toEqual(condition);
  });

  it('recognises the fixed bits of a status byte', () => {
    expect(isStatusByte(0x12)).toBe(true);
    expect(isStatusByte(0x72)).toBe(true);
    expect(isStatusByte(0x00)).toBe(false);
    expect(isStatusByte(0x93)).toBe(false);
  });
});
