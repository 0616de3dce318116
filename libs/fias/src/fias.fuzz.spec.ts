import fc from 'fast-check';
import { FiasCodec, STX, parseRecord } from './fias.codec';
import { isFiasProtocolError } from './fias.errors';
import { parseTypedRecord } from './fias.records';
import { FIAS_RECORD_IDS, randomFiasBytes } from './testing/random-fias-bytes';

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

describe('FIAS decoder and parsers under random input', () => {
  it(`never crash on ${RUNS} random byte strings: every failure is a FiasProtocolError`, () => {
    const codecs = [
      new FiasCodec({ maxFrameBytes: 64 }),
      new FiasCodec({ lrc: true, encoding: 'windows-1251' }),
    ];
    let failures = 0;
    fc.assert(
      fc.property(
        randomFiasBytes,
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
      fc.property(fc.string({ maxLength: 64 }), fc.constantFrom(...FIAS_RECORD_IDS), (body, id) => {
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
