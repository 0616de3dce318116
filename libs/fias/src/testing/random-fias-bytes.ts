import fc from 'fast-check';

// LE is left out: a well-formed Link End legitimately ends the link, which would stop the fuzzing.
export const FIAS_RECORD_IDS = [
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
  'DS',
  'DE',
  'NS',
  'NE',
];
const FIELD_IDS = [
  'RN',
  'RO',
  'G#',
  'GN',
  'SF',
  'TA',
  'S1',
  'T2',
  'D1',
  'TP',
  'SC',
  'PI',
  'P#',
  'WS',
  'AS',
  'BA',
  'BI',
  'F#',
  'DC',
  'FD',
  'DA',
  'TI',
  'NP',
];

/** Bytes that often look like FIAS records (so they reach the link's record handling), with random damage. */
export const randomFiasBytes: fc.Arbitrary<Uint8Array> = fc.oneof(
  fc.uint8Array({ maxLength: 96 }),
  fc
    .array(
      fc.oneof(
        fc.constantFrom(...FIAS_RECORD_IDS).map((id) => `\u0002${id}|`),
        fc
          .tuple(fc.constantFrom(...FIELD_IDS), fc.string({ maxLength: 8 }))
          .map(([id, value]) => `${id}${value}|`),
        fc.constantFrom('\u0003', '|', 'OK', '-', '12345', '2781', '991332', '\u0006', '\u0015', '\u0005'),
      ),
      { maxLength: 20 },
    )
    .map((parts) => new Uint8Array(Buffer.from(parts.join(''), 'latin1'))),
);
