import { bigintNumber, epochMillis, toSafeInteger } from './column-transformers';

describe('column transformers', () => {
  it('reads bigint as a number whether the driver gives a string (pg) or a number (SQLite)', () => {
    expect(bigintNumber.from('9007199254740991')).toBe(9_007_199_254_740_991);
    expect(bigintNumber.from(-12_345)).toBe(-12_345);
    expect(bigintNumber.from(null)).toBeNull();
    expect(bigintNumber.to(570_50)).toBe(570_50);
  });

  it('refuses a bigint that a number cannot hold exactly', () => {
    expect(() => toSafeInteger('9007199254740993')).toThrow(RangeError);
    expect(() => toSafeInteger('12.5')).toThrow(RangeError);
  });

  it('stores times as epoch milliseconds and reads them back as the same instant', () => {
    const time = new Date('2026-03-01T12:00:00.123Z');

    expect(epochMillis.to(time)).toBe(1_772_366_400_123);
    expect(epochMillis.from('1772366400123')).toEqual(time);
    expect(epochMillis.from(1_772_366_400_123)).toEqual(time);
    expect(epochMillis.to(null)).toBeNull();
    expect(epochMillis.from(null)).toBeNull();
  });
});
