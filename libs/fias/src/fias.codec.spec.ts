import {
  ACK,
  ENQ,
  ETX,
  FiasCodec,
  FiasDecoded,
  FiasFrameDecoder,
  NAK,
  STX,
  computeLrc,
  fieldValue,
  fieldValues,
  parseRecord,
  serializeRecord,
} from './fias.codec';
import { FiasProtocolError } from './fias.errors';

const REFERENCE_RECORDS = [
  'PS|RN2781|TA1050|DA000915|TI123545|P#1729|',
  'PA|RN2781|ASOK|P#1729|DA000915|TI123545|',
  'PR|SO123|WS456|IDELI|PI2781|DA000915|TI124200|P#1734|PMROOM|',
  'PL|SO123|WS456|RN2781|G#12345|GNGuest, Mr.|RN2781|G#12381|GNSharer, Mr.|P#1734|',
  'PR|SO123|WS456|IDJOSH|RN2781|G#12875|GNGaribaldi, Mr.|TA10575|S18000|T12575|C#1234|CV2|ST4|DA000915|TI124254|P#1737|PMROOM|',
  'PA|SO123|WS456|RN2781|G#12875|ASOK|DA000915|TI124301|P#1737|',
  'PA|SO123|WS456|ASNG|CTINVALID ROOM|P#1734|',
  'XR|RN2781|G#12345|DA001031|TI124800|',
  'XI|RN2781|F#1|G#12345|DC327|BI350|BDTelephone|DA001031|TI124753|FDY|',
  'XB|RN2781|G#12345|BA13850|ASOK|DA001031|TI124801|',
  'XB|ASUR|BA0|RN2781|G#12345|',
  'XC|RN2781|G#12345|BA13850|DA001031|TI125000|',
  'LS|DA000915|TI123500|',
  'LD|DA000915|TI123501|V#1.01|IFPO|',
  'LR|RIXB|FLRNG#BAASDATI|',
  'LA|DA000915|TI123502|',
  'GI|RN2781|G#12345|GNGuest, Mr.|GLEA|GSY|SF|',
];

function frameOf(text: string, lrc = false): Buffer {
  const body = Buffer.from(text, 'latin1');
  return Buffer.concat([
    Buffer.from([STX]),
    body,
    Buffer.from([ETX]),
    lrc ? Buffer.from([computeLrc(body)]) : Buffer.alloc(0),
  ]);
}

function frames(items: FiasDecoded[]): string[] {
  return items.flatMap((item) => (item.kind === 'frame' ? [item.body.toString('latin1')] : []));
}

function errors(items: FiasDecoded[]): string[] {
  return items.flatMap((item) => (item.kind === 'error' ? [item.error.code] : []));
}

describe('FIAS record text', () => {
  it.each(REFERENCE_RECORDS)('parses and re-serializes %s byte for byte', (text) => {
    expect(serializeRecord(parseRecord(text))).toBe(text);
  });

  it('keeps repeated fields in order (PL sharers)', () => {
    const record = parseRecord(REFERENCE_RECORDS[3]);
    expect(record.id).toBe('PL');
    expect(fieldValues(record, 'G#')).toEqual(['12345', '12381']);
    expect(fieldValue(record, 'P#')).toBe('1734');
    expect(fieldValue(record, 'XX')).toBeUndefined();
  });

  it('tolerates a missing final "|" and empty segments, and keeps empty values', () => {
    expect(parseRecord('GI|G#123|RN101|GNJohn Doe')).toEqual({
      id: 'GI',
      fields: [
        { id: 'G#', value: '123' },
        { id: 'RN', value: '101' },
        { id: 'GN', value: 'John Doe' },
      ],
    });
    expect(parseRecord('LS||DA000915||').fields).toEqual([{ id: 'DA', value: '000915' }]);
    expect(parseRecord('GI|SF|').fields).toEqual([{ id: 'SF', value: '' }]);
    expect(parseRecord('LS')).toEqual({ id: 'LS', fields: [] });
  });

  it.each([
    ['', 'FIAS.RECORD_MALFORMED'],
    ['P', 'FIAS.RECORD_MALFORMED'],
    ['ps|RN1|', 'FIAS.RECORD_MALFORMED'],
    ['PSRN1|', 'FIAS.RECORD_MALFORMED'],
    ['PS|R|', 'FIAS.RECORD_MALFORMED'],
    ['PS|R\u0001value|', 'FIAS.RECORD_MALFORMED'],
  ])('rejects %j with %s', (text, code) => {
    expect(() => parseRecord(text)).toThrow(expect.objectContaining({ code }));
  });

  it('refuses to serialize values that would break the framing', () => {
    expect(() => serializeRecord({ id: 'PR', fields: [{ id: 'GN', value: 'a|b' }] })).toThrow(
      FiasProtocolError,
    );
    expect(() => serializeRecord({ id: 'PR', fields: [{ id: 'GN', value: 'a\u0003b' }] })).toThrow(
      expect.objectContaining({ code: 'FIAS.FIELD_INVALID' }),
    );
    expect(() => serializeRecord({ id: 'P', fields: [] })).toThrow(
      expect.objectContaining({ code: 'FIAS.RECORD_MALFORMED' }),
    );
    expect(() => serializeRecord({ id: 'PR', fields: [{ id: 'G', value: '1' }] })).toThrow(
      expect.objectContaining({ code: 'FIAS.FIELD_INVALID' }),
    );
  });
});

describe('FIAS framing', () => {
  it('frames STX + text + ETX, and LRC = XOR of the bytes after STX up to and including ETX', () => {
    const codec = new FiasCodec();
    expect(codec.encodeRecord(parseRecord('LS|DA000915|TI123500|'))).toEqual(
      frameOf('LS|DA000915|TI123500|'),
    );
    const body = Buffer.from('LA|', 'latin1');
    // 'L' 0x4c ^ 'A' 0x41 ^ '|' 0x7c ^ ETX 0x03 = 0x72
    expect(computeLrc(body)).toBe(0x72);
    expect(new FiasCodec({ lrc: true }).encodeRecordText('LA|')).toEqual(
      Buffer.from([STX, 0x4c, 0x41, 0x7c, ETX, 0x72]),
    );
  });

  it('decodes frames split at every possible byte boundary', () => {
    const stream = Buffer.concat(REFERENCE_RECORDS.slice(0, 4).map((text) => frameOf(text, true)));
    for (let cut = 0; cut <= stream.length; cut++) {
      const decoder = new FiasFrameDecoder({ lrc: true, maxFrameBytes: 1024 });
      const items = [...decoder.push(stream.subarray(0, cut)), ...decoder.push(stream.subarray(cut))];
      expect(frames(items)).toEqual(REFERENCE_RECORDS.slice(0, 4));
      expect(errors(items)).toEqual([]);
    }
  });

  it('decodes a stream fed one byte at a time', () => {
    const stream = Buffer.concat(REFERENCE_RECORDS.map((text) => frameOf(text)));
    const decoder = new FiasFrameDecoder({ lrc: false, maxFrameBytes: 1024 });
    const items = [...stream].flatMap((byte) => decoder.push(Buffer.from([byte])));
    expect(frames(items)).toEqual(REFERENCE_RECORDS);
  });

  it('skips and reports garbage between frames, keeping the frames around it', () => {
    const decoder = new FiasFrameDecoder({ lrc: false, maxFrameBytes: 1024 });
    const items = decoder.push(
      Buffer.concat([
        Buffer.from('noise'),
        frameOf('LS|'),
        Buffer.from([0xff, 0x00]),
        frameOf('LA|'),
        Buffer.from('x'),
      ]),
    );
    expect(frames(items)).toEqual(['LS|', 'LA|']);
    expect(errors(items)).toEqual(['FIAS.GARBAGE', 'FIAS.GARBAGE', 'FIAS.GARBAGE']);
    const first = items[0];
    expect(first.kind === 'error' && first.error.metadata).toEqual({ bytes: 5, preview: '6e6f697365' });
  });

  it('restarts on an STX inside a frame and reports the cut frame', () => {
    const decoder = new FiasFrameDecoder({ lrc: false, maxFrameBytes: 1024 });
    const items = decoder.push(Buffer.concat([Buffer.from([STX]), Buffer.from('PS|RN1'), frameOf('LA|')]));
    expect(frames(items)).toEqual(['LA|']);
    expect(errors(items)).toEqual(['FIAS.GARBAGE']);
  });

  it('reports an LRC mismatch and drops that frame only', () => {
    const bad = frameOf('LA|', true);
    bad[bad.length - 1] ^= 0xff;
    const decoder = new FiasFrameDecoder({ lrc: true, maxFrameBytes: 1024 });
    const items = decoder.push(Buffer.concat([bad, frameOf('LS|', true)]));
    expect(errors(items)).toEqual(['FIAS.LRC_MISMATCH']);
    expect(frames(items)).toEqual(['LS|']);
  });

  it('bounds frame size and resynchronises on the next frame', () => {
    const decoder = new FiasFrameDecoder({ lrc: false, maxFrameBytes: 16 });
    const items = decoder.push(Buffer.concat([frameOf(`GI|GN${'x'.repeat(40)}|`), frameOf('LA|')]));
    expect(errors(items)).toEqual(['FIAS.FRAME_TOO_LONG']);
    expect(frames(items)).toEqual(['LA|']);
  });

  it('reports ACK, NAK and ENQ outside frames as control items', () => {
    const decoder = new FiasFrameDecoder({ lrc: false, maxFrameBytes: 64 });
    expect(decoder.push(Buffer.from([ACK, NAK, ENQ]))).toEqual([
      { kind: 'control', control: 'ACK' },
      { kind: 'control', control: 'NAK' },
      { kind: 'control', control: 'ENQ' },
    ]);
  });
});

describe('FIAS encodings', () => {
  it('carries Cyrillic names in windows-1251 as single bytes', () => {
    const codec = new FiasCodec({ encoding: 'windows-1251' });
    const bytes = codec.encodeRecordText('GI|RN1204|GNИванова, Ms.|');
    expect(bytes.length).toBe('GI|RN1204|GNИванова, Ms.|'.length + 2);
    const decoder = codec.createDecoder();
    const [item] = decoder.push(bytes);
    expect(item.kind === 'frame' && fieldValue(codec.decodeBody(item.body), 'GN')).toBe('Иванова, Ms.');
  });

  it('carries umlauts in cp850', () => {
    const codec = new FiasCodec({ encoding: 'cp850' });
    const bytes = codec.encodeRecordText('GI|RN1|GNMüller, Mr.|');
    expect(bytes.includes(0x81)).toBe(true);
    expect(codec.decodeText(bytes.subarray(1, bytes.length - 1))).toBe('GI|RN1|GNMüller, Mr.|');
  });

  it('refuses text the code page cannot carry instead of sending "?"', () => {
    expect(() => new FiasCodec({ encoding: 'latin1' }).encodeRecordText('GI|GNИванова|')).toThrow(
      expect.objectContaining({ code: 'FIAS.ENCODING' }),
    );
  });

  it('rejects unknown encodings and silly frame limits at construction', () => {
    expect(() => new FiasCodec({ encoding: 'klingon' })).toThrow(
      expect.objectContaining({ code: 'FIAS.CONFIG_INVALID' }),
    );
    expect(() => new FiasCodec({ maxFrameBytes: 2 })).toThrow(
      expect.objectContaining({ code: 'FIAS.CONFIG_INVALID' }),
    );
  });
});
