import fc from 'fast-check';
import { FiasCodec, STX, parseRecord } from './fias.codec';
import { isFiasProtocolError } from './fias.errors';
import { parseTypedRecord } from './fias.records';

const RUNS = 100_000;

/** Decodes, parses and types everything in `bytes`; returns how many typed failures were seen. */
function consume(codec: FiasCodec, bytes: Uint8Array, cuts: readonly number[]): number {
  const decoder = codec.createDecoder();
  let failures = 0;
  let offset = 0;
  for (const cut of [...cuts, bytes.length]) {
    const end = Math.min(Math.max(cut, offset), bytes.length);
    for (const item of decoder.push(bytes.subarray(offset, end))) {
      if (item.kind === 'error') {
        if (!isFiasProtocolError(item.error)) throw new Error('decoder reported an untyped error');
        failures++;
        continue;
      }
      if (item.kind !== 'frame') continue;
      try {
        parseTypedRecord(codec.decodeBody(item.body), 'RUB');
      } catch (error) {
        if (!isFiasProtocolError(error)) throw error;
        failures++;
      }
    }
    offset = end;
  }
  return failures;
}

const recordIds = [
  'PS',
  'PR',
  'PL',
  'PA',
  'XR',
  'XI',
  'XB',
  'XC',
  'GI',
  'GO',
  'GC',
  'LS',
  'LD',
  'LR',
  'LA',
  'NS',
  'DS',
];
const fieldIds = [
  'RN',
  'G#',
  'GN',
  'TA',
  'S1',
  'T2',
  'D1',
  'TP',
  'SC',
  'P#',
  'WS',
  'PI',
  'AS',
  'BA',
  'BI',
  'DA',
  'TI',
];

/** Bytes that look like FIAS often enough to reach the typed parsers, with random damage. */
const fiasLike = fc
  .array(
    fc.oneof(
      fc.constantFrom(...recordIds).map((id) => `\u0002${id}|`),
      fc
        .tuple(fc.constantFrom(...fieldIds), fc.string({ maxLength: 8 }))
        .map(([id, value]) => `${id}${value}|`),
      fc.constantFrom('\u0003', '|', 'OK', '-', '12345', '991332', '\u0006', '\u0015'),
    ),
    { maxLength: 20 },
  )
  .map((parts) => Buffer.from(parts.join(''), 'latin1'));

describe('FIAS decoder and parsers under random input', () => {
  it(`never crash on ${RUNS} random byte strings: every failure is a FiasProtocolError`, () => {
    const codecs = [
      new FiasCodec({ maxFrameBytes: 64 }),
      new FiasCodec({ lrc: true, encoding: 'windows-1251' }),
    ];
    let failures = 0;
    fc.assert(
      fc.property(
        fc.oneof(fc.uint8Array({ maxLength: 96 }), fiasLike),
        fc.array(fc.nat(120), { maxLength: 4 }),
        fc.boolean(),
        (bytes, cuts, lrc) => {
          failures += consume(
            codecs[lrc ? 1 : 0],
            bytes,
            [...cuts].sort((a, b) => a - b),
          );
        },
      ),
      { seed: 4711, numRuns: RUNS },
    );
    expect(failures).toBeGreaterThan(RUNS / 10);
  });

  it('never crash on random record text fed straight to the parsers', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 64 }), fc.constantFrom(...recordIds), (body, id) => {
        for (const text of [body, `${id}|${body}`]) {
          try {
            parseTypedRecord(parseRecord(text), 'RUB');
          } catch (error) {
            if (!isFiasProtocolError(error)) throw error;
          }
        }
      }),
      { seed: 1729, numRuns: 20_000 },
    );
  });

  it('still finds the valid frame behind random garbage', () => {
    const codec = new FiasCodec();
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 64 }), (garbage) => {
        const clean = garbage.filter((byte) => byte !== STX);
        const stream = Buffer.concat([Buffer.from(clean), codec.encodeRecordText('LA|DA260611|TI101010|')]);
        const decoded = codec.createDecoder().push(stream);
        const last = decoded[decoded.length - 1];
        expect(last.kind === 'frame' && last.body.toString('latin1')).toBe('LA|DA260611|TI101010|');
      }),
      { seed: 99, numRuns: 2000 },
    );
  });
});
